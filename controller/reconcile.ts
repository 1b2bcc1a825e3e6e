/**
 * The reconcile loop: level-triggered, every pass observes the whole desired scope and converges it,
 * so a missed event or a crash costs nothing but time. A failed pass is retried with exponential
 * backoff (first after RETRY_FIRST_MS, doubling, at most the maximum backoff); a good pass waits the
 * interval. Clock and sleep are injected, so the schedule is tested without waiting.
 */

/** How long after the first failed pass the loop tries again (or the interval, when that is shorter). */
export const RETRY_FIRST_MS = 10_000;
/** Each further failure doubles the wait. */
const RETRY_FACTOR = 2;

export interface ReconcileSchedule {
  /** Time between good passes. */
  readonly intervalMs: number;
  /** The longest wait after repeated failures. */
  readonly maxBackoffMs: number;
}

/** The wait before the next pass, after `failures` failed passes in a row (0: the last one was good). */
export function nextWait(failures: number, schedule: ReconcileSchedule): number {
  if (failures === 0) return schedule.intervalMs;
  const first = Math.min(RETRY_FIRST_MS, schedule.intervalMs);
  return Math.min(schedule.maxBackoffMs, first * RETRY_FACTOR ** (failures - 1));
}

export type PassResult = 'ok' | 'failed';

export interface ReconcileLoop extends ReconcileSchedule {
  /** One pass: observe, plan, apply. A thrown error counts as a failed pass (reported, then retried). */
  readonly pass: () => Promise<PassResult>;
  /** Waits `ms`, or less when stopped. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly stopped: () => boolean;
  /** Called when a pass throws. */
  readonly onError: (e: unknown) => void;
  /** Errors that end the loop instead of a retry (bad configuration). */
  readonly fatal: (e: unknown) => boolean;
  /** Called before each wait after a failed pass: how long, and how many passes failed in a row. */
  readonly onBackoff?: (ms: number, failures: number) => void;
}

/** Runs passes until stopped; resolves with how many passes ran. */
export async function runReconcileLoop(loop: ReconcileLoop): Promise<number> {
  let failures = 0;
  let passes = 0;
  while (!loop.stopped()) {
    let result: PassResult;
    try {
      result = await loop.pass();
    } catch (e) {
      if (loop.fatal(e)) throw e;
      loop.onError(e);
      result = 'failed';
    }
    passes++;
    failures = result === 'failed' ? failures + 1 : 0;
    if (loop.stopped()) break;
    const wait = nextWait(failures, loop);
    if (failures) loop.onBackoff?.(wait, failures);
    await loop.sleep(wait);
  }
  return passes;
}

/** A sleep that ends early once `stopped()` says so (checked every `tickMs`). */
export function stoppableSleep(stopped: () => boolean, tickMs = 250): (ms: number) => Promise<void> {
  return async (ms) => {
    for (let waited = 0; waited < ms && !stopped(); waited += tickMs)
      await new Promise((r) => setTimeout(r, Math.min(tickMs, ms - waited)));
  };
}
