import * as path from 'path';
import type { Plan } from '../../schemas/plan.generated';
import { savePlan } from '../plan/plan-file';
import { renderPlanMarkdown } from '../render/markdown';
import { renderPlanText } from '../render/text';
import { hasChanges, planAgainst } from '../run';
import { type CliContext, ExitCode } from './context';
import type { CommonFlags } from './commands/common-flags';
import { oneOf, openSession } from './options';

export interface PlanFlags extends CommonFlags {
  out?: string;
  format: string;
  detailedExitcode?: boolean;
}

export function renderPlan(plan: Plan, format: 'text' | 'markdown' | 'json', ctx: CliContext): string {
  if (format === 'json') return `${JSON.stringify(plan, null, 2)}\n`;
  return format === 'markdown' ? renderPlanMarkdown(plan) : renderPlanText(plan, { color: ctx.isTTY });
}

/** 3 when refused; with --detailed-exitcode 2 when there are changes; else 0. */
export function planExitCode(plan: Plan, detailed: boolean): number {
  if (plan.refusals.length) return ExitCode.REFUSED;
  return detailed && hasChanges(plan) ? ExitCode.CHANGES : ExitCode.OK;
}

export async function planCommand(ctx: CliContext, setExit: (code: number) => void, flags: PlanFlags): Promise<void> {
  const format = oneOf(flags.format, ['text', 'markdown', 'json'] as const, '--format');
  const session = await openSession(ctx, flags);
  const { plan } = await planAgainst(session.api, session.manifest.state, session.options, session.now);
  if (flags.out) {
    // The file names where the manifest was read, so `meshform apply <file>` finds it without --manifest.
    const manifestPath = path.relative(ctx.cwd, path.resolve(ctx.cwd, flags.manifest)).split(path.sep).join('/');
    savePlan(path.resolve(ctx.cwd, flags.out), { ...plan, manifest: { ...plan.manifest, path: manifestPath } });
  }
  ctx.stdout(renderPlan(plan, format, ctx));
  if (flags.out && format !== 'json')
    ctx.stderr(`Saved the plan to ${flags.out}: apply it with \`meshform apply ${flags.out}\`.\n`);
  setExit(planExitCode(plan, flags.detailedExitcode === true));
}
