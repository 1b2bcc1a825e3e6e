import type { Command } from 'commander';
import type { ApplyFlags } from '../apply';
import type { CliContext } from '../context';
import { addCommonOptions } from './common-flags';

/** `meshform apply`'s flags; its action is loaded when it runs (../apply.ts). */
export function registerApply(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  addCommonOptions(
    program
      .command('apply [plan]')
      .description('apply a saved plan (refused when the platform changed since), or plan and apply'),
  )
    .option('--auto-approve', 'apply without asking (required without a terminal)')
    .option('--format <format>', 'text or json (the apply report)', 'text')
    .option('--concurrency <n>', 'workspaces applied at the same time', '4')
    .option('--expect-digest <sha256:…>', "apply only if the plan's digest is this one (the plan a reviewer saw)")
    .option('--changed-from <manifest>', 'plan and apply only workspaces whose code differs from this base manifest')
    .option(
      '--pending-marker <file>',
      "for Terraform's anchors: grants that wait for a second approval are a warning (exit 0), recorded in this file so that the anchor's next plan shows its workspace again; removed once nothing waits",
    )
    .action((planFile: string | undefined, flags: ApplyFlags, command: Command) =>
      import('../apply').then((c) => c.applyCommand(ctx, setExit, planFile, flags, command)),
    );
}
