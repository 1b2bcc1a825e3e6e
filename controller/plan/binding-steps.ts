/**
 * Binding diffs for one workspace: which grants to create, which bindings to remove (drift,
 * expired, replaced), in an order that keeps 1..2 Owners at every step, with the 4-eyes class of
 * each grant. Pure: it decides what changes; the rules (./rules) decide whether that is allowed.
 */
import { sha256Hex } from '../../core/canonical-json';
import { isExpired, parseExpiry } from '../../core/expiry';
import { MAX_WORKSPACE_OWNERS, WORKSPACE_MANAGER, WORKSPACE_OWNER, grantWaitsForApproval } from '../../core/rules';
import type { ProjectBinding, Subject, Workspace, WorkspaceBinding } from '../../schemas/desired-state.generated';
import type { Finding, GrantStep, RemovalStep } from '../../schemas/plan.generated';
import type { LiveBinding } from '../client/types';
import type { LiveState, LiveWorkspaceState } from '../observe/live-state';
import { finding } from './findings';

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

const subjectOf = (b: LiveBinding): Subject => ({ kind: b.subjectKind, name: b.subject });

function removal(ws: string, b: LiveBinding, reason: RemovalStep['reason']): RemovalStep {
  return {
    id: `${ws}:${b.project ? 'project' : 'workspace'}-binding:${b.name}:delete`,
    kind: b.project ? 'project-binding' : 'workspace-binding',
    action: 'delete',
    workspace: ws,
    ...(b.project ? { project: b.project } : {}),
    reason,
    binding: { name: b.name, subjectKind: b.subjectKind, subject: b.subject, role: b.role, ...(b.expiryDate ? { expiryDate: b.expiryDate } : {}) },
  };
}

function grant(ws: string, d: Desired, reason: GrantStep['reason'], ctx: BindingContext): GrantStep {
  const project = d.project;
  const name = bindingName(ws, project, d.subject, d.roleRef.name);
  return {
    id: `${ws}:${project ? 'project' : 'workspace'}-binding:${name}:create`,
    kind: project ? 'project-binding' : 'workspace-binding',
    action: 'create',
    workspace: ws,
    ...(project ? { project } : {}),
    reason,
    grant: {
      name,
      subject: d.subject.invitation ? { kind: d.subject.kind, name: d.subject.name, invitation: { ...d.subject.invitation } } : { kind: d.subject.kind, name: d.subject.name },
      role: d.roleRef.name,
      ...(d.expiryDate ? { expiryDate: d.expiryDate } : {}),
      ...(d.reason ? { reason: d.reason } : {}),
    },
    ...approvalOf(project, d, ctx),
  };
}

/** The Owners and Managers of a workspace who are users: who approves 4-eyes requests. */
export function approversIn(bindings: readonly LiveBinding[]): string[] {
  return [...new Set(bindings.filter((b) => b.subjectKind === 'User' && (b.role === WORKSPACE_OWNER || b.role === WORKSPACE_MANAGER)).map((b) => b.subject))].sort();
}

/** The 4-eyes class of a grant, as the platform will decide it. */
function approvalOf(project: string | undefined, d: Desired, ctx: BindingContext): Pick<GrantStep, 'approval' | 'approvers'> {
  const pending = ctx.ws?.pendingRequests.find((r) => r.project === project && r.subjectKind === d.subject.kind && r.subject === d.subject.name && r.role === d.roleRef.name);
  if (pending) return { approval: 'already-pending', approvers: [] };
  const { fourEyes } = ctx.live.platform;
  const caller = ctx.live.caller;
  const managers = approversIn(ctx.ws?.bindings ?? []);
  // Without the caller's identity, assume a non-partner whose grant waits (conservative).
  const requester = caller ? { username: caller.username, partner: caller.partner } : { username: '', partner: false };
  if (!grantWaitsForApproval(fourEyes, { subjectKind: d.subject.kind }, requester, caller ? managers : [...managers, ''])) return { approval: 'auto' };
  return { approval: 'needs-approval', approvers: [...managers.filter((m) => m !== caller?.username), 'a partner'] };
}

interface ListDiff {
  readonly removals: RemovalStep[];
  readonly grants: GrantStep[];
  readonly notes: Finding[];
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
  const removals: RemovalStep[] = [];
  const grants: GrantStep[] = [];
  const notes: Finding[] = [];
  const matched = new Set<LiveBinding>();
  const recert = ctx.live.platform.recertification ?? {};
  for (const d of desired) {
    const existing = live.find((l) => !matched.has(l) && l.role === d.roleRef.name && sameSubject(l, d.subject, ctx.live.usersByEmail));
    if (existing) matched.add(existing);
    if (d.expiryDate && isExpired(d.expiryDate, ctx.now)) {
      if (existing) removals.push(removal(wsName, existing, 'expired'));
      else notes.push(finding('expired-not-granted', { subject: d.subject, role: d.roleRef.name, ...(project ? { project } : {}), expiry: d.expiryDate }, wsName));
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
    else notes.push(finding('additive-kept', { subject: subjectOf(l), role: l.role, ...(project ? { project } : {}), ...(l.expiryDate ? { expiry: l.expiryDate } : {}) }, wsName));
  }
  return { removals, grants, notes };
}

export interface BindingPlan {
  /** Ordered: project removals, workspace removals and Owner changes interleaved, workspace grants, project grants. */
  readonly steps: Array<GrantStep | RemovalStep>;
  readonly notes: Finding[];
  /** Owners after each Owner step (for the owner-limit invariant), starting with the live count. */
  readonly ownerCounts: number[];
}

export function planBindings(ctx: BindingContext, skipProjects: ReadonlySet<string>): BindingPlan {
  const wsName = ctx.desired.metadata.name;
  const authoritative = ctx.desired.spec.bindingManagement === 'authoritative';
  const ws = diffList(wsName, undefined, ctx.desired.bindings, ctx.ws?.bindings ?? [], ctx, authoritative);
  const projectRemovals: RemovalStep[] = [];
  const projectGrants: GrantStep[] = [];
  const notes = [...ws.notes];
  const who = (b: { subjectKind: string; subject: string }) => `${b.subjectKind}:${b.subject}`;
  const heldBack = new Set(ws.grants.filter((g) => g.approval !== 'auto').map((g) => `${g.grant.subject.kind}:${g.grant.subject.name}`));
  // A subject whose every workspace binding is removed (even to be re-granted) loses its project
  // roles on the platform at that moment: its project bindings are replaced, so they come back.
  const removedNames = new Set(ws.removals.map((r) => r.binding.name));
  const liveWsBindings = ctx.ws?.bindings ?? [];
  const leaving = new Set(liveWsBindings.filter((b) => liveWsBindings.filter((x) => who(x) === who(b)).every((x) => removedNames.has(x.name))).map(who));
  const members = new Set(liveWsBindings.map(who).filter((s) => !leaving.has(s)));
  for (const p of ctx.desired.projects) {
    if (skipProjects.has(p.metadata.name)) continue;
    const liveProject = ctx.ws?.projects[p.metadata.name]?.bindings ?? [];
    const diff = diffList(wsName, p.metadata.name, p.bindings, liveProject, ctx, authoritative, (b) => leaving.has(who(b)));
    projectRemovals.push(...diff.removals);
    notes.push(...diff.notes);
    for (const g of diff.grants) {
      const subject = `${g.grant.subject.kind}:${g.grant.subject.name}`;
      // meshStack needs the workspace role first: a project grant waits while that one waits for approval.
      if (heldBack.has(subject) && !members.has(subject)) notes.push(finding('project-grant-waits', { subject: g.grant.subject, role: g.grant.role, project: p.metadata.name, workspace: wsName }, wsName));
      else projectGrants.push(g);
    }
  }
  const ordered = orderOwnerSteps(ws.removals, ws.grants, ctx);
  return {
    steps: [...projectRemovals, ...ws.removals.filter((s) => s.binding.role !== WORKSPACE_OWNER), ...ordered.steps, ...ws.grants.filter((s) => s.grant.role !== WORKSPACE_OWNER), ...projectGrants],
    notes,
    ownerCounts: ordered.counts,
  };
}

/**
 * Owner removals and grants interleaved so the workspace never has more than two Owners nor none on
 * the way: add first while there is room, remove first when full. An expired Owner goes first; a
 * changed expiry removes and re-grants the same Owner together.
 */
function orderOwnerSteps(removals: RemovalStep[], grants: GrantStep[], ctx: BindingContext): { steps: Array<GrantStep | RemovalStep>; counts: number[] } {
  const ownerRemovals = removals.filter((s) => s.binding.role === WORKSPACE_OWNER);
  const ownerGrants = grants.filter((s) => s.grant.role === WORKSPACE_OWNER);
  let owners = (ctx.ws?.bindings ?? []).filter((b) => b.role === WORKSPACE_OWNER && !(b.expiryDate && isExpired(b.expiryDate, ctx.now))).length;
  const counts = [owners];
  const steps: Array<GrantStep | RemovalStep> = [...ownerRemovals.filter((s) => s.reason === 'expired')];
  for (const g of ownerGrants.filter((s) => s.reason === 'replaced')) {
    const r = ownerRemovals.find((x) => x.reason === 'replaced' && x.binding.subject === g.grant.subject.name);
    if (r) steps.push(r, g);
  }
  const removalsLeft = ownerRemovals.filter((s) => s.reason !== 'expired' && !steps.includes(s));
  const grantsLeft = ownerGrants.filter((s) => !steps.includes(s));
  while (removalsLeft.length || grantsLeft.length) {
    if (grantsLeft.length && (owners < MAX_WORKSPACE_OWNERS || removalsLeft.length === 0)) {
      steps.push(grantsLeft.shift()!);
      owners++;
    } else {
      steps.push(removalsLeft.shift()!);
      owners--;
    }
    counts.push(owners);
  }
  return { steps, counts };
}
