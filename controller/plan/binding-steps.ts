/**
 * Binding diffs for one workspace: which grants to create, which bindings to remove (drift,
 * expired, replaced), and in which order. Make before break: a subject's new binding is granted
 * before its old one is removed, so nobody loses access on the way (nor the caller its own rights);
 * under 4-eyes, the old binding stays until the new one is approved (a later run removes it). Owner
 * steps are interleaved so the workspace never has more than two Owners nor none. Each grant carries
 * its 4-eyes class. Pure: it decides what changes; the rules (./rules) decide whether that is allowed.
 */
import { sha256Hex } from '../../core/canonical-json';
import { isExpired, parseExpiry } from '../../core/expiry';
import {
  type ModelContext,
  type Transition,
  type WorkspaceModel,
  UNKNOWN,
  applyGrant,
  grant as modelGrant,
  isMember,
  keyOf,
  mayBeHeld,
  remove as modelRemove,
  subjectKey,
} from '../../core/model';
import { BINDING_NAME_PREFIX, MAX_WORKSPACE_OWNERS, WORKSPACE_OWNER } from '../../core/rules';
import type { ProjectBinding, Subject, Workspace, WorkspaceBinding } from '../../schemas/desired-state.generated';
import type { Finding, GrantStep, RemovalStep } from '../../schemas/plan.generated';
import type { LiveBinding } from '../client/types';
import type { LiveState, LiveWorkspaceState } from '../observe/live-state';
import { finding } from './findings';
import { shownApprovers } from './simulate';

/**
 * A binding's name, derived from what it binds alone (the expiry included, so a renewal is a binding
 * of its own): a grant asked for again while it waits for approval meets the platform's duplicate-name
 * check, not a second request. Apply falls back to a name of its own only where another binding took
 * this one (names are global, and this one can be guessed); observe matches bindings by content.
 */
export function bindingName(
  workspace: string,
  project: string | undefined,
  subject: Subject,
  role: string,
  expiry?: string,
): string {
  return `${BINDING_NAME_PREFIX}${sha256Hex([workspace, project ?? '', subject.kind, subject.name, role, ...(expiry ? [expiry] : [])]).slice(0, 24)}`;
}

/** Whether meshform made a binding (its names are `bindingName`'s, plus apply's suffix): only those are its leftovers to tidy. */
const madeByMeshform = (name: string) => /^mf-[0-9a-f]{24}(-|$)/.test(name);

export interface BindingContext {
  readonly live: LiveState;
  readonly ws: LiveWorkspaceState | undefined;
  readonly desired: Workspace;
  readonly now: Date;
  /** The observed workspace in the platform model, and the settings and caller it decides with. */
  readonly model: WorkspaceModel;
  readonly modelContext: ModelContext;
}

type Desired = (WorkspaceBinding | ProjectBinding) & { project?: string };

/** Whether a live binding is the one a desired binding describes (an accepted invitation is bound to the username). */
export function sameSubject(
  live: Pick<LiveBinding, 'subjectKind' | 'subject'>,
  s: Subject,
  usersByEmail: Record<string, string>,
): boolean {
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

const liveSubject = (b: LiveBinding): Subject => ({ kind: b.subjectKind, name: b.subject });
const whoGrant = (g: GrantStep) => subjectKey(g.grant.subject.kind, g.grant.subject.name);

function removal(ws: string, b: LiveBinding, reason: RemovalStep['reason']): RemovalStep {
  return {
    id: `${ws}:${b.project ? 'project' : 'workspace'}-binding:${b.name}:delete`,
    kind: b.project ? 'project-binding' : 'workspace-binding',
    action: 'delete',
    workspace: ws,
    ...(b.project ? { project: b.project } : {}),
    reason,
    binding: {
      name: b.name,
      subjectKind: b.subjectKind,
      subject: b.subject,
      role: b.role,
      ...(b.expiryDate ? { expiryDate: b.expiryDate } : {}),
    },
  };
}

/** The subject to grant to: an invitation whose e-mail already belongs to a user is that user, never a new invitation. */
function grantee(s: Subject, usersByEmail: Record<string, string>): Subject {
  const username = s.invitation ? usersByEmail[s.invitation.email] : undefined;
  return username ? { kind: 'User', name: username } : s;
}

function grant(ws: string, desiredBinding: Desired, reason: GrantStep['reason'], ctx: BindingContext): GrantStep {
  const d = { ...desiredBinding, subject: grantee(desiredBinding.subject, ctx.live.usersByEmail) };
  const project = d.project;
  const name = bindingName(
    ws,
    project,
    d.subject,
    d.roleRef.name,
    expiryKey(d.expiryDate, project !== undefined, ctx.live) ?? d.expiryDate,
  );
  const step: Omit<GrantStep, 'approval'> = {
    id: `${ws}:${project ? 'project' : 'workspace'}-binding:${name}:create`,
    kind: project ? 'project-binding' : 'workspace-binding',
    action: 'create',
    workspace: ws,
    ...(project ? { project } : {}),
    reason,
    grant: {
      name,
      subject: d.subject.invitation
        ? { kind: d.subject.kind, name: d.subject.name, invitation: { ...d.subject.invitation } }
        : { kind: d.subject.kind, name: d.subject.name },
      role: d.roleRef.name,
      ...(d.expiryDate ? { expiryDate: d.expiryDate } : {}),
      ...(d.reason ? { reason: d.reason } : {}),
    },
  };
  return { ...step, ...predictedApproval(step, ctx) };
}

/**
 * The 4-eyes class of a grant, as the platform model decides it on the observed workspace, or on the
 * workspace as the grants before it left it (the plan's dry run, ./simulate, has the last word once
 * the steps are ordered). It is the caller's: which steps the plan takes never rests on it (see
 * mayBeHeld), so they are the same whoever applies.
 */
function predictedApproval(
  g: Pick<GrantStep, 'project' | 'grant'>,
  ctx: BindingContext,
  model: WorkspaceModel = ctx.model,
): Pick<GrantStep, 'approval' | 'approvers'> {
  const { subject, role, expiryDate } = g.grant;
  const pending = ctx.ws?.pendingRequests.find(
    (r) => r.project === g.project && r.subjectKind === subject.kind && r.subject === subject.name && r.role === role,
  );
  if (pending) return { approval: 'already-pending', approvers: [] };
  const t = modelGrant(model, ctx.modelContext, {
    name: '',
    ...(g.project !== undefined ? { project: g.project } : {}),
    subjectKind: subject.kind,
    subject: subject.name,
    role,
    // With its expiry: a renewal is a grant of its own, not the live binding again.
    ...(expiryDate !== undefined ? { expiryDate } : {}),
    ...(subject.invitation ? { invitation: true } : {}),
  });
  if (t.outcome.class !== 'needs-approval') return { approval: 'auto' };
  return { approval: 'needs-approval', approvers: shownApprovers(t.outcome.approvers) };
}

/**
 * The workspace grants' 4-eyes classes in the order they run: a Workspace Manager granted at once
 * is an approver of the grants after it, so those may wait where the observed workspace alone says not.
 */
function inRunOrder(ctx: BindingContext, grants: readonly GrantStep[]): GrantStep[] {
  const isOwner = (g: GrantStep) => g.grant.role === WORKSPACE_OWNER;
  let m = ctx.model;
  const redone = new Map<GrantStep, GrantStep>();
  for (const g of [...grants.filter((x) => !isOwner(x)), ...grants.filter(isOwner)]) {
    const { approvers: _old, ...step } = g;
    const again = { ...step, ...predictedApproval(g, ctx, m) };
    redone.set(g, again);
    if (again.approval === 'auto') m = throughModel(ctx, again, m).state;
  }
  return grants.map((g) => redone.get(g)!);
}

/** Whether the platform may put an expiry on the role itself: where its settings are unknown, any role may be recertified. */
function mayBeRecertified(role: string, live: LiveState): boolean {
  return live.platform.recertification === undefined || Object.hasOwn(live.platform.recertification, role);
}

const missingLive = (d: WorkspaceBinding, ws: LiveWorkspaceState | undefined, usersByEmail: Record<string, string>) =>
  !(ws?.bindings ?? []).some((l) => l.role === d.roleRef.name && sameSubject(l, d.subject, usersByEmail));

/** The latest expiry of the subject's role the platform's history shows, if it has one. */
function lastExpiry(d: Desired, ctx: BindingContext) {
  if (!mayBeRecertified(d.roleRef.name, ctx.live)) return undefined;
  const matches = (ctx.ws?.expiredBindings ?? []).filter(
    (e) => e.project === undefined && e.role === d.roleRef.name && sameSubject(e, d.subject, ctx.live.usersByEmail),
  );
  return matches.sort((a, b) => (a.at < b.at ? 1 : -1))[0];
}

/** The latest removal by someone (not an expiry) of a missing declared binding, if the event log shows one after its last expiry. */
function lastRemovalByHand(d: Desired, project: string | undefined, ctx: BindingContext) {
  const same = (e: { project?: string; role: string; subjectKind: 'User' | 'Group'; subject: string }) =>
    e.project === project && e.role === d.roleRef.name && sameSubject(e, d.subject, ctx.live.usersByEmail);
  const latest = <T extends { at: string }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.at < b.at ? 1 : -1))[0];
  const removal = latest((ctx.ws?.removedBindings ?? []).filter(same));
  const expiry = latest((ctx.ws?.expiredBindings ?? []).filter(same));
  return removal && (!expiry || expiry.at < removal.at) ? removal : undefined;
}

function recertificationDue(d: Desired, expiry: string, ctx: BindingContext): Finding {
  const max = ctx.live.platform.recertification?.[d.roleRef.name];
  return finding(
    'recertification-due',
    { subject: d.subject, role: d.roleRef.name, expiry, ...(max !== undefined ? { max } : {}) },
    ctx.desired.metadata.name,
  );
}

/**
 * Whether the plan of this workspace needs the platform's history: a binding declared without
 * expiry, of a role the platform may recertify, is missing (expired, or never granted?).
 */
export function needsExpiryHistory(desired: Workspace, ws: LiveWorkspaceState | undefined, live: LiveState): boolean {
  if (!ws) return false;
  return desired.bindings.some(
    (d) =>
      d.expiryDate === undefined && mayBeRecertified(d.roleRef.name, live) && missingLive(d, ws, live.usersByEmail),
  );
}

interface ListDiff {
  readonly removals: RemovalStep[];
  readonly grants: GrantStep[];
  readonly notes: Finding[];
  /** Subjects (kind:name) with a declared binding not granted because its expiry passed (recertification due). */
  readonly lapsed: Map<string, string>;
}

/** Diff of one binding list (a workspace's or a project's). */
function diffList(
  wsName: string,
  project: string | undefined,
  desired: Desired[],
  live: LiveBinding[],
  ctx: BindingContext,
  authoritative: boolean,
): ListDiff {
  const removals: RemovalStep[] = [];
  const grants: GrantStep[] = [];
  const notes: Finding[] = [];
  const lapsed = new Map<string, string>();
  const matched = new Set<LiveBinding>();
  const recert = ctx.live.platform.recertification ?? {};
  const isProject = project !== undefined;
  // Where the platform assigns an expiry itself (recertification), a missing desired expiry is not a
  // change. meshStack's API does not show its recertification settings: unless the platform tells
  // (a sandbox extension), any live expiry may be one it assigned.
  const recertKnown = ctx.live.platform.recertification !== undefined;
  const fits = (d: Desired, l: LiveBinding) => {
    if (d.expiryDate === undefined && (!recertKnown || Object.hasOwn(recert, d.roleRef.name))) return true;
    const want = expiryKey(d.expiryDate, isProject, ctx.live);
    const have = expiryKey(l.expiryDate, isProject, ctx.live);
    return want === have || (isProject && want === undefined && have === undefined);
  };
  const declared = (l: LiveBinding) =>
    desired.some((d) => d.roleRef.name === l.role && sameSubject(l, d.subject, ctx.live.usersByEmail));
  for (const d of desired) {
    const candidates = live.filter(
      (l) => !matched.has(l) && l.role === d.roleRef.name && sameSubject(l, d.subject, ctx.live.usersByEmail),
    );
    // After a renewal the old and the new binding are both live for a while: take the one that fits.
    const existing = candidates.find((l) => fits(d, l)) ?? candidates[0];
    if (existing) matched.add(existing);
    if (d.expiryDate && isExpired(d.expiryDate, ctx.now)) {
      if (existing) removals.push(removal(wsName, existing, 'expired'));
      else {
        const due = !isProject && mayBeRecertified(d.roleRef.name, ctx.live);
        notes.push(
          due
            ? recertificationDue(d, d.expiryDate, ctx)
            : finding(
                'expired-not-granted',
                { subject: d.subject, role: d.roleRef.name, ...(project ? { project } : {}), expiry: d.expiryDate },
                wsName,
              ),
        );
        if (!isProject) lapsed.set(subjectKey(d.subject.kind, d.subject.name), d.expiryDate);
      }
      continue;
    }
    // Declared without expiry, the platform assigned one, and it passed: granting again would skip the recertification.
    const lapsedAt = !existing && !isProject && d.expiryDate === undefined ? lastExpiry(d, ctx) : undefined;
    if (lapsedAt) {
      const expiry = lapsedAt.expiryDate ?? lapsedAt.at.slice(0, 10);
      notes.push(recertificationDue(d, expiry, ctx));
      lapsed.set(subjectKey(d.subject.kind, d.subject.name), expiry);
      continue;
    }
    if (!existing) {
      grants.push(grant(wsName, { ...d, project }, 'missing', ctx));
      const removed = lastRemovalByHand(d, project, ctx);
      if (removed)
        notes.push(
          finding(
            'removed-on-platform',
            {
              subject: d.subject,
              role: d.roleRef.name,
              ...(project ? { project } : {}),
              at: removed.at,
              by: removed.by,
            },
            wsName,
          ),
        );
    } else if (!fits(d, existing)) {
      const old = removal(wsName, existing, 'replaced');
      removals.push(old);
      grants.push({ ...grant(wsName, { ...d, project }, 'replaced', ctx), replaces: old.binding });
    }
  }
  for (const l of live.filter((x) => !matched.has(x))) {
    if (l.expiryDate && isExpired(l.expiryDate, ctx.now)) removals.push(removal(wsName, l, 'expired'));
    // A second binding of a declared role goes where the code is authoritative, and where it is what
    // meshform's own renewal left behind; another one, in an additive workspace, is someone else's to keep.
    else if (declared(l) && (authoritative || madeByMeshform(l.name))) removals.push(removal(wsName, l, 'replaced'));
    else if (authoritative) removals.push(removal(wsName, l, 'drift'));
    else
      notes.push(
        finding(
          'additive-kept',
          {
            subject: liveSubject(l),
            role: l.role,
            ...(project ? { project } : {}),
            ...(l.expiryDate ? { expiry: l.expiryDate } : {}),
          },
          wsName,
        ),
      );
  }
  return { removals, grants, notes, lapsed };
}

export interface BindingPlan {
  /** Ordered: workspace grants, Owner changes, project grants, project removals, workspace removals. */
  readonly steps: Array<GrantStep | RemovalStep>;
  readonly notes: Finding[];
}

export function planBindings(ctx: BindingContext, skipProjects: ReadonlySet<string>): BindingPlan {
  const wsName = ctx.desired.metadata.name;
  const authoritative = ctx.desired.spec.bindingManagement === 'authoritative';
  const diff = diffList(wsName, undefined, ctx.desired.bindings, ctx.ws?.bindings ?? [], ctx, authoritative);
  const ws = { ...diff, grants: inRunOrder(ctx, diff.grants) };
  const notes = [...ws.notes];
  // Under 4-eyes a new binding may wait (for some key that may apply it): the subject keeps what it has
  // until the new one is live. Judged on the observed workspace and on it with every grant of the plan
  // made (a Manager granted on the way approves the grants after it). It rests on the subject's kind
  // only, so it is worked out once per kind, and the second model is built only under 4-eyes.
  type Kind = GrantStep['grant']['subject']['kind'];
  const settings = ctx.modelContext.settings;
  const mayWait = new Map<Kind, boolean>();
  let withAllGrants: WorkspaceModel | undefined;
  const mayWaitFor = (kind: Kind): boolean => {
    let answer = mayWait.get(kind);
    if (answer === undefined) {
      answer =
        mayBeHeld(ctx.model, settings, kind) ||
        (settings.fourEyes.enabled &&
          mayBeHeld(
            (withAllGrants ??= ws.grants.reduce((m, g) => throughModel(ctx, g, m).state, ctx.model)),
            settings,
            kind,
          ));
      mayWait.set(kind, answer);
    }
    return answer;
  };
  const held = (g: GrantStep) => g.approval === 'already-pending' || mayWaitFor(g.grant.subject.kind);
  const waiting = new Set(ws.grants.filter(held).map(whoGrant));
  const kept = ws.removals.filter((r) => r.reason !== 'expired' && waiting.has(keyOf(r.binding)));
  for (const r of kept)
    notes.push(
      finding(
        'kept-until-approved',
        {
          subject: { kind: r.binding.subjectKind, name: r.binding.subject },
          role: r.binding.role,
          ...(r.binding.expiryDate ? { expiry: r.binding.expiryDate } : {}),
        },
        wsName,
      ),
    );
  const wsRemovals = ws.removals.filter((r) => !kept.includes(r));
  // Who is a workspace member once the plan has run: the model after its removals and the grants that take effect now.
  const afterWorkspaceSteps = [...wsRemovals, ...ws.grants.filter((g) => !held(g))].reduce(
    (m, s) => throughModel(ctx, s, m).state,
    ctx.model,
  );
  const isOwner = (role: string) => role === WORKSPACE_OWNER;
  const ordered = orderOwnerSteps(
    wsRemovals.filter((r) => isOwner(r.binding.role)),
    ws.grants.filter((g) => isOwner(g.grant.role)),
    ctx,
    held,
  );
  notes.push(...ordered.notes);
  const takenOnTheWay = cascadedBefore(
    ctx,
    [...ws.grants.filter((g) => !isOwner(g.grant.role)), ...ordered.steps],
    held,
  );
  const member = (g: GrantStep) => isMember(afterWorkspaceSteps, g.grant.subject.kind, g.grant.subject.name) === true;
  const projectRemovals: RemovalStep[] = [];
  const projectGrants: GrantStep[] = [];
  for (const p of ctx.desired.projects) {
    if (skipProjects.has(p.metadata.name)) continue;
    const diff = diffList(
      wsName,
      p.metadata.name,
      p.bindings,
      (ctx.ws?.projects[p.metadata.name]?.bindings ?? []).filter((b) => !takenOnTheWay.has(b.name)),
      ctx,
      authoritative,
    );
    projectRemovals.push(...diff.removals);
    notes.push(...diff.notes);
    for (const g of diff.grants) {
      // meshStack needs the workspace role first: a project grant waits while that one waits for approval.
      const who = whoGrant(g);
      if (waiting.has(who) && !member(g))
        notes.push(
          finding(
            'project-grant-waits',
            { subject: g.grant.subject, role: g.grant.role, project: p.metadata.name, workspace: wsName },
            wsName,
          ),
        );
      // The workspace role lapsed and the code still declares the project role: a note, not an apply that fails every time.
      else if (ws.lapsed.has(who) && !member(g))
        notes.push(
          finding(
            'project-role-lapsed',
            { subject: g.grant.subject, role: g.grant.role, project: p.metadata.name, expiry: ws.lapsed.get(who)! },
            wsName,
          ),
        );
      else projectGrants.push(g);
    }
  }
  return {
    steps: [
      ...ws.grants.filter((g) => !isOwner(g.grant.role)),
      ...ordered.steps,
      ...projectGrants,
      ...projectRemovals,
      ...wsRemovals.filter((r) => !isOwner(r.binding.role)),
    ],
    notes,
  };
}

/** A workspace step through the model: a removal (whoever makes it), or a grant that takes effect now. */
function throughModel(ctx: BindingContext, s: GrantStep | RemovalStep, m: WorkspaceModel): Transition {
  if (s.action === 'delete') return modelRemove(m, { ...ctx.modelContext, actor: UNKNOWN }, s.binding.name);
  return applyGrant(m, ctx.modelContext, {
    name: s.grant.name,
    subjectKind: s.grant.subject.kind,
    subject: s.grant.subject.name,
    role: s.grant.role,
  });
}

/**
 * The project bindings the platform takes away while these workspace steps run, in their order: a
 * subject whose last workspace role goes before its new one comes (an Owner renewed among two Owners)
 * loses its project roles on the way, so the project steps grant them again.
 */
function cascadedBefore(
  ctx: BindingContext,
  steps: ReadonlyArray<GrantStep | RemovalStep>,
  held: (g: GrantStep) => boolean,
): Set<string> {
  const taken = new Set<string>();
  let m = ctx.model;
  for (const s of steps) {
    if (s.action === 'create' && held(s)) continue;
    const t = throughModel(ctx, s, m);
    for (const c of t.changes)
      if (c.kind === 'binding-removed' && c.reason === 'removed from workspace') taken.add(c.binding.name);
    m = t.state;
  }
  return taken;
}

/**
 * Owner removals and grants interleaved so the workspace never has more than two Owners nor none on
 * the way: add first while there is room, remove first when full. An Owner's renewal (the same user,
 * a new expiry) grants first: the number of Owners does not change, and the user never loses the
 * role, unless two Owners already exist, where the old binding goes first (on a platform that counts
 * bindings, not users, the new one would not fit), and the plan says so.
 */
function orderOwnerSteps(
  removals: RemovalStep[],
  grants: GrantStep[],
  ctx: BindingContext,
  held: (g: GrantStep) => boolean,
): { steps: Array<GrantStep | RemovalStep>; notes: Finding[] } {
  const live = (ctx.ws?.bindings ?? []).filter(
    (b) => b.role === WORKSPACE_OWNER && !(b.expiryDate && isExpired(b.expiryDate, ctx.now)),
  );
  const holders = new Map<string, Set<string>>();
  for (const b of live) holders.set(b.subject, new Set([...(holders.get(b.subject) ?? []), b.name]));
  const count = () => [...holders.values()].filter((s) => s.size > 0).length;
  const steps: Array<GrantStep | RemovalStep> = [];
  const notes: Finding[] = [];
  const run = (s: GrantStep | RemovalStep) => {
    steps.push(s);
    if (s.action === 'create')
      holders.set(s.grant.subject.name, new Set([...(holders.get(s.grant.subject.name) ?? []), s.grant.name]));
    else holders.get(s.binding.subject)?.delete(s.binding.name);
  };
  // Expired Owners are gone for the limit's sake already: remove them first.
  removals.filter((r) => r.reason === 'expired').forEach(run);
  const removalsLeft = removals.filter((r) => r.reason !== 'expired');
  const grantsLeft = [...grants];
  // Renewals: the same user's new Owner binding, then the old one.
  for (const g of grants.filter(
    (x) => holders.has(x.grant.subject.name) && (holders.get(x.grant.subject.name)?.size ?? 0) > 0,
  )) {
    const old = removalsLeft.filter((r) => r.binding.subject === g.grant.subject.name);
    if (count() >= MAX_WORKSPACE_OWNERS && !held(g)) {
      notes.push(
        finding(
          'owner-renewal-order',
          { workspace: ctx.desired.metadata.name, owner: g.grant.subject.name },
          ctx.desired.metadata.name,
        ),
      );
      old.forEach(run);
      run(g);
    } else {
      run(g);
      old.forEach(run);
    }
    grantsLeft.splice(grantsLeft.indexOf(g), 1);
    for (const r of old) removalsLeft.splice(removalsLeft.indexOf(r), 1);
  }
  while (removalsLeft.length || grantsLeft.length) {
    if (grantsLeft.length && (count() < MAX_WORKSPACE_OWNERS || removalsLeft.length === 0)) run(grantsLeft.shift()!);
    else run(removalsLeft.shift()!);
  }
  return { steps, notes };
}
