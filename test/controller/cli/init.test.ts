/**
 * A new team's repository: `meshform init` scaffolds it, refuses to overwrite, and what it writes
 * synthesizes and plans against the sandbox with meshform installed as a package (linked here: the
 * machine has no registry to install from).
 */
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { REPO_ROOT, linkMeshform, meshform, platformEnv } from '../../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';
import { scratchDir } from '../../helpers/scratch';

let f: SandboxFixture;
let dir: string;
beforeAll(async () => {
  f = await sandboxFixture();
  dir = scratchDir('init');
});
afterAll(async () => {
  await f.sandbox.close();
});

test('init writes a repository that synthesizes and plans; a second init refuses and writes nothing', async () => {
  const repo = path.join(dir, 'payments-team');
  const init = await meshform(['init', '--dir', repo]);
  expect(init.code).toBe(0);
  for (const file of [
    'package.json',
    'cdktf.json',
    'tsconfig.json',
    'main.ts',
    '.gitignore',
    '.github/workflows/meshform.yml',
  ])
    expect(fs.existsSync(path.join(repo, file))).toBe(true);
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  expect(pkg).toMatchObject({
    name: 'payments-team',
    dependencies: { meshform: expect.stringMatching(/^\^\d+\.\d+\.\d+$/) },
    devDependencies: { typescript: expect.stringMatching(/^5\./) },
  });
  // The workflow is GitHub's, untouched: its ${{ … }} expressions are not ours to fill in.
  expect(fs.readFileSync(path.join(repo, '.github/workflows/meshform.yml'), 'utf8')).toBe(
    fs.readFileSync(path.join(REPO_ROOT, 'examples/github-actions/meshform.yml'), 'utf8'),
  );

  const fresh = fs.readFileSync(path.join(repo, 'main.ts'), 'utf8');
  fs.writeFileSync(path.join(repo, 'main.ts'), `${fresh}// mine\n`);
  const again = await meshform(['init', '--dir', repo]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(
    /cdktf\.json, tsconfig\.json, main\.ts, \.gitignore, \.github\/workflows\/meshform\.yml exist in .*: nothing was written; pass --force to overwrite/,
  );
  expect(fs.readFileSync(path.join(repo, 'main.ts'), 'utf8')).toMatch(/\/\/ mine\n$/);

  const env = { ...platformEnv(f.sandbox.url, PARTNER), PATH: linkMeshform(repo) };
  const synth = await meshform(['synth'], { cwd: repo, env });
  expect(synth.stderr).toBe('');
  expect(synth.code).toBe(0);
  const plan = await meshform(['plan', '--detailed-exitcode'], { cwd: repo, env });
  expect(plan.code).toBe(2);
  expect(plan.stdout).toMatch(/\+ create workspace my-team "My Team"/);
  expect(plan.stdout).toMatch(/\+ grant user alice: Workspace Owner/);
  // What synth and plan write stays out of Git.
  execFileSync('git', ['init', '-q'], { cwd: repo });
  for (const file of ['out/meshform.json', 'dist/main.js', 'node_modules/meshform', 'plan.json'])
    execFileSync('git', ['check-ignore', '-q', file], { cwd: repo });
});

test("the README's install sequence: `npm install <tarball>` writes a package.json, and init adds to it", async () => {
  const repo = path.join(dir, 'checkout-team');
  fs.mkdirSync(repo);
  // What `npm install ../meshform-0.1.0.tgz` leaves in an empty directory.
  const installed = { dependencies: { meshform: 'file:../meshform-0.1.0.tgz' } };
  fs.writeFileSync(path.join(repo, 'package.json'), `${JSON.stringify(installed, null, 2)}\n`);
  const init = await meshform(['init', '--dir', repo, '--meshform', '../meshform-0.1.0.tgz']);
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  expect(init.stdout).toMatch(/updated package\.json/);
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  expect(pkg).toEqual({
    name: 'checkout-team',
    private: true,
    scripts: { synth: 'meshform synth', plan: 'meshform synth && meshform plan' },
    dependencies: { meshform: 'file:../meshform-0.1.0.tgz' },
    devDependencies: { typescript: expect.stringMatching(/^5\./) },
  });
  for (const file of ['cdktf.json', 'tsconfig.json', 'main.ts', '.gitignore'])
    expect(fs.existsSync(path.join(repo, file))).toBe(true);
});

test('a package.json of your own keeps what it has: your name, scripts and meshform version; one init cannot read is refused', async () => {
  const repo = path.join(dir, 'own-team');
  fs.mkdirSync(repo);
  const own = { name: 'ours', scripts: { synth: 'make synth' }, dependencies: { meshform: '0.1.0', left: '1.0.0' } };
  fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify(own));
  expect((await meshform(['init', '--dir', repo, '--meshform', '^0.2.0'])).code).toBe(0);
  expect(JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'))).toEqual({
    name: 'ours',
    private: true,
    scripts: { synth: 'make synth', plan: 'meshform synth && meshform plan' },
    dependencies: { meshform: '0.1.0', left: '1.0.0' },
    devDependencies: { typescript: expect.stringMatching(/^5\./) },
  });

  const broken = path.join(dir, 'broken-team');
  fs.mkdirSync(broken);
  fs.writeFileSync(path.join(broken, 'package.json'), '{ "dependencies": ');
  const init = await meshform(['init', '--dir', broken]);
  expect(init.code).toBe(1);
  expect(init.stderr).toMatch(/package\.json in .* is not valid JSON: nothing was written/);
  expect(fs.readdirSync(broken)).toEqual(['package.json']);
});

test('the package ships the CLI, the constructs, the schemas and the templates, and no compiled tests or benchmarks', () => {
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  const files: string[] = pack.files.map((x: { path: string }) => x.path);
  for (const needed of [
    'dist/bin/meshform.js',
    'dist/constructs/index.js',
    'dist/constructs/cdktf.d.ts',
    'schemas/desired-state.schema.json',
    'templates/init/main.ts',
    'examples/github-actions/meshform.yml',
  ])
    expect(files).toContain(needed);
  expect(files.filter((x) => /^dist\/(test|bench)\//.test(x))).toEqual([]);
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  expect(pkg.private).toBeUndefined();
  expect(Object.keys(pkg.exports)).toEqual(['.', './cdktf', './package.json']);
});

test('the build leaves the CLI executable, so `npx meshform` in a checkout runs it (tsc writes files without the x bit)', () => {
  expect(fs.statSync(path.join(REPO_ROOT, 'dist/bin/meshform.js')).mode & 0o111).toBe(0o111);
});
