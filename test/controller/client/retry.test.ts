/**
 * How long a retry waits, on an injected clock: the platform's Retry-After when it sent one, else
 * the backoff. The faults suite sends `Retry-After: 0` so that it does not wait; the delay a longer
 * one asks for is checked here.
 */
import { type Attempt, parseRetryAfter, withRetry } from '../../../controller/client/retry';

/** withRetry on a clock that only the sleeps move; returns the sleeps it asked for. */
async function delaysOf(attempts: Array<Attempt<string>>, budgetMs = 60_000): Promise<number[]> {
  let now = 0;
  const slept: number[] = [];
  const queue = [...attempts];
  await withRetry(
    async () => queue.shift()!,
    { budgetMs, baseDelayMs: 10, maxDelayMs: 100 },
    {
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    },
  ).catch(() => undefined);
  return slept;
}

const busy = (retryAfterMs?: number): Attempt<string> => ({ error: new Error('429'), retryable: true, retryAfterMs });

test("a retry waits as long as the platform's Retry-After says, even beyond the backoff's longest delay", async () => {
  expect(await delaysOf([busy(7_000), busy(0), { value: 'answer' }])).toEqual([7_000, 0]);
});

test('without a Retry-After, a retry waits the backoff: at most the base delay doubled per attempt, capped', async () => {
  const slept = await delaysOf([busy(), busy(), busy(), busy(), busy(), { value: 'answer' }]);
  expect(slept).toHaveLength(5);
  slept.forEach((ms, attempt) => expect(ms).toBeLessThanOrEqual(Math.min(100, 10 * 2 ** attempt)));
});

test('a Retry-After longer than what is left of the budget ends the call instead of waiting', async () => {
  expect(await delaysOf([busy(2_000), busy(5_000), { value: 'answer' }], 6_000)).toEqual([2_000]);
});

test('Retry-After is read as seconds or as an HTTP date; anything else leaves the backoff in charge', () => {
  const now = Date.parse('2026-12-03T10:00:00Z');
  expect(parseRetryAfter('0', now)).toBe(0);
  expect(parseRetryAfter(' 3 ', now)).toBe(3_000);
  expect(parseRetryAfter('Thu, 03 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
  expect(parseRetryAfter('Thu, 03 Dec 2026 09:59:00 GMT', now)).toBe(0);
  expect(parseRetryAfter('soon', now)).toBeUndefined();
  expect(parseRetryAfter('', now)).toBeUndefined();
  expect(parseRetryAfter(undefined, now)).toBeUndefined();
});
