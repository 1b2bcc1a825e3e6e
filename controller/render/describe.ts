/**
 * Words for plan steps and findings: a one-line summary per step (what Terraform's +/~/- line says),
 * and the attribute changes with their values (old → new), as a reviewer needs them. Findings are
 * worded by the rule catalogue (core/rules).
 */
import { printable } from '../../core/printable';
import { OWNERSHIP_TAG_DEFINITION, describeSubject, ruleMessage } from '../../core/rules';
import type { Finding, GrantStep, Plan, RemovalStep } from '../../schemas/plan.generated';
import type { AnyStep } from '../apply/apply';

const q = (s: string) => `"${s}"`;
const values = (v: readonly string[] | undefined) => (v && v.length ? v.join(', ') : '(none)');
const until = (expiry: string | undefined) => (expiry ? ` until ${expiry}` : '');
const on = (project: string | undefined) => (project ? ` on project ${project}` : '');

function who(
  kind: 'User' | 'Group',
  name: string,
  invitation?: { firstName: string; lastName: string; email: string },
): string {
  return describeSubject({ kind, name, ...(invitation ? { invitation } : {}) }).replace(/"/g, '');
}

function grantLine(s: GrantStep): string {
  const g = s.grant;
  return `grant ${who(g.subject.kind, g.subject.name, g.subject.invitation)}: ${g.role}${on(s.project)}${until(g.expiryDate)}${g.reason ? ` (${g.reason})` : ''}`;
}

const REMOVAL_LABEL: Record<RemovalStep['reason'], string> = {
  drift: ' (not in code)',
  expired: ' (expired)',
  replaced: ' (to replace it)',
};

function removalLine(s: RemovalStep): string {
  const b = s.binding;
  return `remove ${who(b.subjectKind, b.subject)}: ${b.role}${on(s.project)}${until(b.expiryDate)}${REMOVAL_LABEL[s.reason]}`;
}

type Attributes = { displayName: string; tags: Record<string, string[]> };

/** What an update changes, by name (the values are in the step's details). */
function changedAttributes(before: Attributes, after: Attributes): string {
  const tags = Object.keys(after.tags);
  return [
    ...(before.displayName !== after.displayName ? ['display name'] : []),
    ...(tags.length ? [`tag${tags.length > 1 ? 's' : ''} ${tags.join(', ')}`] : []),
  ].join('; ');
}

/** The step in one line, as the +/~/- line of a plan shows it (platform text made printable). */
export function stepSummary(s: AnyStep): string {
  return printable(summarize(s));
}

function summarize(s: AnyStep): string {
  switch (s.kind) {
    case 'tag-definition':
      // meshform's own definition is named for what it is for; its fields are meshform's, not the code's.
      return `${s.action} tag definition ${s.definition.metadata.name}${s.definition.metadata.name === OWNERSHIP_TAG_DEFINITION.metadata.name ? " (meshform's record of which stack owns a workspace)" : ''}`;
    case 'workspace':
      if (s.action === 'create') return `create workspace ${s.workspace} ${q(s.displayName)}`;
      if (s.action === 'delete')
        return `delete workspace ${s.workspace} (${s.deletionReason})${s.waitsFor?.length ? `: waits until the deletion of project(s) ${s.waitsFor.join(', ')} has finished` : ''}`;
      return `update workspace ${s.workspace}: ${changedAttributes(s.before, s.after)}`;
    case 'workspace-status':
      return `set status of ${s.workspace}: ${s.before ?? 'none'} → ${s.after}`;
    case 'workspace-quota':
      return `set project quota of ${s.workspace}: ${s.before ?? 'none'} → ${s.after}`;
    case 'project':
      if (s.action === 'create') return `create project ${s.project} ${q(s.displayName)}`;
      if (s.action === 'delete') return `delete project ${s.project} (${s.deletionReason})`;
      return `update project ${s.project}: ${changedAttributes(s.before, s.after)}`;
    case 'workspace-binding':
    case 'project-binding':
      return s.action === 'create' ? grantLine(s) : removalLine(s);
  }
}

/** Where two versions of a step differ, field by field (dotted paths): `before.displayName: "a" → "b"`. */
export function fieldChanges(saved: object, now: object): string[] {
  const leaves = (v: unknown, at: string, out: Map<string, string>): Map<string, string> => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      for (const [k, x] of Object.entries(v)) leaves(x, at ? `${at}.${k}` : k, out);
    else out.set(at, JSON.stringify(v));
    return out;
  };
  const [a, b] = [leaves(saved, '', new Map()), leaves(now, '', new Map())];
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((k) => a.get(k) !== b.get(k))
    .sort()
    .map((k) => printable(`${k}: ${a.get(k) ?? '(none)'} → ${b.get(k) ?? '(none)'}`));
}

/** The values a reviewer judges a step by, one per line: what is set, and what it was (old → new). */
export function stepDetails(s: AnyStep): string[] {
  return details(s).map(printable);
}

function details(s: AnyStep): string[] {
  switch (s.kind) {
    case 'tag-definition': {
      if (s.definition.metadata.name === OWNERSHIP_TAG_DEFINITION.metadata.name) return [];
      const spec: Record<string, unknown> = s.definition.spec;
      const before = (s.before && 'spec' in s.before ? s.before.spec : {}) as Record<string, unknown>;
      return Object.keys(spec)
        .sort()
        .filter((k) => JSON.stringify(spec[k]) !== JSON.stringify(before[k]))
        .map((k) =>
          s.before
            ? `${k}: ${JSON.stringify(before[k] ?? null)} → ${JSON.stringify(spec[k])}`
            : `${k}: ${JSON.stringify(spec[k])}`,
        );
    }
    case 'workspace':
    case 'project':
      if (s.action === 'create')
        return Object.keys(s.tags)
          .filter((k) => s.tags[k].length)
          .map((k) => `tag ${k}: ${values(s.tags[k])}`);
      if (s.action === 'delete') return [];
      return [
        ...(s.before.displayName !== s.after.displayName
          ? [`display name: ${q(s.before.displayName)} → ${q(s.after.displayName)}`]
          : []),
        ...Object.keys(s.after.tags).map((k) => `tag ${k}: ${values(s.before.tags[k])} → ${values(s.after.tags[k])}`),
      ];
    case 'workspace-binding':
    case 'project-binding': {
      if (s.action === 'delete') return [];
      const inv = s.grant.subject.invitation;
      return [
        ...(inv ? [`invitation to ${inv.firstName} ${inv.lastName} <${inv.email}>`] : []),
        ...(s.replaces ? [`expiry: ${s.replaces.expiryDate ?? '(none)'} → ${s.grant.expiryDate ?? '(none)'}`] : []),
      ];
    }
    default:
      return [];
  }
}

/** Which policies judged the plan, for its header; undefined when none did. */
export function policiesLine(plan: Plan): string | undefined {
  if (!plan.policies?.length) return undefined;
  return `Policies: ${plan.policies.map((p) => printable(`${p.source} (sha256:${p.sha256}; ${p.names.join(', ')})`)).join('; ')}`;
}

export function findingMessage(f: Finding): string {
  return printable(ruleMessage(f.rule, f.params));
}
