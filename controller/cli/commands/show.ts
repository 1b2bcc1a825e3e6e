import type { Command } from 'commander';
import type { CliContext } from '../context';

/** `meshform show <plan>`: a saved plan rendered again, without touching the platform (like `terraform show`). */
export function registerShow(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('show <plan>')
    .description('render a saved plan (from `meshform plan --out`) without contacting the platform')
    .option('--format <format>', 'text, markdown (a PR comment) or json', 'text')
    .action((file: string, flags: { format: string }) =>
      import('../show').then((c) => c.showCommand(ctx, setExit, file, flags)),
    );
}
