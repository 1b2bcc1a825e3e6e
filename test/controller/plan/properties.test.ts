/**
 * The plan's properties (test/helpers/plan-predictions.ts) on the in-memory platform, a fresh one per
 * case; most generated cases are planned, not refused (a plan that refuses too much would otherwise
 * pass unseen). test/contract/plan-predictions.test.ts holds the same property on the sandbox.
 */
import fc from 'fast-check';
import { caseArb, checkPredictions } from '../../helpers/plan-predictions';
import { fakePlatform } from '../../helpers/platforms';

const RUNS = 200;

describe('plan properties', () => {
  test('apply(plan) then plan is empty; never more than two Owners, nor none; per step the prediction is what the fake does', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (s) => {
        if ((await checkPredictions(fakePlatform(), s, 'ws')) === 'refused') refused++;
      }),
      { numRuns: RUNS, seed: 20261125 },
    );
    process.stdout.write(
      `plan properties: ${RUNS} cases, ${refused} refused (${RUNS - refused} planned, applied and checked)\n`,
    );
    expect(refused).toBeLessThan(RUNS / 2);
  });
});
