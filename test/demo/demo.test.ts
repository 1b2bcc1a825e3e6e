import { spawnSync } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/cli';

describe('npm run demo', () => {
  test('runs end to end on the embedded sandbox (quiet), every command with its expected exit code', () => {
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/demo/run.js'), '--quiet'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const titles = run.stdout.split('\n').filter((l) => l.startsWith('==> '));
    expect(titles.map((t) => t.slice(4, 6))).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.']);
    expect(run.stdout).toMatch(/MESHSTACK_API_KEY=bob meshform apply .*\n {4}→ exit code 4\n/);
    expect(run.stdout).toMatch(/MESHSTACK_API_KEY=bob meshform requests approve .*\n {4}→ exit code 1\n/);
    expect(run.stdout).toMatch(/MESHSTACK_API_KEY=alice meshform requests approve .*\n {4}→ exit code 0\n/);
    expect(run.stdout).toMatch(/erin's production access is gone\./);
    expect(run.stdout).toMatch(/meshform plan .*\n {4}→ exit code 3\n\n==> 6/);
    expect(run.stdout).toMatch(/Demo finished: 15 meshform commands, each with the exit code it should have\./);
  });
});

describe('npm run demo -- --profile meshstack', () => {
  test('the core path (plan, apply, plan again, a refusal) runs against the strict profile: the meshObject API alone', () => {
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/demo/run.js'), '--quiet', '--profile', 'meshstack'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/strict profile: the meshObject API alone/);
    expect(run.stdout).toMatch(/meshform plan .*--detailed-exitcode\n {4}→ exit code 0\n/);
    expect(run.stdout).toMatch(/meshform plan .*\n {4}→ exit code 3\n/);
    expect(run.stdout).toMatch(/Demo finished \(strict profile\): 6 meshform commands/);
  });
});
