import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT, meshform } from '../../helpers/cli';
import { scratchDir } from '../../helpers/scratch';

const tmpOut = () => scratchDir('synth');
const fixtureApp = (name: string) => `node dist/test/fixtures/apps/${name}.js`;

describe('meshform synth', () => {
  test('uses the app from cdktf.json by default and prints what it wrote', async () => {
    const out = tmpOut();
    const run = await meshform(['synth', '--out', out], { cwd: REPO_ROOT });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Synthesized stack "basic": 1 workspace\(s\), 2 project\(s\), 8 binding\(s\)\n/);
    expect(fs.readdirSync(out).sort()).toEqual(['cdk.tf.json', 'meshform.json']);
  });

  test('two synths are byte-identical', async () => {
    const [a, b] = [tmpOut(), tmpOut()];
    await meshform(['synth', '--out', a], { cwd: REPO_ROOT });
    await meshform(['synth', '--out', b], { cwd: REPO_ROOT });
    for (const f of ['meshform.json', 'cdk.tf.json'])
      expect(fs.readFileSync(path.join(a, f), 'utf8')).toBe(fs.readFileSync(path.join(b, f), 'utf8'));
  });

  test('fails on an app with three owners, naming the construct and the rule, and writes nothing', async () => {
    const out = tmpOut();
    const run = await meshform(['synth', '--app', fixtureApp('three-owners'), '--out', out], { cwd: REPO_ROOT });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /\[owners\/Team\] workspace "team" declares 3 Workspace Owners \(alice, bob, carol\).*rule: owner-limit/,
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('asks for --stack when the app has several meshform stacks, and honours it', async () => {
    const out = tmpOut();
    const many = await meshform(['synth', '--app', fixtureApp('two-stacks'), '--out', out], { cwd: REPO_ROOT });
    expect(many.code).toBe(1);
    expect(many.stderr).toMatch(/2 stacks with meshform constructs \(dev, prod\): pass --stack <name>/);
    const one = await meshform(['synth', '--app', fixtureApp('two-stacks'), '--out', out, '--stack', 'prod'], {
      cwd: REPO_ROOT,
    });
    expect(one.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'meshform.json'), 'utf8')).workspaces[0].metadata.name).toBe(
      'team-prod',
    );
    const unknown = await meshform(['synth', '--app', fixtureApp('two-stacks'), '--out', out, '--stack', 'qa'], {
      cwd: REPO_ROOT,
    });
    expect(unknown.stderr).toMatch(/no stack named "qa" with meshform constructs; found: dev, prod/);
  });

  test('fails clearly without an app', async () => {
    const run = await meshform(['synth'], { cwd: os.tmpdir() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no app to synthesize: pass --app/);
  });

  test('a typo in a workspace role in TypeScript shows the compiler message with file and line', async () => {
    // GIVEN an app like `cdktf init` makes (compiled with tsc, then run) whose code misspells a role
    const dir = scratchDir('tsapp');
    const dist = path.join(REPO_ROOT, 'dist', 'constructs').replace(/\\/g, '/');
    fs.writeFileSync(
      path.join(dir, 'main.ts'),
      [
        `import { App } from '${dist}/cdktf';`,
        `import { MeshStack, User, Workspace } from '${dist}';`,
        'const app = new App();',
        "const stack = new MeshStack(app, 'team');",
        "const ws = new Workspace(stack, 'Team', { identifier: 'team', displayName: 'Team' });",
        "ws.grant('Workspace Mamager', User.fromUsername('bob'));",
        'app.synth();',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'commonjs', target: 'ES2022', skipLibCheck: true, types: [] },
        files: ['main.ts'],
      }),
    );
    const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // WHEN meshform synthesizes it
    const run = await meshform(['synth', '--app', `node "${tsc}" -p . && node main.js`, '--out', tmpOut()], {
      cwd: dir,
    });
    // THEN the error names the file, the line and the compiler's complaint, not only the exit code
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/exited with code 2/);
    expect(run.stderr).toMatch(
      /main\.ts\(6,10\): error TS2345: Argument of type '"Workspace Mamager"' is not assignable to parameter of type/,
    );
  });

  test('fails clearly when the app command fails', async () => {
    const run = await meshform(['synth', '--app', 'node -e "process.exit(3)"', '--out', tmpOut()], { cwd: REPO_ROOT });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/exited with code 3/);
  });

  test('an unknown flag is a usage error with exit code 1', async () => {
    const run = await meshform(['synth', '--bogus'], { cwd: REPO_ROOT });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unknown option '--bogus'/);
  });

  test('the built bin runs as a process', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/bin/meshform.js'), 'synth', '--out', tmpOut()], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Synthesized stack "basic"/);
  });
});
