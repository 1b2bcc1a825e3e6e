import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { commandProblems, meshformCommands } from '../helpers/commands';

const FILE = path.resolve(__dirname, '..', '..', 'examples', 'github-actions', 'meshform.yml');

interface Step {
  name?: string;
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  if: string;
  environment?: string;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

describe('examples/github-actions', () => {
  const workflow = parse(fs.readFileSync(FILE, 'utf8')) as Workflow;
  const runsOf = (job: string) => workflow.jobs[job].steps.map((s) => s.run ?? '').join('\n');
  const runs = Object.keys(workflow.jobs).map(runsOf).join('\n');

  test('is valid YAML: a plan job for pull requests, an apply job for main, a manual apply by digest', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'schedule', 'workflow_dispatch']);
    expect(workflow.jobs.drift.if).toMatch(/schedule/);
    expect(workflow.jobs.plan.if).toMatch(/pull_request/);
    expect(workflow.jobs.apply.if).toMatch(/refs\/heads\/main/);
    expect(workflow.jobs['apply-reviewed'].if).toMatch(/workflow_dispatch.*refs\/heads\/main/);
    // No credentials at the top: each job gets its own.
    expect(Object.keys(workflow.env).filter((k) => /KEY|SECRET|TOKEN/.test(k))).toEqual([]);
  });

  const READONLY = {
    MESHSTACK_API_KEY: '${{ secrets.MESHSTACK_READONLY_API_KEY }}',
    MESHSTACK_API_SECRET: '${{ secrets.MESHSTACK_READONLY_API_SECRET }}',
  };
  const WRITING = {
    MESHSTACK_API_KEY: '${{ secrets.MESHSTACK_API_KEY }}',
    MESHSTACK_API_SECRET: '${{ secrets.MESHSTACK_API_SECRET }}',
  };
  const holdsKey = (env: Record<string, string> | undefined) =>
    Object.keys(env ?? {}).some((k) => /KEY|SECRET|TOKEN/.test(k));

  test('the pull request (its own code runs there) gets read-only credentials; writing keys live in a protected environment', () => {
    expect(workflow.jobs.plan.environment).toBeUndefined();
    expect(workflow.jobs.plan.steps.filter((s) => holdsKey(s.env)).map((s) => s.env)).toEqual([READONLY]);
    expect(workflow.jobs.drift.steps.filter((s) => holdsKey(s.env)).map((s) => s.env)).toEqual([READONLY]);
    for (const job of ['apply', 'apply-reviewed']) {
      expect(workflow.jobs[job].environment).toBe('meshstack-apply');
      for (const step of workflow.jobs[job].steps.filter((s) => holdsKey(s.env)))
        expect(step.env).toMatchObject(WRITING);
    }
    expect(runsOf('plan')).not.toMatch(/meshform apply/);
  });

  // Issue 22: the workflow as a security-minded platform team reads it.
  describe('trust boundaries', () => {
    const steps = Object.entries(workflow.jobs).flatMap(([job, j]) => j.steps.map((s) => ({ job, ...s })));

    test('keys are given to the meshform steps alone: no job holds one, and no step that installs, synthesizes or runs an action', () => {
      for (const j of Object.values(workflow.jobs)) expect(holdsKey(j.env)).toBe(false);
      const keyed = steps.filter((s) => holdsKey(s.env));
      expect(keyed.length).toBeGreaterThan(0);
      for (const s of keyed) {
        expect(s.uses).toBeUndefined();
        expect(s.run).toMatch(/npx meshform (plan|apply)/);
        expect(s.run).not.toMatch(/npm (ci|install)|meshform synth/);
      }
    });

    test('npm never runs install scripts', () => {
      const installs = runs.match(/npm (ci|install)[^\n&]*/g) ?? [];
      expect(installs.length).toBeGreaterThan(0);
      for (const i of installs) expect(i).toMatch(/--ignore-scripts/);
    });

    test('every action is pinned by a full commit SHA, and checkout keeps no token', () => {
      const used = steps.filter((s) => s.uses);
      expect(used.length).toBeGreaterThan(0);
      for (const s of used) expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      const checkouts = used.filter((s) => s.uses!.startsWith('actions/checkout@'));
      expect(checkouts).toHaveLength(Object.keys(workflow.jobs).length);
      for (const c of checkouts) expect(c.with).toMatchObject({ 'persist-credentials': false });
    });

    test('no ${{ }} expression is pasted into a script: values reach scripts through env', () => {
      for (const s of steps) {
        expect(s.run ?? '').not.toContain('${{');
        expect(typeof s.with?.script === 'string' ? s.with.script : '').not.toContain('${{');
      }
    });

    test('applies queue, never cancel one another; the apply environment is documented with required reviewers', () => {
      for (const job of ['apply', 'apply-reviewed'])
        expect(workflow.jobs[job].concurrency).toEqual({ group: 'meshform-apply', 'cancel-in-progress': false });
      expect(fs.readFileSync(FILE, 'utf8')).toMatch(/Required reviewers/);
    });

    test('when synth fails, the plan comment still runs and says why (the old plan does not stay up)', () => {
      const comment = workflow.jobs.plan.steps.find((s) => s.uses?.startsWith('actions/github-script@'))!;
      expect(comment.if).toBe('always()');
      expect(comment.env).toMatchObject({ SYNTH_OUTCOME: '${{ steps.synth.outcome }}' });
      expect(String(comment.with?.script)).toMatch(/synth failed[\s\S]*synth\.log/);
      expect(workflow.jobs.plan.steps.find((s) => s.id === 'synth')?.run).toMatch(
        /set -o pipefail[\s\S]*tee synth\.log/,
      );
    });

    test('grants waiting for 4-eyes and nightly drift are written to the job summary', () => {
      expect(runsOf('apply')).toMatch(/"\$code" = "4"[\s\S]*GITHUB_STEP_SUMMARY/);
      expect(runsOf('apply-reviewed')).toMatch(/"\$code" = "4"[\s\S]*GITHUB_STEP_SUMMARY/);
      expect(runsOf('drift')).toMatch(/--format markdown > drift\.md[\s\S]*cat drift\.md >> "\$GITHUB_STEP_SUMMARY"/);
    });

    test('every script is valid bash, as the runner runs it (bash -e)', () => {
      for (const s of steps.filter((x) => x.run)) {
        const check = spawnSync('bash', ['-n', '-e'], { input: s.run, encoding: 'utf8' });
        expect({ step: s.name ?? s.run, stderr: check.stderr }).toEqual({ step: s.name ?? s.run, stderr: '' });
      }
    });

    test('every github-script is valid JavaScript, as the action runs it (an async function)', () => {
      for (const s of steps.filter((x) => x.uses?.startsWith('actions/github-script@'))) {
        const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as FunctionConstructor;
        expect(() => new AsyncFunction('github', 'context', 'core', 'require', String(s.with?.script))).not.toThrow();
      }
    });
  });

  test('the pull request gets a markdown plan with detailed exit codes, one updated comment and the saved plan as an artifact', () => {
    const plan = workflow.jobs.plan.steps;
    expect(runsOf('plan')).toMatch(
      /meshform plan .*--changed-from base-out\/meshform\.json .*--out plan\.json .*--format markdown .*--detailed-exitcode/,
    );
    // The base is the target branch's own synth; the nightly job plans everything.
    expect(runsOf('plan')).toMatch(
      /git worktree add \.\.\/base "origin\/\$BASE_REF"[\s\S]*meshform synth --out "\$GITHUB_WORKSPACE\/base-out"/,
    );
    expect(runsOf('drift')).toMatch(/meshform plan --manifest out\/meshform\.json --detailed-exitcode/);
    expect(runsOf('drift')).not.toMatch(/--changed-from|meshform apply/);
    expect(plan.find((s) => s.uses?.startsWith('actions/github-script'))?.with?.script).toMatch(
      /updateComment[\s\S]*createComment/,
    );
    expect(plan.find((s) => s.uses?.startsWith('actions/upload-artifact'))?.with).toMatchObject({ path: 'plan.json' });
  });

  test('main applies the reviewed plan against the merged code only; otherwise it applies nothing and posts the new plan', () => {
    const apply = runsOf('apply');
    expect(apply).toMatch(/meshform synth --out out[\s\S]*meshform apply plan\.json --manifest out\/meshform\.json/);
    // Never a fresh, unreviewed apply on merge.
    expect(apply).not.toMatch(/--auto-approve/);
    expect(
      workflow.jobs.apply.steps.find((s) => s.name === 'Post the new plan on the pull request')?.with?.script,
    ).toMatch(/Not applied/);
    expect(runsOf('apply-reviewed')).toMatch(
      /meshform apply --manifest out\/meshform\.json --auto-approve --expect-digest "\$DIGEST"/,
    );
  });

  test('every meshform command it runs exists, with those flags', () => {
    const commands = meshformCommands(runs);
    expect(commands.map((c) => c[0])).toEqual([
      'synth',
      'synth',
      'plan',
      'synth',
      'apply',
      'plan',
      'synth',
      'apply',
      'synth',
      'plan',
    ]);
    expect(commands.flatMap(commandProblems)).toEqual([]);
  });

  test('the checker notices a flag that does not exist (it is not vacuous)', () => {
    expect(commandProblems(['plan', '--detailed-exit-code'])).toEqual([
      '"meshform plan --detailed-exit-code": plan has no flag --detailed-exit-code',
    ]);
    expect(commandProblems(['deploy'])).toEqual(['"meshform deploy": no such command']);
  });
});
