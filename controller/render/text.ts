/** Terraform-like text for plans and apply reports: +/~/- lines per workspace with the values that change, and a summary; colour only on a terminal. */
import pc from 'picocolors';
import { printable } from '../../core/printable';
import type { Plan } from '../../schemas/plan.generated';
import type { AnyStep, ApplyReport, StepResult } from '../apply/apply';
import { findingMessage, policiesLine, stepDetails, stepSummary } from './describe';

export interface TextOptions {
  readonly color: boolean;
}

const SYMBOL: Record<AnyStep['action'], string> = { create: '+', update: '~', delete: '-' };

/** The caller decides (a terminal, and no CI): picocolors' own guess from the environment is not asked. */
const COLORS = pc.createColors(true);

function paint(color: boolean) {
  const id = (s: string) => s;
  return color
    ? { green: COLORS.green, yellow: COLORS.yellow, red: COLORS.red, dim: COLORS.dim, bold: COLORS.bold }
    : { green: id, yellow: id, red: id, dim: id, bold: id };
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const parts = [`${s.add} to add`, `${s.change} to change`, `${s.remove} to remove`, `${s.expired} expired`];
  const approval = [
    s.needApproval ? `${s.needApproval} need${s.needApproval === 1 ? 's' : ''} a second approval` : '',
    s.alreadyPending ? `${s.alreadyPending} already waiting for approval` : '',
  ].filter(Boolean);
  return `Plan: ${parts.join(', ')}${approval.length ? `; ${approval.join(', ')}` : ''}.`;
}

function approvalNote(s: AnyStep): string {
  if (!('approval' in s)) return '';
  if (s.approval === 'needs-approval') return `  [needs a second approval: ${(s.approvers ?? []).join(', ')}]`;
  return s.approval === 'already-pending' ? '  [already waiting for approval]' : '';
}

export function stepLine(s: AnyStep): string {
  return `${SYMBOL[s.action]} ${stepSummary(s)}${approvalNote(s)}`;
}

/** The step line and, indented below it, the values it changes. */
export function stepLines(s: AnyStep): string[] {
  return [stepLine(s), ...stepDetails(s).map((d) => `    ${d}`)];
}

export function renderPlanText(plan: Plan, options: TextOptions): string {
  const c = paint(options.color);
  const colorOf = (s: AnyStep) => (s.action === 'create' ? c.green : s.action === 'update' ? c.yellow : c.red);
  const out: string[] = [];
  const who = plan.platform.caller
    ? `, as ${plan.platform.caller.username}${plan.platform.caller.partner ? ' (partner)' : ''}`
    : '';
  out.push(
    `meshStack ${plan.platform.version} at ${plan.platform.endpoint}; 4-eyes ${plan.platform.fourEyes ? 'on' : 'off'}${who}`,
  );
  const policies = policiesLine(plan);
  if (policies) out.push(policies);
  const total = plan.globalSteps.length + plan.workspaces.reduce((n, w) => n + w.steps.length, 0);
  if (plan.globalSteps.length) {
    out.push('', c.bold('  # tag definitions'));
    for (const s of plan.globalSteps) out.push(...stepLines(s).map((l) => `  ${colorOf(s)(l)}`));
  }
  for (const w of plan.workspaces) {
    if (!w.steps.length && !w.notes.length) continue;
    out.push('', c.bold(`  # workspace ${w.name}${w.state === 'ready' ? '' : ` (${w.state})`}`));
    for (const s of w.steps) out.push(...stepLines(s).map((l) => `  ${colorOf(s)(l)}`));
    for (const n of w.notes) out.push(c.dim(`    note: ${findingMessage(n)}`));
  }
  for (const warning of plan.warnings) out.push('', c.yellow(`Warning: ${findingMessage(warning)}`));
  if (plan.refusals.length) {
    out.push('', c.red(c.bold('Refused: the plan breaks platform rules and will not be applied:')));
    for (const r of plan.refusals) out.push(c.red(`  [${r.workspace ?? '*'}] ${findingMessage(r)} (rule: ${r.rule})`));
  }
  out.push(
    '',
    total === 0 && !plan.refusals.length ? 'No changes. The platform matches the code.' : c.bold(summaryLine(plan)),
  );
  if (total > 0 && !plan.refusals.length)
    out.push(c.dim(`Plan digest: ${plan.digest} (meshform apply --expect-digest applies exactly this plan)`));
  return `${out.join('\n')}\n`;
}

const RESULT_SYMBOL: Record<StepResult['status'], string> = {
  applied: '✓',
  'pending-approval': '…',
  waiting: '…',
  failed: '✗',
  skipped: '-',
};

export function resultLine(r: StepResult): string {
  const detail =
    r.status === 'pending-approval'
      ? ` (waiting for a second approval${r.requestId ? `, request ${r.requestId}` : ''})`
      : r.status === 'waiting'
        ? ' (not yet: a later run makes it)'
        : r.error
          ? `: ${r.error.message}`
          : '';
  // The summary is printable already; the error's words may come from the platform.
  return `${RESULT_SYMBOL[r.status]} ${stepSummary(r.step)}${printable(detail)}`;
}

export function renderApplyText(report: ApplyReport, options: TextOptions): string {
  const c = paint(options.color);
  const colorOf = (r: StepResult) =>
    r.status === 'applied'
      ? c.green
      : r.status === 'pending-approval' || r.status === 'waiting'
        ? c.yellow
        : r.status === 'failed'
          ? c.red
          : c.dim;
  const lines = report.results.map((r) => `  ${colorOf(r)(resultLine(r))}`);
  const k = report.counts;
  lines.push(
    '',
    c.bold(
      `Apply: ${k.applied} applied, ${k['pending-approval']} waiting for a second approval, ${k.failed} failed, ${k.skipped} skipped.`,
    ),
  );
  if (k['pending-approval'])
    lines.push(
      'Grants waiting for approval take effect when another Workspace Manager (or a partner) approves them: `meshform requests list`.',
    );
  if (k.failed || k.skipped)
    lines.push('Nothing that failed or was skipped was changed; fix the cause and run again: apply converges.');
  return `${lines.join('\n')}\n`;
}
