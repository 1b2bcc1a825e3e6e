import type { Command } from 'commander';
import type { CliContext } from '../context';

/** `meshform policy test`'s flags; its action is loaded when it runs (../policy.ts). */
export function registerPolicy(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('policy')
    .description("the organisation's policies (docs/policies.md)")
    .command('test <file>')
    .description(
      'run each policy against the example objects in <name>.test.yaml next to <file>; exit 0 all pass, 1 a case fails, 2 a bad policy or test file',
    )
    .action((file: string) => import('../policy').then((c) => c.policyTestCommand(ctx, setExit, file)));
}
