/** Exponential backoff with full jitter, honouring Retry-After, within a time budget. */
export interface RetryPolicy {
  /** Total time a call may take, retries included. */
  readonly budgetMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * About four minutes, as meshStack's Terraform provider allows (1+2+4+…+30 s): enough to ride out a
 * backend restart, during which the gateway answers 503 for two to three minutes.
 */
export const DEFAULT_RETRY: RetryPolicy = { budgetMs: 240_000, baseDelayMs: 1_000, maxDelayMs: 30_000 };

export interface Attempt<T> {
  readonly value?: T;
  /** Set when the attempt failed; `retryAfterMs` when the platform said how long to wait. */
  readonly error?: unknown;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
}

function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface RetryHooks {
  /** Called before each retry. */
  readonly onRetry?: () => void;
  /** The error to throw when a retryable failure outlasts the budget, from the last one. */
  readonly onGiveUp?: (error: unknown, attempts: number, elapsedMs: number) => unknown;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock the budget is measured with. @default Date.now */
  readonly now?: () => number;
}

export async function withRetry<T>(
  run: () => Promise<Attempt<T>>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const now = hooks.now ?? Date.now;
  const started = now();
  const deadline = started + policy.budgetMs;
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    const result = await run();
    if (!('error' in result) || result.error === undefined) return result.value as T;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what run() caught, as it was
    if (!result.retryable) throw result.error;
    const delay = result.retryAfterMs ?? backoffDelay(attempt, policy);
    if (now() + delay > deadline)
      throw hooks.onGiveUp ? hooks.onGiveUp(result.error, attempt + 1, now() - started) : result.error;
    hooks.onRetry?.();
    await sleep(delay);
  }
}
