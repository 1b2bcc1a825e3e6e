/**
 * The plan's properties (test/helpers/plan-predictions.ts) on the sandbox over HTTP, through the real
 * client: per step, the approval class and the Owners the plan's dry run predicts are what the
 * sandbox does. One sandbox for the file; each case has a workspace of its own, so no reset is needed.
 * Fewer cases than on the fake (each is a few dozen HTTP calls); the fake runs 200.
 */
import fc from 'fast-check';
import { caseArb, checkPredictions } from '../helpers/plan-predictions';
import { type TestPlatform, sandboxPlatform } from '../helpers/platforms';

const RUNS = 25;

describe('plan properties on the sandbox', () => {
  let sandbox: TestPlatform;
  beforeAll(async () => {
    sandbox = await sandboxPlatform('default');
  });
  afterAll(() => sandbox.close());

  test('per step the prediction is what the sandbox does; apply(plan) then plan is empty', async () => {
    let n = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (s) => {
        if ((await checkPredictions(sandbox, s, `pp-${++n}`)) === 'refused') refused++;
      }),
      { numRuns: RUNS, seed: 20261203, endOnFailure: true },
    );
    process.stdout.write(`plan properties on the sandbox: ${n} cases run, ${refused} refused\n`);
    expect(refused).toBeLessThan(RUNS / 2);
  });
});
