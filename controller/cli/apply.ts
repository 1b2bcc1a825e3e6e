import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors';
import type { ApplyOptions, ApplyReport, StepResult } from '../apply/apply';
import { loadPlan } from '../plan/plan-file';
import { renderApplyText, renderPlanText, resultLine } from '../render/text';
import { applySavedPlan, planThenApply } from '../run';
import { type CliContext, ExitCode } from './context';
import type { CommonFlags } from './commands/common-flags';
import { oneOf, openSession } from './options';

export interface ApplyFlags extends CommonFlags {
  autoApprove?: boolean;
  format: string;
  concurrency: string;
  expectDigest?: string;
  pendingMarker?: string;
}

/** 1 when a step failed or was not run, 4 when grants wait for a second approval, else 0. */
export function applyExitCode(report: ApplyReport): number {
  if (report.counts.failed || report.counts.skipped) return ExitCode.ERROR;
  return report.counts['pending-approval'] ? ExitCode.PENDING_APPROVAL : ExitCode.OK;
}

/**
 * Grants waiting for a second approval: exit 4, or with --pending-marker a warning and exit 0, the
 * marker written with the time (each apply that still waits changes it, so the anchor's trigger
 * changes and Terraform plans the workspace again) and removed once nothing waits.
 */
function waiting(ctx: CliContext, flags: ApplyFlags, count: number): number {
  if (!flags.pendingMarker) return count ? ExitCode.PENDING_APPROVAL : ExitCode.OK;
  const marker = path.resolve(ctx.cwd, flags.pendingMarker);
  if (!count) {
    fs.rmSync(marker, { force: true });
    return ExitCode.OK;
  }
  fs.writeFileSync(marker, `${new Date().toISOString()} ${count} waiting\n`);
  ctx.stdout(
    `Warning: ${count} grant(s) wait for a second approval (another Workspace Manager or a partner approves them in meshPanel, or with meshform requests approve); the next plan shows this workspace again.\n`,
  );
  return ExitCode.OK;
}

async function confirm(ctx: CliContext): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) =>
    rl.question('Apply these changes? Only "yes" is accepted: ', resolve),
  );
  rl.close();
  ctx.stdout('\n');
  return answer.trim() === 'yes';
}

export function progress(ctx: CliContext): ((r: StepResult) => void) | undefined {
  return ctx.isTTY ? (r) => ctx.stderr(`  ${resultLine(r)}\n`) : undefined;
}

/**
 * Ctrl-C (or SIGTERM) during an apply: the steps under way finish, no new one starts, and the report
 * says what was done and what was not, in CI too. A second Ctrl-C is the shell's.
 */
function interruptible(ctx: CliContext): { stopped: () => boolean; release: () => void } {
  let stopped = false;
  const onSignal = () => {
    if (stopped) return;
    stopped = true;
    ctx.stderr('\nInterrupted: finishing the steps under way; no new step starts. The report follows.\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { stopped: () => stopped, release: () => (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal)) };
}

export async function applyCommand(
  ctx: CliContext,
  setExit: (code: number) => void,
  planFile: string | undefined,
  flags: ApplyFlags,
  command: Command,
): Promise<void> {
  const format = oneOf(flags.format, ['text', 'json'] as const, '--format');
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency must be a whole number >= 1, got "${flags.concurrency}"`);
  const signals = interruptible(ctx);
  const options: ApplyOptions = {
    concurrency,
    onStep: format === 'text' ? progress(ctx) : undefined,
    stopped: signals.stopped,
  };
  try {
    let report: ApplyReport;
    if (planFile) {
      if (flags.workspace || flags.expectDigest || flags.changedFrom)
        throw new UsageError(
          'a saved plan keeps the workspaces and the steps it was made with: --workspace, --changed-from and --expect-digest are for `meshform apply --manifest`',
          'plan-file-flags',
        );
      const saved = loadPlan(path.resolve(ctx.cwd, planFile));
      // The manifest the plan was made from, where planning read it, unless --manifest says otherwise.
      const manifest =
        command.getOptionValueSource('manifest') === 'default' && saved.manifest.path !== undefined
          ? saved.manifest.path
          : flags.manifest;
      const session = await openSession(ctx, { ...flags, manifest });
      // The overrides given now: the plan options carry them.
      report = await applySavedPlan(
        session.api,
        saved,
        {
          endpoint: session.options.endpoint,
          desired: session.manifest.state,
          overrides: session.options,
          ...(session.options.policies ? { policies: session.options.policies } : {}),
          now: session.now,
        },
        options,
      );
    } else {
      const session = await openSession(ctx, flags);
      const outcome = await planThenApply(session.api, session.manifest.state, session.options, {
        at: session.now,
        // The plan a reviewer saw, by its digest: any other plan is not applied.
        ...(flags.expectDigest !== undefined ? { expectDigest: flags.expectDigest } : {}),
        onPlan: (plan) => {
          if (format === 'text') ctx.stdout(renderPlanText(plan, { color: ctx.isTTY }));
        },
        confirm: async () => {
          if (flags.autoApprove) return true;
          if (!ctx.isTTY)
            throw new UsageError(
              'apply needs --auto-approve without a terminal, or a saved plan: `meshform apply plan.json`',
              'needs-approval-flag',
            );
          return confirm(ctx);
        },
        apply: options,
      });
      if (outcome.kind === 'refused') {
        if (format === 'json') ctx.stdout(`${JSON.stringify({ plan: outcome.plan, applied: false }, null, 2)}\n`);
        return setExit(ExitCode.REFUSED);
      }
      if (outcome.kind === 'unchanged') {
        if (format === 'json')
          ctx.stdout(
            `${JSON.stringify({ results: [], counts: { applied: 0, 'pending-approval': 0, failed: 0, skipped: 0 } }, null, 2)}\n`,
          );
        return setExit(waiting(ctx, flags, outcome.plan.summary.alreadyPending));
      }
      if (outcome.kind === 'declined') {
        ctx.stdout('Apply cancelled.\n');
        return setExit(ExitCode.OK);
      }
      report = outcome.report;
    }
    ctx.stdout(
      format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderApplyText(report, { color: ctx.isTTY }),
    );
    const code = applyExitCode(report);
    setExit(
      code === ExitCode.PENDING_APPROVAL || code === ExitCode.OK
        ? waiting(ctx, flags, report.counts['pending-approval'])
        : code,
    );
  } finally {
    signals.release();
  }
}
