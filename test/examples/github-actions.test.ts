import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { commandProblems, meshformCommands } from '../helpers/commands';

const FILE = path.resolve(__dirname, '..', '..', 'examples', 'github-actions', 'meshform.yml');

interface Job {
  if: string;
  environment?: string;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  steps: Array<{ name?: string; run?: string; uses?: string; with?: Record<string, unknown> }>;
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
    expect(workflow.jobs.drift.env).toEqual({
      MESHSTACK_API_KEY: '${{ secrets.MESHSTACK_READONLY_API_KEY }}',
      MESHSTACK_API_SECRET: '${{ secrets.MESHSTACK_READONLY_API_SECRET }}',
    });
    expect(workflow.jobs.plan.if).toMatch(/pull_request/);
    expect(workflow.jobs.apply.if).toMatch(/refs\/heads\/main/);
    expect(workflow.jobs['apply-reviewed'].if).toMatch(/workflow_dispatch.*refs\/heads\/main/);
    // No credentials at the top: each job gets its own.
    expect(Object.keys(workflow.env).filter((k) => /KEY|SECRET|TOKEN/.test(k))).toEqual([]);
  });

  test('the pull request (its own code runs there) gets read-only credentials; writing keys live in a protected environment', () => {
    expect(workflow.jobs.plan.env).toEqual({
      MESHSTACK_API_KEY: '${{ secrets.MESHSTACK_READONLY_API_KEY }}',
      MESHSTACK_API_SECRET: '${{ secrets.MESHSTACK_READONLY_API_SECRET }}',
    });
    expect(workflow.jobs.plan.environment).toBeUndefined();
    for (const job of ['apply', 'apply-reviewed']) {
      expect(workflow.jobs[job].environment).toBe('meshstack-apply');
      expect(workflow.jobs[job].env).toMatchObject({
        MESHSTACK_API_KEY: '${{ secrets.MESHSTACK_API_KEY }}',
        MESHSTACK_API_SECRET: '${{ secrets.MESHSTACK_API_SECRET }}',
      });
    }
    expect(runsOf('plan')).not.toMatch(/meshform apply/);
  });

  test('the pull request gets a markdown plan with detailed exit codes, one updated comment and the saved plan as an artifact', () => {
    const plan = workflow.jobs.plan.steps;
    expect(runsOf('plan')).toMatch(
      /meshform plan .*--changed-from base-out\/meshform\.json .*--out plan\.json .*--format markdown .*--detailed-exitcode/,
    );
    // The base is the target branch's own synth; the nightly job plans everything.
    expect(runsOf('plan')).toMatch(
      /git worktree add \.\.\/base "origin\/\$\{\{ github\.base_ref \}\}"[\s\S]*meshform synth --out "\$GITHUB_WORKSPACE\/base-out"/,
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
