import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { commandProblems, meshformCommands } from '../helpers/commands';

const FILE = path.resolve(__dirname, '..', '..', 'examples', 'github-actions', 'meshform.yml');

interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, { if: string; steps: Array<{ run?: string; uses?: string; with?: Record<string, unknown> }> }>;
}

describe('examples/github-actions', () => {
  const workflow = parse(fs.readFileSync(FILE, 'utf8')) as Workflow;
  const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n');

  test('is valid YAML with a plan job for pull requests and an apply job for main', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.jobs.plan.if).toMatch(/pull_request/);
    expect(workflow.jobs.apply.if).toMatch(/refs\/heads\/main/);
    // Connection settings under the names meshStack's own tools read; secrets only from secrets.
    expect(workflow.env).toMatchObject({ MESHSTACK_API_KEY: '${{ secrets.MESHSTACK_API_KEY }}', MESHSTACK_API_SECRET: '${{ secrets.MESHSTACK_API_SECRET }}' });
  });

  test('the pull request gets a markdown plan with detailed exit codes, one updated comment and the saved plan as an artifact', () => {
    const plan = workflow.jobs.plan.steps;
    expect(runs).toMatch(/meshform plan .*--out plan\.json .*--format markdown .*--detailed-exitcode/);
    expect(plan.find((s) => s.uses?.startsWith('actions/github-script'))?.with?.script).toMatch(/updateComment[\s\S]*createComment/);
    expect(plan.find((s) => s.uses?.startsWith('actions/upload-artifact'))?.with).toMatchObject({ path: 'plan.json' });
  });

  test('main applies the saved plan, and plans again when it is refused', () => {
    expect(runs).toMatch(/meshform apply plan\.json\n[\s\S]*meshform synth[\s\S]*meshform apply --manifest out\/meshform\.json --auto-approve/);
  });

  test('every meshform command it runs exists, with those flags', () => {
    const commands = meshformCommands(runs);
    expect(commands.map((c) => c[0])).toEqual(['synth', 'plan', 'apply', 'synth', 'plan', 'apply']);
    expect(commands.flatMap(commandProblems)).toEqual([]);
  });

  test('the checker notices a flag that does not exist (it is not vacuous)', () => {
    expect(commandProblems(['plan', '--detailed-exit-code'])).toEqual(['"meshform plan --detailed-exit-code": plan has no flag --detailed-exit-code']);
    expect(commandProblems(['deploy'])).toEqual(['"meshform deploy": no such command']);
  });
});
