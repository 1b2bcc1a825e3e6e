import { spawnSync } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/cli';

const HANG_GUARD_MS = 15 * 60_000;

/** The exit code printed after the first command line that starts with `command`. */
function exitOf(stdout: string, command: string): number | undefined {
  const from = stdout.indexOf(`$ ${command}`);
  const m = from < 0 ? null : / {4}→ exit code (\d+)/.exec(stdout.slice(from));
  return m ? Number(m[1]) : undefined;
}

describe('npm run demo', () => {
  test('runs end to end on the embedded sandbox, every command with its expected exit code, showing the values a reviewer judges', () => {
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/demo/run.js')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      // Only against a hang (spawnSync blocks jest's own timeout): the demo's speed is no verdict.
      timeout: HANG_GUARD_MS,
      env: { ...process.env, CI: 'true' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const titles = run.stdout.split('\n').filter((l) => l.startsWith('==> '));
    expect(titles.map((t) => t.slice(4, 6))).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.', '8.']);
    // Drift from meshPanel and a change in code, with old → new values, in the plan and in the PR comment.
    expect(run.stdout).toMatch(/~ update workspace payments: tag costCenter\n +tag costCenter: CC-6666 → 4711\n/);
    expect(run.stdout).toMatch(/display name: "Payments \(prod, do not touch\)" → "Payments \(production\)"/);
    expect(run.stdout).toMatch(
      /\+ grant user dave: Workspace Manager until 2027-03-31 \(until the reorganisation\)\n +expiry: \(none\) → 2027-03-31\n/,
    );
    expect(run.stdout).toMatch(
      /<details open><summary><code>payments<\/code>: 1 to add, 2 to change, 1 to remove<\/summary>/,
    );
    // The history: who, what, when and why.
    expect(run.stdout).toMatch(
      /partner\.admin +granted user erin: Project Admin on project payments-prod until \S+ \(INC-4711: payment API down\)/,
    );
    expect(run.stdout).toMatch(/meshStack \(expiry\) +expired user erin: Project Admin on project payments-prod/);
    expect(exitOf(run.stdout, 'MESHSTACK_API_KEY=bob meshform apply')).toBe(4);
    expect(exitOf(run.stdout, 'MESHSTACK_API_KEY=bob meshform requests approve')).toBe(1);
    expect(exitOf(run.stdout, 'MESHSTACK_API_KEY=alice meshform requests approve')).toBe(0);
    expect(run.stdout).toMatch(/erin's production access is gone\./);
    expect(run.stdout).toMatch(/ {4}→ exit code 3\n\n==> 7/);
    expect(run.stdout).toMatch(/Demo finished: 20 meshform commands, each with the exit code it should have\./);
  });
});

describe('npm run demo -- --profile meshstack', () => {
  test('the core path (plan, apply, plan again, a refusal) runs against the strict profile: the meshObject API alone', () => {
    const run = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'dist/demo/run.js'), '--quiet', '--profile', 'meshstack'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: HANG_GUARD_MS, env: { ...process.env, CI: 'true' } },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/strict profile: the meshObject API alone/);
    expect(run.stdout).toMatch(/meshform plan .*--detailed-exitcode\n {4}→ exit code 0\n/);
    expect(run.stdout).toMatch(/meshform plan .*\n {4}→ exit code 3\n/);
    expect(run.stdout).toMatch(/Demo finished \(strict profile\): 6 meshform commands/);
  });
});
