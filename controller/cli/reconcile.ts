import type { Command } from 'commander';
import { isMeshformError, UsageError } from '../../core/errors';
import { apply } from '../apply/apply';
import { renderApplyText, renderPlanText } from '../render/text';
import { hasChanges, planAgainst } from '../run';
import { parseDuration } from '../../core/duration';
import { applyExitCode, progress } from './apply';
import { type CliContext, ExitCode } from './context';
import { type CommonFlags, addCommonOptions, connectFrom, loadManifest, planOptions } from './options';

interface ReconcileFlags extends CommonFlags {
  interval: string;
  once?: boolean;
  maxBackoff: string;
}

/**
 * Level-triggered: every pass observes the whole desired scope and converges it, so a missed event
 * or a crash costs nothing but time. Failures back off exponentially up to --max-backoff.
 */
export function registerReconcile(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  addCommonOptions(program.command('reconcile').description('observe → plan → apply in a loop (or --once), with backoff on failure'))
    .option('--interval <duration>', 'time between passes (s, m, h)', '5m')
    .option('--max-backoff <duration>', 'longest wait after repeated failures', '15m')
    .option('--once', 'run one pass and exit with its code')
    .action(async (flags: ReconcileFlags) => {
      const interval = parseDuration(flags.interval);
      const maxBackoff = parseDuration(flags.maxBackoff);
      if (!interval || interval <= 0) throw new UsageError(`--interval must be a duration like 30s, 5m or 1h, got "${flags.interval}"`);
      if (!maxBackoff || maxBackoff <= 0) throw new UsageError(`--max-backoff must be a duration, got "${flags.maxBackoff}"`);
      const api = await connectFrom(ctx, flags);
      let stop = false;
      const onSignal = () => (stop = true);
      if (!flags.once) {
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }
      let failures = 0;
      try {
        for (;;) {
          let code: number;
          try {
            code = await pass(ctx, flags, api);
          } catch (e) {
            if (flags.once || (isMeshformError(e) && e.errorClass === 'usage')) throw e;
            ctx.stderr(`reconcile: pass failed: ${(e as Error).message}\n`);
            code = ExitCode.ERROR;
          }
          if (flags.once) return setExit(code);
          failures = code === ExitCode.ERROR ? failures + 1 : 0;
          const wait = failures ? Math.min(maxBackoff, interval * 2 ** (failures - 1) * 0.1 + 1000 * failures) : interval;
          for (let waited = 0; waited < wait && !stop; waited += 250) await new Promise((r) => setTimeout(r, 250));
          if (stop) return setExit(ExitCode.OK);
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

async function pass(ctx: CliContext, flags: ReconcileFlags, api: Awaited<ReturnType<typeof connectFrom>>): Promise<number> {
  const now = new Date();
  const { state } = loadManifest(ctx, flags, now);
  const { plan } = await planAgainst(api, state, planOptions(ctx, flags));
  const stamp = now.toISOString();
  if (plan.refusals.length) {
    ctx.stdout(`[${stamp}] plan refused:\n${renderPlanText(plan, { color: ctx.isTTY })}`);
    return ExitCode.REFUSED;
  }
  if (!hasChanges(plan)) {
    ctx.stdout(`[${stamp}] no changes${plan.summary.alreadyPending ? `; ${plan.summary.alreadyPending} grant(s) waiting for approval` : ''}.\n`);
    return plan.summary.alreadyPending ? ExitCode.PENDING_APPROVAL : ExitCode.OK;
  }
  ctx.stdout(`[${stamp}] changes found:\n${renderPlanText(plan, { color: ctx.isTTY })}`);
  const report = await apply(api, plan, { onStep: progress(ctx) });
  ctx.stdout(renderApplyText(report, { color: ctx.isTTY }));
  return applyExitCode(report);
}
