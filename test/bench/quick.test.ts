/**
 * `npm run bench -- --quick` as CI's smoke test: every step runs and the accounting invariants hold.
 * Times are reported by the benchmark, never asserted here. At 25 workspaces, not --quick's 100: a few more
 * than a plan reads one by one (TARGETED_OBSERVE_MAX), so it reads the paged lists as at 100 (whose lists fit
 * one page of 1,000 too), the apply runs more workspaces than at once (4) and the 1% change still edits one;
 * scale is `npm run bench`'s.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Results } from '../../bench/report';
import { TARGETED_OBSERVE_MAX } from '../../controller/observe/observe';
import { REPO_ROOT } from '../helpers/cli';
import { TERRAFORM } from '../helpers/terraform';
import { scratchDir } from '../helpers/scratch';

const WORKSPACES = TARGETED_OBSERVE_MAX + 5;

describe('npm run bench -- --quick', () => {
  test(`runs every step at ${WORKSPACES} workspaces and meets the accounting targets`, () => {
    const out = scratchDir('bench-quick');
    const run = spawnSync(
      process.execPath,
      ['dist/bench/run.js', '--quick', '--sizes', String(WORKSPACES), '--out', out],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(out, 'quick.json'), 'utf8')) as Results;
    expect(results.rows.map((r) => `${r.platform ?? '-'} ${r.step}`)).toEqual([
      '- synth',
      'fake first-apply',
      'fake plan',
      'fake change',
      'sandbox first-apply',
      'sandbox plan',
      'sandbox change',
    ]);
    const met = Object.fromEntries(results.summary!.targets.map((t) => [t.name, t.met]));
    expect(met).toMatchObject({
      'plan reads within 1.2x the lower bound': true,
      'no-op re-plan makes zero writes and has no steps': true,
      'after the 1% change, the next plan is empty': true,
      'no apply step failed': true,
    });
    // The first apply writes exactly one request per plan step.
    for (const r of results.rows.filter((x) => x.step === 'first-apply'))
      expect(r.measurement.writes).toBe(r.measurement.writeLowerBound);
    // Two new bindings per workspace.
    expect(results.sandbox[0].throughput).toMatchObject({ createBinding: { requests: 2 * WORKSPACES } });
    expect(fs.readFileSync(path.join(out, 'quick.md'), 'utf8')).toMatch(/^# meshform benchmark \(quick\)/);
    if (TERRAFORM)
      expect(results.terraform).toEqual([
        expect.objectContaining({ workspaces: WORKSPACES, bindings: 10 * WORKSPACES, noChanges: true }),
      ]);
    else expect(results.terraformSkipped).toBe('terraform is not on PATH');
    fs.rmSync(out, { recursive: true, force: true });
  });
});
