import { formatDuration, parseDuration } from '../../core/duration';
import { isMeshformError, UsageError } from '../../core/errors';
import { printableLines } from '../../core/printable';
import type { ApiClient } from '../client/api';
import { runReconcileLoop, stoppableSleep } from '../reconcile';
import { renderApplyText, renderPlanText } from '../render/text';
import { hasChanges, planThenApply } from '../run';
import { applyExitCode, progress } from './apply';
import { type CliContext, ExitCode } from './context';
import type { CommonFlags } from './commands/common-flags';
import { connectFrom, openSession } from './options';

export interface ReconcileFlags extends CommonFlags {
  interval: string;
  once?: boolean;
  maxBackoff: string;
}

/**
 * The platform's time for log lines (the clock expiry is decided by): each pass reads it; lines
 * between passes (a failure, a stop) carry this machine's clock moved by the platform's last offset.
 */
class PlatformClock {
  private offsetMs = 0;

  public observed(platformNow: Date): void {
    this.offsetMs = platformNow.getTime() - Date.now();
  }

  public stamp(): string {
    return new Date(Date.now() + this.offsetMs).toISOString();
  }
}

/** One pass, its log lines stamped with the platform's time. */
async function pass(ctx: CliContext, flags: ReconcileFlags, api: ApiClient, clock: PlatformClock): Promise<number> {
  const session = await openSession(ctx, flags, api);
  clock.observed(session.now);
  const stamp = session.now.toISOString();
  const outcome = await planThenApply(api, session.manifest.state, session.options, {
    at: session.now,
    onPlan: (plan) => {
      if (plan.refusals.length) ctx.stdout(`[${stamp}] plan refused:\n${renderPlanText(plan, { color: ctx.isTTY })}`);
      else if (hasChanges(plan)) ctx.stdout(`[${stamp}] changes found:\n${renderPlanText(plan, { color: ctx.isTTY })}`);
    },
    apply: { onStep: progress(ctx) },
  });
  const pending = outcome.plan.summary.alreadyPending;
  switch (outcome.kind) {
    case 'refused':
      return ExitCode.REFUSED;
    case 'applied':
      ctx.stdout(renderApplyText(outcome.report, { color: ctx.isTTY }));
      return applyExitCode(outcome.report);
    default:
      ctx.stdout(`[${stamp}] no changes${pending ? `; ${pending} grant(s) waiting for approval` : ''}.\n`);
      return pending ? ExitCode.PENDING_APPROVAL : ExitCode.OK;
  }
}

export async function reconcileCommand(
  ctx: CliContext,
  setExit: (code: number) => void,
  flags: ReconcileFlags,
): Promise<void> {
  const intervalMs = parseDuration(flags.interval);
  const maxBackoffMs = parseDuration(flags.maxBackoff);
  if (!intervalMs || intervalMs <= 0)
    throw new UsageError(`--interval must be a duration like 30s, 5m or 1h, got "${flags.interval}"`);
  if (!maxBackoffMs || maxBackoffMs <= 0)
    throw new UsageError(`--max-backoff must be a duration, got "${flags.maxBackoff}"`);
  const api = await connectFrom(ctx, flags);
  const clock = new PlatformClock();
  if (flags.once) return setExit(await pass(ctx, flags, api, clock));
  let stop = false;
  const stopOn = (signal: NodeJS.Signals) => () => {
    stop = true;
    ctx.stderr(`[${clock.stamp()}] reconcile: ${signal} received: stopping\n`);
  };
  const onSigint = stopOn('SIGINT');
  const onSigterm = stopOn('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  try {
    const passes = await runReconcileLoop({
      intervalMs,
      maxBackoffMs,
      pass: async () => ((await pass(ctx, flags, api, clock)) === ExitCode.ERROR ? 'failed' : 'ok'),
      sleep: stoppableSleep(() => stop),
      stopped: () => stop,
      onError: (e) =>
        ctx.stderr(`[${clock.stamp()}] reconcile: pass failed: ${printableLines((e as Error).message)}\n`),
      onBackoff: (ms, failures) =>
        ctx.stderr(
          `[${clock.stamp()}] reconcile: next pass in ${formatDuration(ms)} (${failures} failed pass${failures === 1 ? '' : 'es'} in a row)\n`,
        ),
      fatal: (e) => isMeshformError(e) && e.errorClass === 'usage',
    });
    ctx.stderr(`[${clock.stamp()}] reconcile: stopped after ${passes} pass${passes === 1 ? '' : 'es'}\n`);
    setExit(ExitCode.OK);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}
