/**
 * Binding diffs for one workspace: which grants to create, which bindings to remove (drift,
 * expired, replaced), in an order that keeps 1..2 Owners at every step, with the 4-eyes class of
 * each grant. Pure.
 */
import { sha256Hex } from '../../core/canonical-json';
import { isExpired, parseExpiry } from '../../core/expiry';
import type { ProjectBinding, Subject, Workspace, WorkspaceBinding } from '../../schemas/desired-state.generated';
import type { Step } from '../../schemas/plan.generated';
import type { LiveBinding } from '../client/types';
import type { LiveState, LiveWorkspaceState } from '../observe/live-state';

export const OWNER = 'Workspace Owner';
export const MANAGER = 'Workspace Manager';
export const MAX_OWNERS = 2;

/** Binding names are derived from what they bind, so a retried or repeated create finds its own binding. */
export function bindingName(workspace: string, project: string | undefined, subject: Subject, role: string): string {
  return `mf-${sha256Hex([workspace, project ?? '', subject.kind, subject.name, role]).slice(0, 24)}`;
}

export interface BindingContext {
  readonly live: LiveState;
  readonly ws: LiveWorkspaceState | undefined;
  readonly desired: Workspace;
  readonly now: Date;
}

type Desired = (WorkspaceBinding | ProjectBinding) & { project?: string };

/** Whether a live binding is the one a desired binding describes (an accepted invitation is bound to the username). */
function sameSubject(live: LiveBinding, s: Subject, usersByEmail: Record<string, string>): boolean {
  if (live.subjectKind !== s.kind) return false;
  return live.subject === s.name || (s.invitation !== undefined && live.subject === usersByEmail[s.invitation.email]);
}

/** Expiry as the platform keeps it: a day for workspace bindings; the exact instant where project bindings keep one. */
function expiryKey(value: string | undefined, project: boolean, live: LiveState): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parseExpiry(value);
  if (!parsed) return value;
  if (!project) return parsed.apiDate;
  return live.platform.capabilities.includes('project-binding-expiry') ? parsed.endsAt.toISOString() : undefined;
}

function describe(b: { subject: Subject | string; subjectKind?: string; role: string; project?: string; expiryDate?: string }): string {
  const subject = typeof b.subject === 'string' ? `${b.subjectKind === 'Group' ? 'group' : 'user'} ${b.subject}` : `${b.subject.kind === 'Group' ? 'group' : 'user'} ${b.subject.name}`;
  return `${subject}: ${b.role}${b.project ? ` on project ${b.project}` : ''}${b.expiryDate ? ` until ${b.expiryDate}` : ''}`;
}

function removal(ws: string, b: LiveBinding, reason: Step['reason']): Step {
  return {
    id: `${ws}:${b.project ? 'project' : 'workspace'}-binding:${b.name}:delete`,
    action: 'delete',
    kind: b.project ? 'project-binding' : 'workspace-binding',
    workspace: ws,
    ...(b.project ? { project: b.project } : {}),
    reason,
    summary: `remove ${describe(b)}${reason === 'expired' ? ' (expired)' : reason === 'drift' ? ' (not in code)' : reason === 'replaced' ? ' (to replace it)' : ''}`,
    before: { ...b },
    binding: { name: b.name, subjectKind: b.subjectKind, subject: b.subject, role: b.role, ...(b.expiryDate ? { expiryDate: b.expiryDate } : {}) },
  };
}

function grant(ws: string, d: Desired, reason: Step['reason'], ctx: BindingContext): Step {
  const project = d.project;
  const name = bindingName(ws, project, d.subject, d.roleRef.name);
  const invitation = d.subject.invitation ? { firstName: d.subject.invitation.firstName, lastName: d.subject.invitation.lastName } : undefined;
  const expiryDate = d.expiryDate === undefined ? undefined : project !== undefined ? d.expiryDate : parseExpiry(d.expiryDate)?.apiDate ?? d.expiryDate;
  return {
    id: `${ws}:${project ? 'project' : 'workspace'}-binding:${name}:create`,
    action: 'create',
    kind: project ? 'project-binding' : 'workspace-binding',
    workspace: ws,
    ...(project ? { project } : {}),
    reason,
    summary: `grant ${describe({ subject: d.subject, role: d.roleRef.name, project, expiryDate: d.expiryDate })}${d.reason ? ` (${d.reason})` : ''}`,
    after: { subject: d.subject, role: d.roleRef.name, ...(d.expiryDate ? { expiryDate: d.expiryDate } : {}), ...(d.reason ? { reason: d.reason } : {}) },
    binding: { name, subjectKind: d.subject.kind, subject: d.subject.name, role: d.roleRef.name, ...(expiryDate ? { expiryDate } : {}), ...(invitation ? { invitation } : {}) },
    ...approvalOf(project, d, ctx),
  };
}

/** The 4-eyes class of a grant, as the platform will decide it (see the sandbox's grants rules). */
function approvalOf(project: string | undefined, d: Desired, ctx: BindingContext): Pick<Step, 'approval' | 'approvers'> {
  const pending = ctx.ws?.pendingRequests.find((r) => r.project === project && r.subjectKind === d.subject.kind && r.subject === d.subject.name && r.role === d.roleRef.name);
  if (pending) return { approval: 'already-pending', approvers: [] };
  const { fourEyes } = ctx.live.platform;
  const caller = ctx.live.caller;
  if (!fourEyes.enabled || d.subject.kind === 'Group' || caller?.partner) return { approval: 'auto' };
  const managers = [...new Set((ctx.ws?.bindings ?? []).filter((b) => b.subjectKind === 'User' && (b.role === OWNER || b.role === MANAGER)).map((b) => b.subject))].sort();
  if (caller && (fourEyes.minApprovalCount <= 1 || (managers.length < fourEyes.minApprovalCount && managers.every((m) => m === caller.username)))) {
    return { approval: 'auto' };
  }
  return { approval: 'needs-approval', approvers: [...managers.filter((m) => m !== caller?.username), 'a partner'] };
}

interface ListDiff {
  readonly removals: Step[];
  readonly grants: Step[];
  readonly notes: string[];
}

/** Diff of one binding list (a workspace's or a project's). */
function diffList(
  wsName: string,
  project: string | undefined,
  desired: Desired[],
  live: LiveBinding[],
  ctx: BindingContext,
  authoritative: boolean,
  mustReplace: (b: LiveBinding) => boolean = () => false,
): ListDiff {
  const removals: Step[] = [];
  const grants: Step[] = [];
  const notes: string[] = [];
  const matched = new Set<LiveBinding>();
  const recert = ctx.live.platform.recertification ?? {};
  for (const d of desired) {
    const existing = live.find((l) => !matched.has(l) && l.role === d.roleRef.name && sameSubject(l, d.subject, ctx.live.usersByEmail));
    if (existing) matched.add(existing);
    if (d.expiryDate && isExpired(d.expiryDate, ctx.now)) {
      if (existing) removals.push(removal(wsName, existing, 'expired'));
      else notes.push(`${describe({ subject: d.subject, role: d.roleRef.name, project })}: expired ${d.expiryDate}, not granted`);
      continue;
    }
    if (!existing) {
      grants.push(grant(wsName, { ...d, project }, 'missing', ctx));
      continue;
    }
    // Where the platform assigns an expiry itself (recertification), a missing desired expiry is not a
    // change. meshStack's API does not show its recertification settings: unless the platform tells
    // (a sandbox extension), any live expiry may be one it assigned.
    const recertKnown = ctx.live.platform.recertification !== undefined;
    const platformAssigned = d.expiryDate === undefined && (!recertKnown || recert[d.roleRef.name] !== undefined);
    const want = expiryKey(d.expiryDate, project !== undefined, ctx.live);
    const have = expiryKey(existing.expiryDate, project !== undefined, ctx.live);
    if (mustReplace(existing) || (!platformAssigned && want !== have && !(project !== undefined && want === undefined && have === undefined))) {
      removals.push(removal(wsName, existing, 'replaced'));
      grants.push(grant(wsName, { ...d, project }, 'replaced', ctx));
    }
  }
  for (const l of live.filter((x) => !matched.has(x))) {
    if (l.expiryDate && isExpired(l.expiryDate, ctx.now)) removals.push(removal(wsName, l, 'expired'));
    else if (authoritative) removals.push(removal(wsName, l, 'drift'));
    else notes.push(`${describe(l)} is not in code (additive: kept)`);
  }
  return { removals, grants, notes };
}

export interface BindingPlan {
  /** Ordered: project removals, workspace removals and Owner changes interleaved, workspace grants, project grants. */
  readonly steps: Step[];
  readonly notes: string[];
  /** Owners after each Owner step (for the owner-limit invariant), starting with the live count. */
  readonly ownerCounts: number[];
  readonly ownerLimitExceeded: boolean;
}

export function planBindings(ctx: BindingContext, skipProjects: ReadonlySet<string>): BindingPlan {
  const wsName = ctx.desired.metadata.name;
  const authoritative = ctx.desired.spec.bindingManagement === 'authoritative';
  const ws = diffList(wsName, undefined, ctx.desired.bindings, ctx.ws?.bindings ?? [], ctx, authoritative);
  const projectRemovals: Step[] = [];
  const projectGrants: Step[] = [];
  const notes = [...ws.notes];
  const heldBack = new Set(ws.grants.filter((g) => g.approval === 'needs-approval' || g.approval === 'already-pending').map((g) => `${g.binding!.subjectKind}:${g.binding!.subject}`));
  // A subject whose every workspace binding is removed (even to be re-granted) loses its project
  // roles on the platform at that moment: its project bindings are replaced, so they come back.
  const who = (b: { subjectKind: string; subject: string }) => `${b.subjectKind}:${b.subject}`;
  const removedNames = new Set(ws.removals.map((r) => r.binding!.name));
  const liveWsBindings = ctx.ws?.bindings ?? [];
  const leaving = new Set(liveWsBindings.filter((b) => liveWsBindings.filter((x) => who(x) === who(b)).every((x) => removedNames.has(x.name))).map(who));
  const members = new Set(liveWsBindings.map(who).filter((s) => !leaving.has(s)));
  for (const p of ctx.desired.projects) {
    if (skipProjects.has(p.metadata.name)) continue;
    const liveProject = ctx.ws?.projects[p.metadata.name]?.bindings ?? [];
    const diff = diffList(wsName, p.metadata.name, p.bindings, liveProject, ctx, authoritative, (b) => leaving.has(who(b)));
    projectRemovals.push(...diff.removals);
    notes.push(...diff.notes.map((n) => `project ${p.metadata.name}: ${n}`));
    for (const g of diff.grants) {
      const subject = who(g.binding!);
      // meshStack needs the workspace role first: a project grant waits while that one waits for approval.
      if (heldBack.has(subject) && !members.has(subject)) notes.push(`${g.summary.replace(/^grant /, '')}: waits until the workspace role of ${g.binding!.subject} is approved`);
      else projectGrants.push(g);
    }
  }
  const isOwner = (s: Step) => s.binding?.role === OWNER;
  const ownerRemovals = ws.removals.filter(isOwner);
  const ownerGrants = ws.grants.filter(isOwner);
  let owners = (ctx.ws?.bindings ?? []).filter((b) => b.role === OWNER && !(b.expiryDate && isExpired(b.expiryDate, ctx.now))).length;
  const ownerCounts = [owners];
  const ownerSteps: Step[] = [];
  // Expired Owners are already gone for the limit's sake; remove them first.
  ownerSteps.push(...ownerRemovals.filter((s) => s.reason === 'expired'));
  // A changed expiry is a remove and a re-grant of the same Owner, kept together (the platform refuses a duplicate role).
  for (const g of ownerGrants.filter((s) => s.reason === 'replaced')) {
    const r = ownerRemovals.find((x) => x.reason === 'replaced' && x.binding!.subject === g.binding!.subject);
    if (r) ownerSteps.push(r, g);
  }
  const removalsLeft = ownerRemovals.filter((s) => s.reason !== 'expired' && !ownerSteps.includes(s));
  const grantsLeft = ownerGrants.filter((s) => !ownerSteps.includes(s));
  let exceeded = false;
  while (removalsLeft.length || grantsLeft.length) {
    // Add first while there is room (never drop to zero Owners on the way); remove first when full.
    if (grantsLeft.length && (owners < MAX_OWNERS || removalsLeft.length === 0)) {
      ownerSteps.push(grantsLeft.shift()!);
      owners++;
      if (owners > MAX_OWNERS) exceeded = true;
    } else {
      ownerSteps.push(removalsLeft.shift()!);
      owners--;
    }
    ownerCounts.push(owners);
  }
  return {
    steps: [...projectRemovals, ...ws.removals.filter((s) => !isOwner(s)), ...ownerSteps, ...ws.grants.filter((s) => !isOwner(s)), ...projectGrants],
    notes,
    ownerCounts,
    ownerLimitExceeded: exceeded,
  };
}
