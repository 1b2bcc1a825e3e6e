/**
 * The package as an adopter installs it: `npm pack`, then `npm install <tarball>` into a new project
 * from the registry (npm's cache may answer; nothing is linked from this checkout), `meshform init`,
 * `npm install` again for what init adds, then the installed `meshform sandbox`, `synth`, `plan` and
 * `terraform install`. Every command runs with the `node` and `npm` first on PATH, so
 * .ci/node-smoke.sh runs this file on each supported Node line (docs/install.md). Installed without
 * its optional dependencies, everything but `meshform sandbox` and the provider works, and those two
 * say what to install.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { MAGIC_COOKIE_VALUE } from '../../../provider/protocol/plugin-server';
import { REPO_ROOT, platformEnv } from '../../helpers/cli';
import { PARTNER } from '../../helpers/sandbox';
import { scratchDir } from '../../helpers/scratch';

let dir: string;
let tarball: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  dir = scratchDir('pkg');
  // .ci/node-smoke.sh packs once for every Node line it runs this file on.
  tarball = process.env.MESHFORM_TEST_TARBALL ?? pack(dir);
  process.stdout.write(`package-install: node ${spawnSync('node', ['--version'], { encoding: 'utf8' }).stdout}`);
});
afterAll(() => {
  for (const child of started) child.kill('SIGKILL');
});

/** `npm pack` of this checkout into `dir`: dist/ is built before the integration tier runs, packing only collects it. */
function pack(dir: string): string {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as Array<{ filename: string }>;
  return path.join(dir, packed.filename);
}

interface Project {
  repo: string;
  env: Record<string, string>;
}

/** A new project with the tarball installed by npm, as `npm init -y && npm install <tarball> [flags]`. */
function project(name: string, flags: string[] = []): Project {
  const repo = path.join(dir, name);
  fs.mkdirSync(repo);
  const env = {
    // npm's settings from a surrounding `npm test` (npm_config_*, npm_package_*) are not the adopter's.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
    CI: 'true',
    PATH: `${path.join(repo, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`,
  } as Record<string, string>;
  const p = { repo, env };
  npm(p, ['init', '-y']);
  npm(p, ['install', ...flags, tarball]);
  return p;
}

/** npm as an adopter runs it; what npm's cache holds is not asked of the registry again (--prefer-offline). */
function npm(p: Project, args: string[]): void {
  const run = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: p.repo,
    env: p.env,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
}

const run = (p: Project, args: string[], env: Record<string, string> = {}) =>
  spawnSync('meshform', args, { cwd: p.repo, env: { ...p.env, ...env }, encoding: 'utf8' });

/** `meshform sandbox` from the installed package, on a free port; resolves with its URL once it listens. */
async function sandbox(p: Project): Promise<string> {
  const child = spawn('meshform', ['sandbox', '--ephemeral', '--port', '0'], { cwd: p.repo, env: p.env });
  started.push(child);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  for await (const line of readline.createInterface({ input: child.stdout })) {
    const m = /listening on (http:\/\/\S+)/.exec(line);
    if (m) return m[1];
  }
  throw new Error(`meshform sandbox exited before it listened: ${stderr}`);
}

describe('installed from the packed tarball with npm', () => {
  let p: Project;
  let url: string;
  beforeAll(async () => {
    p = project('adopter');
    url = await sandbox(p);
  });

  test('every optional dependency (the sandbox and the provider need them) is installed on this Node: npm dropped none', () => {
    const { optionalDependencies } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      optionalDependencies: Record<string, string>;
    };
    const missing = Object.keys(optionalDependencies).filter(
      (name) => !fs.existsSync(path.join(p.repo, 'node_modules', name, 'package.json')),
    );
    expect(missing).toEqual([]);
  });

  test('meshform sandbox (started above), init, synth and plan', () => {
    expect(run(p, ['init', '--force', '--meshform', tarball]).status).toBe(0);
    npm(p, ['install']);
    const synth = run(p, ['synth']);
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    const plan = run(p, ['plan', '--detailed-exitcode'], platformEnv(url, PARTNER));
    expect(plan.stdout).toMatch(/\+ create workspace my-team "My Team"/);
    expect(plan.status).toBe(2);
  });

  test('meshform terraform install writes a launcher that starts the provider, and it answers the handshake (its .proto files ship in the package)', async () => {
    const install = run(p, ['terraform', 'install', '--dir', 'tf']);
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    const versionDir = path.join(p.repo, 'tf', 'mirror', 'registry.terraform.io', 'meshcloud', 'meshform', '0.1.0');
    const [launcher] = fs
      .readdirSync(versionDir)
      .map((platform) => path.join(versionDir, platform, 'terraform-provider-meshform_v0.1.0'));
    expect(fs.readFileSync(launcher, 'utf8')).toContain(
      path.join(p.repo, 'node_modules', 'meshform', 'dist', 'bin', 'terraform-provider-meshform.js'),
    );
    const direct = spawnSync(launcher, [], { encoding: 'utf8', env: p.env });
    expect(direct.status).toBe(1);
    expect(direct.stderr).toMatch(/This is a Terraform provider plugin: Terraform starts it/);
    // As Terraform starts it (without AutoMTLS here): the handshake line, then it serves until stopped.
    const child = spawn(launcher, [], { env: { ...p.env, TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE } });
    started.push(child);
    const { value: line } = await readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
    child.kill('SIGKILL');
    expect(line).toMatch(/^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc\|$/);
  });

  test("installed without the optional dependencies (the sandbox's and the provider's): synth and plan work, `meshform sandbox` and `meshform terraform install` say what to install", async () => {
    const lean = project('without-optional', ['--omit=optional']);
    expect(fs.existsSync(path.join(lean.repo, 'node_modules', 'fastify'))).toBe(false);
    expect(run(lean, ['init', '--force', '--meshform', tarball]).status).toBe(0);
    npm(lean, ['install', '--omit=optional']);
    expect(run(lean, ['synth']).status).toBe(0);
    expect(run(lean, ['plan', '--detailed-exitcode'], platformEnv(url, PARTNER)).status).toBe(2);
    const refused = run(lean, ['sandbox', '--ephemeral', '--port', '0']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /meshform sandbox needs its optional dependencies \(\S+ is not installed\): npm install --include=optional/,
    );
    // So does the Terraform provider: install refuses to write a launcher that could not start.
    const provider = run(lean, ['terraform', 'install', '--dir', 'tf']);
    expect(provider.status).toBe(1);
    expect(provider.stderr).toMatch(
      /terraform-provider-meshform needs its optional dependencies \(\S+ is not installed\): npm install --include=optional/,
    );
    expect(fs.existsSync(path.join(lean.repo, 'tf'))).toBe(false);
  });
});
