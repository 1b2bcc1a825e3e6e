/**
 * The README's shell blocks are commands people paste: the two commands of a fresh machine match
 * package.json and .ci/run, every meshform command in them exists with its flags, and the
 * five-minute tour runs as written, each step with the exit code its comment promises.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../core/rules';
import { REPO_ROOT, meshform, platformEnv } from './helpers/cli';
import { commandProblems, meshformCommands } from './helpers/commands';
import { PARTNER, type SandboxFixture, sandboxFixture } from './helpers/sandbox';
import { scratchDir } from './helpers/scratch';

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const shellBlocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);

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
    // CI runs exactly the README's test command after a clean install, then the adopter's install smoke
    // on the other supported Node lines (docs/install.md; npm test runs it on the machine's Node).
    const ci = fs
      .readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));
    expect(ci).toEqual(['npm ci --no-audit --no-fund', 'npm test', '.ci/node-smoke.sh 22 24']);
  });

  test('the safety model lists every rule the plan refuses with, and the CLI section every command', async () => {
    const safety = README.slice(README.indexOf('## Safety model'), README.indexOf('## Terraform / OpenTofu'));
    const refusals = Object.entries(RULES)
      .filter(([, r]) => r.level === 'refusal')
      .map(([id]) => id);
    expect(refusals.length).toBeGreaterThan(20);
    expect(refusals.filter((id) => !safety.includes(`\`${id}\``) && !README.includes(`| \`${id}\``))).toEqual([]);
    const help = await meshform(['--help'], { cwd: REPO_ROOT });
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    const cli = README.slice(README.indexOf('## CLI'), README.indexOf('## Plan and apply'));
    expect(commands.filter((c) => !cli.includes(`\`meshform ${c}`))).toEqual([]);
  });

  test('every meshform command in its shell blocks exists, with those flags', () => {
    const commands = shellBlocks.flatMap(meshformCommands);
    expect(commands.length).toBeGreaterThanOrEqual(6);
    expect(commands.flatMap(commandProblems)).toEqual([]);
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
