/**
 * The package as a team installs it: `npm pack`, the tarball unpacked into a scratch project's
 * node_modules the way npm unpacks it, its dependencies linked from this checkout (tests reach no
 * registry), then init, synth and plan against the sandbox. Installed without its optional
 * dependencies, everything but `meshform sandbox` works, and that says what to install.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MAGIC_COOKIE_VALUE } from '../../../provider/protocol/plugin-server';
import { REPO_ROOT, platformEnv } from '../../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';
import { scratchDir } from '../../helpers/scratch';

interface Lock {
  packages: Record<
    string,
    {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
      optional?: boolean;
      dev?: boolean;
    }
  >;
}

/** The packages a production install of meshform holds (with or without its optional dependencies). */
function installed(withOptional: boolean): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lock;
  const root = lock.packages[''];
  const todo = [
    ...Object.keys(root.dependencies ?? {}),
    ...(withOptional ? Object.keys(root.optionalDependencies ?? {}) : []),
  ];
  const seen = new Set<string>();
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name) || !lock.packages[`node_modules/${name}`]) continue;
    seen.add(name);
    const entry = lock.packages[`node_modules/${name}`];
    todo.push(...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}));
  }
  return [...seen].sort();
}

const sizeMb = (names: string[]) =>
  names.reduce(
    (k, n) =>
      k +
      Number(
        execFileSync('du', ['-sk', '-L', path.join(REPO_ROOT, 'node_modules', n)], { encoding: 'utf8' }).split('\t')[0],
      ),
    0,
  ) / 1024;

let f: SandboxFixture;
let dir: string;
let tarball: string;
beforeAll(async () => {
  f = await sandboxFixture();
  dir = scratchDir('pkg');
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  tarball = path.join(dir, pack.filename);
});
afterAll(async () => {
  await f.sandbox.close();
});

/** A project with meshform unpacked from the tarball and these dependencies beside it. */
function project(name: string, deps: string[]): { repo: string; env: Record<string, string>; bin: string } {
  const repo = path.join(dir, name);
  const modules = path.join(repo, 'node_modules');
  fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', repo]);
  fs.renameSync(path.join(repo, 'package'), path.join(modules, 'meshform'));
  for (const d of [...deps, 'typescript']) {
    fs.mkdirSync(path.dirname(path.join(modules, d)), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', d), path.join(modules, d));
  }
  // What npm does for a package's bin: a link in node_modules/.bin, made executable.
  const bin = path.join(modules, 'meshform', 'dist', 'bin', 'meshform.js');
  fs.chmodSync(bin, 0o755);
  fs.symlinkSync(bin, path.join(modules, '.bin', 'meshform'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), path.join(modules, '.bin', 'tsc'));
  return {
    repo,
    bin,
    env: {
      ...process.env,
      ...platformEnv(f.sandbox.url, PARTNER),
      CI: 'true',
      PATH: `${path.join(modules, '.bin')}${path.delimiter}${process.env.PATH}`,
    } as Record<string, string>,
  };
}

const run = (p: { repo: string; env: Record<string, string> }, args: string[]) =>
  spawnSync('meshform', args, { cwd: p.repo, env: p.env, encoding: 'utf8' });

test('installed from the packed tarball: init, synth and plan against the sandbox', () => {
  const p = project('from-tarball', installed(true));
  expect(run(p, ['init', '--force', '--meshform', tarball]).status).toBe(0);
  const synth = run(p, ['synth']);
  expect(synth.stderr).toBe('');
  expect(synth.status).toBe(0);
  const plan = run(p, ['plan', '--detailed-exitcode']);
  expect(plan.stdout).toMatch(/\+ create workspace my-team "My Team"/);
  expect(plan.status).toBe(2);
});

test("without the optional dependencies (the sandbox's and the provider's): synth and plan work, `meshform sandbox` and `meshform terraform install` say what to install", () => {
  const all = installed(true);
  const lean = installed(false);
  const p = project('without-optional', lean);
  expect(run(p, ['init', '--force']).status).toBe(0);
  expect(run(p, ['synth']).status).toBe(0);
  expect(run(p, ['plan', '--detailed-exitcode']).status).toBe(2);
  const sandbox = run(p, ['sandbox', '--ephemeral', '--port', '0']);
  expect(sandbox.status).toBe(1);
  expect(sandbox.stderr).toMatch(
    /meshform sandbox needs its optional dependencies \(\S+ is not installed\): npm install --include=optional/,
  );
  // So does the Terraform provider: install refuses to write a launcher that could not start.
  const provider = run(p, ['terraform', 'install', '--dir', 'tf']);
  expect(provider.status).toBe(1);
  expect(provider.stderr).toMatch(
    /terraform-provider-meshform needs its optional dependencies \(\S+ is not installed\): npm install --include=optional/,
  );
  expect(fs.existsSync(path.join(p.repo, 'tf'))).toBe(false);
  process.stdout.write(
    `package: ${all.length} packages, ${sizeMb(all).toFixed(1)} MB installed; without the optional (sandbox and provider) dependencies ${lean.length} packages, ${sizeMb(lean).toFixed(1)} MB\n`,
  );
});

test('the packed provider: `meshform terraform install` writes a launcher that starts it, and the started provider answers the handshake (its .proto files ship in the package)', async () => {
  const p = project('provider', installed(true));
  const install = run(p, ['terraform', 'install', '--dir', 'tf']);
  expect(install.status).toBe(0);
  const [launcher] = fs
    .readdirSync(path.join(p.repo, 'tf', 'mirror', 'registry.terraform.io', 'meshcloud', 'meshform', '0.1.0'))
    .map((platform) =>
      path.join(
        p.repo,
        'tf',
        'mirror',
        'registry.terraform.io',
        'meshcloud',
        'meshform',
        '0.1.0',
        platform,
        'terraform-provider-meshform_v0.1.0',
      ),
    );
  expect(fs.readFileSync(launcher, 'utf8')).toContain(
    path.join(p.repo, 'node_modules', 'meshform', 'dist', 'bin', 'terraform-provider-meshform.js'),
  );
  const direct = spawnSync(launcher, [], { encoding: 'utf8', env: p.env });
  expect(direct.status).toBe(1);
  expect(direct.stderr).toMatch(/This is a Terraform provider plugin: Terraform starts it/);
  // As Terraform starts it (without AutoMTLS here): the handshake line, then it serves until stopped.
  const child = spawn(launcher, [], { env: { ...p.env, TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE } });
  const line = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
  child.kill('SIGKILL');
  expect(line).toMatch(/^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc\|\n$/);
});
