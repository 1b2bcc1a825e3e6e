import type { Command } from 'commander';
import type { CliContext } from '../context';
import type { PlanFlags } from '../plan';
import { addCommonOptions } from './common-flags';

/** `meshform plan`'s flags; its action is loaded when it runs (../plan.ts). */
export function registerPlan(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  addCommonOptions(program.command('plan').description('observe the platform and show what apply would change'))
    .option('--out <file>', 'save the plan for `meshform apply <file>`')
    .option(
      '--changed-from <manifest>',
      'plan only workspaces whose code differs from this base manifest (or with an expiry due within --expiring-within, default 1d)',
    )
    .option('--format <format>', 'text, markdown (a PR comment) or json (the plan file)', 'text')
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when there are none')
    .action((flags: PlanFlags) => import('../plan').then((c) => c.planCommand(ctx, setExit, flags)));
}
