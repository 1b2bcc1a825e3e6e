/**
 * The README's and docs/' examples are what people paste: the two commands of a fresh machine match
 * package.json and .ci/run, every meshform command in a shell block exists with its flags, the
 * TypeScript examples compile and run as a user's project would (against the built package), the
 * reference pages cover every rule and command, and the five-minute tour runs as written, each step
 * with the exit code its comment promises.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { RULES } from '../core/rules';
import { REPO_ROOT, linkMeshform, meshform, platformEnv } from './helpers/cli';
import { commandProblems, meshformCommands } from './helpers/commands';
import { PARTNER, type SandboxFixture, sandboxFixture } from './helpers/sandbox';
import { scratchDir } from './helpers/scratch';

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
const README = read('README.md');
/** README.md and every page of docs/, by path. */
const PAGES: ReadonlyArray<readonly [string, string]> = [
  ['README.md', README],
  ...fs
    .readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => [`docs/${f}`, read(`docs/${f}`)] as const),
];
const blocks = (text: string, lang: string) =>
  [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
const shellBlocks = blocks(README, 'sh');
/** A section of a page: from its heading to the next heading of the same or a higher level. */
function section(page: string, heading: string): string {
  const start = page.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(heading)![0];
  const next = page.slice(start + heading.length + 2).search(new RegExp(`^#{1,${level.length}} `, 'm'));
  return next < 0 ? page.slice(start) : page.slice(start, start + heading.length + 2 + next);
}

describe('README', () => {
  test('opens with the two commands of a fresh machine, which package.json and .ci/run provide', () => {
    const first = shellBlocks[0]
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(first).toEqual(['npm ci && npm run demo', 'npm test']);
    const scripts = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    expect(scripts.demo).toBeDefined();
    expect(scripts.test).toBeDefined();
    // CI runs exactly the README's test command after a clean install; it ends with the adopter's install
    // smoke on the other supported Node lines (docs/install.md).
    const ci = fs
      .readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));
    expect(ci).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
    expect(scripts.test).toContain('npm run test:after-build');
    expect(scripts['test:after-build']).toContain('npm run test:node-smoke');
    expect(scripts['test:node-smoke']).toBe('.ci/node-smoke.sh 22 24');
  });

  test('stays short: a reader gets through it in five minutes; the reference lives in docs/', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(250);
    // Every page of docs/ is linked from the README, and every link to a page of the repository resolves.
    for (const [page] of PAGES.slice(1)) expect(README).toContain(`](${page})`);
    const broken = PAGES.flatMap(([page, text]) =>
      [...text.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1])
        .filter((target) => !fs.existsSync(path.join(REPO_ROOT, path.dirname(page), target)))
        .map((target) => `${page}: ${target}`),
    );
    expect(broken).toEqual([]);
  });

  test('docs/safety.md lists every rule the plan refuses with, and docs/cli.md every command', async () => {
    const safety = read('docs/safety.md');
    const refusals = Object.entries(RULES)
      .filter(([, r]) => r.level === 'refusal')
      .map(([id]) => id);
    expect(refusals.length).toBeGreaterThan(20);
    expect(refusals.filter((id) => !safety.includes(`\`${id}\``))).toEqual([]);
    const help = await meshform(['--help'], { cwd: REPO_ROOT });
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    const cli = section(read('docs/cli.md'), '## Commands');
    expect(commands.filter((c) => !cli.includes(`\`meshform ${c}`))).toEqual([]);
  });

  test('every meshform command in the shell blocks of the README and docs/ exists, with those flags', () => {
    const commands = PAGES.flatMap(([, text]) => blocks(text, 'sh').flatMap(meshformCommands));
    expect(commands.length).toBeGreaterThanOrEqual(15);
    expect(commands.flatMap(commandProblems)).toEqual([]);
  });

  test('every TypeScript example compiles with the tsconfig cdktf init writes against the package, and runs', () => {
    const examples = PAGES.flatMap(([page, text]) => blocks(text, 'ts').map((code) => ({ page, code })));
    expect(examples.length).toBeGreaterThanOrEqual(1);
    for (const [i, { page, code }] of examples.entries()) {
      // A user's project: meshform installed, and the compiler options `cdktf init` writes (CommonJS).
      const project = scratchDir('doc-example');
      linkMeshform(project);
      const file = path.join(project, 'main.ts');
      fs.writeFileSync(file, code);
      const program = ts.createProgram([file], {
        target: ts.ScriptTarget.ES2018,
        module: ts.ModuleKind.CommonJS,
        strict: true,
        skipLibCheck: true,
        outDir: project,
        types: [],
      });
      const errors = ts
        .getPreEmitDiagnostics(program)
        .map((d) => `${page}, example ${i + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(errors).toEqual([]);
      program.emit();
      execFileSync(process.execPath, [path.join(project, 'main.js')], { cwd: project, stdio: 'pipe' });
      expect(fs.readdirSync(path.join(project, 'cdktf.out', 'stacks')).length).toBeGreaterThan(0);
    }
  });

  describe('the five-minute tour, run as written', () => {
    let f: SandboxFixture;
    let cwd: string;
    beforeAll(async () => {
      f = await sandboxFixture();
      // A user's project: its cdktf.json runs the basic example.
      cwd = scratchDir('tour');
      fs.writeFileSync(
        path.join(cwd, 'cdktf.json'),
        JSON.stringify({
          language: 'typescript',
          app: `node ${path.join(REPO_ROOT, 'dist', 'examples', 'basic', 'main.js')}`,
        }),
      );
    });
    afterAll(async () => {
      await f.sandbox.close();
    });

    test('synth, plan, apply, plan again, markdown: each exits as its comment says', async () => {
      const tour = shellBlocks.find((b) => b.includes('meshform sandbox --ephemeral'))!;
      const exported = /^export (.+)$/m.exec(tour)![1];
      expect(exported).toBe(`MESHSTACK_ENDPOINT=http://127.0.0.1:8080 MESHSTACK_API_KEY=${PARTNER}`);
      // The sandbox of this test stands in for the one the tour starts on port 8080.
      const env = platformEnv(f.sandbox.url, PARTNER);
      const steps = tour
        .split('\n')
        .filter((l) => /^npx meshform /.test(l) && !/meshform sandbox/.test(l))
        .map((l) => ({ line: l, args: meshformCommands(l)[0], exit: Number(/#.*\bexit (\d)/.exec(l)?.[1] ?? 0) }));
      expect(steps.map((s) => s.args[0])).toEqual(['synth', 'plan', 'apply', 'plan', 'plan']);
      for (const step of steps) {
        const run = await meshform(step.args, { cwd, env });
        expect({ line: step.line, code: run.code, stderr: run.code === step.exit ? '' : run.stderr }).toEqual({
          line: step.line,
          code: step.exit,
          stderr: '',
        });
      }
      expect(fs.existsSync(path.join(cwd, 'out', 'cdk.tf.json'))).toBe(true);
    });
  });
});
