/** Exponential backoff with full jitter, honouring Retry-After, within a time budget. */
export interface RetryPolicy {
  /** Total time a call may take, retries included. */
  readonly budgetMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { budgetMs: 60_000, baseDelayMs: 200, maxDelayMs: 5_000 };

export interface Attempt<T> {
  readonly value?: T;
  /** Set when the attempt failed; `retryAfterMs` when the platform said how long to wait. */
  readonly error?: unknown;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
}

export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export async function withRetry<T>(
  run: () => Promise<Attempt<T>>,
  policy: RetryPolicy,
  onRetry: () => void = () => undefined,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  const deadline = Date.now() + policy.budgetMs;
  for (let attempt = 0; ; attempt++) {
    const result = await run();
    if (!('error' in result) || result.error === undefined) return result.value as T;
    const delay = result.retryAfterMs ?? backoffDelay(attempt, policy);
    if (!result.retryable || Date.now() + delay > deadline) throw result.error;
    onRetry();
    await sleep(delay);
  }
}
