/** A pull-request comment: summary table, warnings for owner changes and removals, collapsible details with values. */
import { printable } from '../../core/printable';
import { WORKSPACE_OWNER } from '../../core/rules';
import type { Plan, Step } from '../../schemas/plan.generated';
import { roleOf } from '../plan/steps';
import { findingMessage, policiesLine, stepSummary } from './describe';
import { stepLines, summaryLine } from './text';

const COMMENT_MARKER = '<!-- meshform-plan -->';

/** Workspaces with at most this many steps are shown unfolded. */
const OPEN_MAX_STEPS = 10;

/**
 * Platform text in running markdown: on one line (control characters and bidi overrides shown as
 * escapes), and no link, image, emphasis, HTML or code span can come from a name or a version.
 */
function md(text: string): string {
  return printable(text).replace(/[\\`*_[\]<>|~&!#]/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`,
  );
}

/** Platform text as an inline code span no backtick inside can close (CommonMark: a longer fence, padded). */
function code(text: string): string {
  const line = printable(text);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[ `]|[ `]$/.test(line) ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** Platform text inside an HTML block (`<details>`): markdown is not read there, so HTML escapes alone. */
function html(text: string): string {
  return printable(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A fenced block no line inside can close: its fence is longer than any run of backticks in it (CommonMark). */
function fenced(info: string, lines: readonly string[]): string[] {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...lines, fence];
}

function countsOf(steps: readonly Step[]): string {
  const n = (a: Step['action']) => steps.filter((s) => s.action === a).length;
  const parts = [`${n('create')} to add`, `${n('update')} to change`, `${n('delete')} to remove`];
  return steps.length ? parts.join(', ') : 'no changes';
}

export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [COMMENT_MARKER, `### meshform plan: ${code(plan.manifest.name)}`, ''];
  const s = plan.summary;
  out.push(
    '| add | change | remove | expired | need 2nd approval | already waiting |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${s.add} | ${s.change} | ${s.remove} | ${s.expired} | ${s.needApproval} | ${s.alreadyPending} |`,
    '',
  );
  const policies = policiesLine(plan);
  if (policies) out.push(md(policies), '');
  if (plan.refusals.length) {
    out.push('> [!CAUTION]', '> **Refused**: this plan breaks platform rules and will not be applied.');
    for (const r of plan.refusals)
      out.push(`> - ${code(r.workspace ?? '*')}: ${md(findingMessage(r))} (rule: ${code(r.rule)})`);
    out.push('');
  }
  const all = plan.workspaces.flatMap((w) => w.steps);
  const owners = all.filter((st) => st.kind === 'workspace-binding' && roleOf(st) === WORKSPACE_OWNER);
  // A renewal's old binding goes after the new one is granted: nobody loses access, so it is no warning.
  const removals = all.filter((st) => st.action === 'delete' && st.reason !== 'expired' && st.reason !== 'replaced');
  if (owners.length || removals.length) {
    out.push('> [!WARNING]');
    if (owners.length)
      out.push(
        `> **Owner changes**: ${owners.map((st) => `${md(stepSummary(st))} in ${code(st.workspace)}`).join('; ')}`,
      );
    if (removals.length)
      out.push(
        `> **Removals**: ${removals.length} (${removals
          .map((st) => md(stepSummary(st)))
          .slice(0, 5)
          .join('; ')}${removals.length > 5 ? '; …' : ''})`,
      );
    out.push('');
  }
  if (s.needApproval)
    out.push(
      `${s.needApproval} grant(s) will wait for a second approval in meshStack (4-eyes): another Workspace Manager approves with \`meshform requests approve\`.`,
      '',
    );
  for (const w of plan.workspaces.filter((x) => x.steps.length || x.notes.length)) {
    // A short list is open at once; a long one stays folded, with its counts in the summary line.
    const open = w.steps.length <= OPEN_MAX_STEPS ? ' open' : '';
    out.push(
      `<details${open}><summary><code>${html(w.name)}</code>${w.state === 'ready' ? '' : ` (${html(w.state)})`}: ${countsOf(w.steps)}</summary>`,
      '',
    );
    out.push(...fenced('diff', w.steps.flatMap(stepLines)));
    for (const n of w.notes) out.push(`- ${md(findingMessage(n))}`);
    out.push('', '</details>');
  }
  if (plan.globalSteps.length) {
    out.push(
      '<details><summary>tag definitions</summary>',
      '',
      ...fenced('diff', plan.globalSteps.flatMap(stepLines)),
      '',
      '</details>',
    );
  }
  for (const w of plan.warnings) out.push('', `> ${md(findingMessage(w))}`);
  out.push(
    '',
    `**${md(summaryLine(plan))}**`,
    '',
    `<sub>meshStack <code>${md(plan.platform.version)}</code> at <code>${md(plan.platform.endpoint)}</code>, planned ${md(plan.createdAt)}; plan digest <code>${md(plan.digest)}</code></sub>`,
  );
  return `${out.join('\n')}\n`;
}
