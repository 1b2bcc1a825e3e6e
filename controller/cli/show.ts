import * as path from 'path';
import { loadPlan } from '../plan/plan-file';
import { type CliContext, ExitCode } from './context';
import { oneOf } from './options';
import { renderPlan } from './plan';

export async function showCommand(
  ctx: CliContext,
  setExit: (code: number) => void,
  file: string,
  flags: { format: string },
): Promise<void> {
  const format = oneOf(flags.format, ['text', 'markdown', 'json'] as const, '--format');
  ctx.stdout(renderPlan(loadPlan(path.resolve(ctx.cwd, file)), format, ctx));
  setExit(ExitCode.OK);
}
