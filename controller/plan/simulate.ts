/**
 * The plan as a dry run: a workspace's candidate steps, in their order, run through the platform
 * model (core/model) seeded from the observed state. What the plan shows about the platform's
 * answer is read off the simulation: each grant's approval class and approvers, the Owners after
 * every step, the refusals (with the platform's rule) and what a step waits for. Pure.
 */
import {
  type Actor,
  type Known,
  type ModelBinding,
  type ModelContext,
  type Transition,
  type WorkspaceModel,
  UNKNOWN,
  isKnown,
  modelRequest,
  type Tags,
  createProject,
  createWorkspace,
  deleteProject,
  deleteWorkspace,
  expire,
  grant,
  ownerCount,
  remove,
  setQuota,
  setStatus,
  unreadGroups,
  updateProject,
  updateWorkspace,
} from '../../core/model';
import { WORKSPACE_OWNER } from '../../core/rules';
import type { Finding, GrantStep, Step } from '../../schemas/plan.generated';
import { type LiveState, type LiveWorkspaceState, dictionary } from '../observe/live-state';
import { finding } from './findings';
import { isGrant, isRemoval } from './steps';

/** The observed workspace as the model holds it; an absent one is empty (`deleted`: the platform shows a deleted one of that name). */
export function workspaceModel(name: string, ws: LiveWorkspaceState | undefined, deleted = false): WorkspaceModel {
  // A workspace not created yet: its user groups (synced from the identity provider) and its quota are not known.
  if (!ws)
    return {
      name,
      exists: deleted ? 'deleted' : 'absent',
      tags: {},
      quota: UNKNOWN,
      state: UNKNOWN,
      bindings: [],
      projects: [],
      requests: [],
      groupMembers: UNKNOWN,
    };
  return {
    name,
    exists: 'live',
    tags: ws.tags,
    quota: ws.status ? ws.status.projectQuota : UNKNOWN,
    state: ws.status ? { status: ws.status.status, approval: ws.status.approval } : UNKNOWN,
    bindings: [
      ...ws.bindings.map(modelBinding),
      ...Object.values(ws.projects).flatMap((p) => p.bindings.map(modelBinding)),
    ],
    projects: [
      ...Object.values(ws.projects).map((p) => ({ name: p.name, state: 'active' as const, tags: p.tags })),
      // A project being deleted is listed by name only: its tags are not written again.
      ...ws.deletingProjects.map((p) => ({ name: p, state: 'deleting' as const, tags: {} })),
    ],
    requests: ws.pendingRequests.map(modelRequest),
    groupMembers: groupMembersOf(ws),
  };
}

/** The groups' members as read: none where the key could not read them, and none of a bound group it did not see. */
function groupMembersOf(ws: LiveWorkspaceState): WorkspaceModel['groupMembers'] {
  const read = ws.groupMembers;
  if (!read || ws.unread?.includes('group-members')) return UNKNOWN;
  const unseen = ws.bindings.filter((b) => b.subjectKind === 'Group' && !Object.hasOwn(read, b.subject));
  return unseen.length
    ? dictionary<Known<readonly string[]>>([
        ...Object.entries(read),
        ...unseen.map((b) => [b.subject, UNKNOWN] as const),
      ])
    : read;
}

function modelBinding(b: LiveWorkspaceState['bindings'][number]): ModelBinding {
  return {
    name: b.name,
    ...(b.project !== undefined ? { project: b.project } : {}),
    subjectKind: b.subjectKind,
    subject: b.subject,
    role: b.role,
    ...(b.expiryDate !== undefined ? { expiryDate: b.expiryDate } : {}),
  };
}

/**
 * The platform's settings and the caller as the model sees them. Recertification: the platform's
 * where it shows it, else the code's RolePolicy (the known maximum). The caller's roles through
 * groups come from whoami where the groups were not read; a new workspace is the caller's own.
 */
export function modelContext(
  live: LiveState,
  name: string,
  ws: LiveWorkspaceState | undefined,
  now: Date,
  recertification: Record<string, number>,
): ModelContext {
  const caller = live.caller;
  const actor: Actor | typeof UNKNOWN = caller
    ? {
        username: caller.username,
        partner: caller.partner,
        groupRoles: ws ? (caller.workspaces[name] ?? []) : [WORKSPACE_OWNER],
      }
    : UNKNOWN;
  return {
    now,
    actor,
    settings: {
      fourEyes: live.platform.fourEyes,
      recertification,
      restrictCustomerAdminRoleAssignment: live.platform.restrictCustomerAdminRoleAssignment ?? UNKNOWN,
      projectRoles: live.projectRoles ?? UNKNOWN,
      users: UNKNOWN,
      tagDefinitions: live.tagDefinitions,
    },
  };
}

export interface Simulation {
  /** The steps with what the model predicts: grants' approval class and approvers, a deletion's wait. */
  readonly steps: Step[];
  /** Distinct Owners before the first step and after each step. */
  readonly ownerCounts: number[];
  /** The platform's refusals (first per rule and parameters) and what the model did not know. */
  readonly findings: Finding[];
}

const toRequest = (s: GrantStep) => ({
  name: s.grant.name,
  ...(s.project !== undefined ? { project: s.project } : {}),
  subjectKind: s.grant.subject.kind,
  subject: s.grant.subject.name,
  role: s.grant.role,
  ...(s.grant.expiryDate !== undefined ? { expiryDate: s.grant.expiryDate } : {}),
  ...(s.grant.subject.invitation ? { invitation: true } : {}),
});

/** An update step names only the tags it changes ([] removes one): the object's tags after it. */
const tagsAfter = (before: Tags, changed: Tags): Tags => ({ ...before, ...changed });

/** One step through the model; undefined for steps the model has nothing to say about. */
function run(state: WorkspaceModel, ctx: ModelContext, s: Step): Transition | undefined {
  if (isGrant(s)) return s.approval === 'already-pending' ? undefined : grant(state, ctx, toRequest(s));
  if (isRemoval(s)) return remove(state, ctx, s.binding.name);
  switch (s.kind) {
    case 'workspace':
      if (s.action === 'create') return createWorkspace(state, ctx, s.tags);
      if (s.action === 'update') return updateWorkspace(state, ctx, tagsAfter(state.tags, s.after.tags));
      return deleteWorkspace(state, ctx);
    case 'project': {
      if (s.action === 'create') return createProject(state, ctx, s.project, s.tags);
      if (s.action === 'delete') return deleteProject(state, ctx, s.project);
      const before = state.projects.find((p) => p.name === s.project)?.tags ?? {};
      return updateProject(state, ctx, s.project, tagsAfter(before, s.after.tags));
    }
    case 'workspace-quota':
      return setQuota(state, ctx, s.after);
    case 'workspace-status':
      return setStatus(state, ctx, s.after);
    default:
      return undefined;
  }
}

/**
 * A grant's approvers as the plan shows them (its JSON and text): the known ones, then "a partner",
 * who always may; an unknown set shows only the partner (a `decision-unknown` warning says why).
 */
export function shownApprovers(approvers: Known<readonly string[]>): string[] {
  return [...(isKnown(approvers) ? approvers : []), 'a partner'];
}

/** The prediction written into the step itself. */
function predicted(s: Step, t: Transition | undefined): Step {
  if (!t) return s;
  if (isGrant(s) && t.outcome.class === 'needs-approval') {
    return { ...s, approval: 'needs-approval', approvers: shownApprovers(t.outcome.approvers) };
  }
  if (isGrant(s) && t.outcome.class === 'applied') {
    const { approvers: _none, ...rest } = s;
    return { ...rest, approval: 'auto' };
  }
  if (s.kind === 'workspace' && s.action === 'delete' && t.outcome.class === 'waits')
    return { ...s, waitsFor: [...t.outcome.for] };
  return s;
}

export function simulate(initial: WorkspaceModel, ctx: ModelContext, steps: readonly Step[]): Simulation {
  // The platform's sweep first: what expired is gone before any step runs.
  let state = expire(initial, ctx.now).state;
  const ownerCounts = [ownerCount(state)];
  const findings = new Map<string, Finding>();
  const add = (f: Finding) => findings.set(JSON.stringify([f.rule, f.params]), f);
  const out: Step[] = [];
  for (const s of steps) {
    const t = run(state, ctx, s);
    out.push(predicted(s, t));
    if (t?.outcome.class === 'refused') add(finding(t.outcome.refusal.rule, t.outcome.refusal.params, initial.name));
    for (const unknown of new Set(t?.unknowns ?? [])) {
      const where = { workspace: initial.name, step: s.id };
      add(
        unknown === 'group-members'
          ? finding('group-members-unread', { ...where, groups: unreadGroups(state) }, initial.name)
          : finding('decision-unknown', { ...where, unknown }, initial.name),
      );
    }
    if (t) state = t.state;
    ownerCounts.push(ownerCount(state));
  }
  return { steps: out, ownerCounts, findings: [...findings.values()] };
}
