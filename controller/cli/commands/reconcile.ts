import type { Command } from 'commander';
import type { CliContext } from '../context';
import type { ReconcileFlags } from '../reconcile';
import { addCommonOptions } from './common-flags';

/** `meshform reconcile`: the loop of controller/reconcile, one observe → plan → apply per pass. */
export function registerReconcile(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  addCommonOptions(
    program.command('reconcile').description('observe → plan → apply in a loop (or --once), with backoff on failure'),
  )
    .option('--interval <duration>', 'time between passes (s, m, h)', '5m')
    .option('--max-backoff <duration>', 'longest wait after repeated failures', '15m')
    .option('--once', 'run one pass and exit with its code')
    .action((flags: ReconcileFlags) => import('../reconcile').then((c) => c.reconcileCommand(ctx, setExit, flags)));
}
