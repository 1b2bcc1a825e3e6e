import * as path from 'path';
import type { Command } from 'commander';
import { loadPlan } from '../plan/plan-file';
import { type CliContext, ExitCode } from './context';
import { oneOf } from './options';
import { renderPlan } from './plan';

/** `meshform show <plan>`: a saved plan rendered again, without touching the platform (like `terraform show`). */
export function registerShow(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('show <plan>')
    .description('render a saved plan (from `meshform plan --out`) without contacting the platform')
    .option('--format <format>', 'text, markdown (a PR comment) or json', 'text')
    .action((file: string, flags: { format: string }) => {
      const format = oneOf(flags.format, ['text', 'markdown', 'json'] as const, '--format');
      ctx.stdout(renderPlan(loadPlan(path.resolve(ctx.cwd, file)), format, ctx));
      setExit(ExitCode.OK);
    });
}
