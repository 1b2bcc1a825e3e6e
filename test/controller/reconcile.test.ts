import { RETRY_FIRST_MS, nextWait, runReconcileLoop } from '../../controller/reconcile';

const MIN = 60_000;
const schedule = { intervalMs: 5 * MIN, maxBackoffMs: 15 * MIN };

describe('the reconcile schedule', () => {
  test.each([
    [0, 5 * MIN],
    [1, RETRY_FIRST_MS],
    [2, 2 * RETRY_FIRST_MS],
    [3, 4 * RETRY_FIRST_MS],
    [7, 64 * RETRY_FIRST_MS],
    [8, 15 * MIN],
    [20, 15 * MIN],
  ])('after %i failed passes in a row the loop waits %i ms', (failures, ms) => {
    expect(nextWait(failures, schedule)).toBe(ms);
  });

  test('a short interval bounds the first retry', () => {
    expect(nextWait(1, { intervalMs: 2_000, maxBackoffMs: MIN })).toBe(2_000);
  });

  test('the loop backs off while passes fail, returns to the interval after a good one, and stops when told', async () => {
    const results = ['failed', 'failed', 'failed', 'ok', 'failed', 'ok'] as const;
    const waits: number[] = [];
    let i = 0;
    const errors: unknown[] = [];
    const passes = await runReconcileLoop({
      ...schedule,
      pass: async () => {
        const r = results[i++];
        if (i === 2) throw new Error('platform down');
        return r;
      },
      sleep: async (ms) => void waits.push(ms),
      stopped: () => i >= results.length,
      onError: (e) => errors.push(e),
      fatal: () => false,
    });
    expect(passes).toBe(6);
    expect(waits).toEqual([RETRY_FIRST_MS, 2 * RETRY_FIRST_MS, 4 * RETRY_FIRST_MS, 5 * MIN, RETRY_FIRST_MS]);
    expect(errors).toEqual([new Error('platform down')]);
  });

  test('a fatal error (bad configuration) ends the loop instead of a retry', async () => {
    const usage = new Error('bad manifest');
    await expect(
      runReconcileLoop({
        ...schedule,
        pass: async () => Promise.reject(usage),
        sleep: async () => undefined,
        stopped: () => false,
        onError: () => undefined,
        fatal: (e) => e === usage,
      }),
    ).rejects.toBe(usage);
  });
});
