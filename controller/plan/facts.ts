/**
 * The facts a plan needs, as data: observe reads exactly these and no more. Two rounds: what the code
 * alone asks for (read at once, in parallel), then what that first read shows the plan needs (the
 * history of expired bindings, whether subjects about to be bound exist, their workspaces' groups, and
 * the members of the groups that manage a workspace where they approve a grant or the plan removes them).
 * A fact not read stays undefined in the LiveState; one the key cannot see is marked unread there
 * (group members: where a 403 or 404 answers, or the key is only a Member of the workspace).
 */
import { managesWorkspace, owningStackOf } from '../../core/rules';
import { keyOf, subjectKey } from '../../core/model';
import type {
  DesiredState,
  ProjectBinding,
  Subject,
  Workspace,
  WorkspaceBinding,
} from '../../schemas/desired-state.generated';
import type { LiveBinding } from '../client/types';
import type { LiveState, LiveWorkspaceState } from '../observe/live-state';
import type { MoreFacts } from '../observe/more';
import type { ObserveOptions } from '../observe/observe';
import { needsExpiryHistory } from './binding-steps';
import type { PlanOptions } from './options';

/** The first read: everything the code alone says the plan will compare. */
export type FirstFacts = Omit<ObserveOptions, 'now' | 'concurrency' | 'onProgress'>;

/** The declared workspaces the plan looks at. */
export function plannedWorkspaces(desired: DesiredState, options: PlanOptions): Workspace[] {
  return desired.workspaces.filter((w) => !options.workspaces || options.workspaces.includes(w.metadata.name));
}

export function firstFacts(desired: DesiredState, options: PlanOptions): FirstFacts {
  const selected = plannedWorkspaces(desired, options);
  const declared = selected.flatMap((w) => [...w.bindings, ...w.projects.flatMap((p) => p.bindings)]);
  return {
    workspaces: selected.map((w) => w.metadata.name),
    // Users are looked up by e-mail to recognise accepted invitations (a binding by e-mail).
    invitedEmails: declared.flatMap((b) => (b.subject.invitation ? [b.subject.invitation.email] : [])),
    // Group members, where a user's project role may rest on a workspace role held through a group.
    groupsOf: selected.filter(projectRoleMayRestOnGroup).map((w) => w.metadata.name),
    projectRoles: selected.some((w) => w.projects.some((p) => p.bindings.length > 0)),
    // A full plan also looks for workspaces this stack owns that its code no longer declares.
    ...(options.workspaces || options.tagDefinitionsOnly ? {} : { ownedBy: desired.metadata.name }),
  };
}

function projectRoleMayRestOnGroup(w: Workspace): boolean {
  const direct = new Set(w.bindings.filter((b) => b.subject.kind === 'User').map((b) => b.subject.name));
  return (
    w.bindings.some((b) => b.subject.kind === 'Group') &&
    w.projects.some((p) => p.bindings.some((b) => b.subject.kind === 'User' && !direct.has(b.subject.name)))
  );
}

/**
 * Whether the members of a group holding Owner or Manager decide something in this plan. Under 4-eyes
 * they approve a user's grant (and decide whether the caller's own approval suffices): where the code
 * may grant a user, a binding not live yet or one with an expiry (a renewal). And where the code removes
 * such a group's binding, the caller may manage the workspace through it (self-lockout).
 */
function managingGroupsDecide(w: Workspace, ws: LiveWorkspaceState, observed: LiveState): boolean {
  const groups = ws.bindings.filter(
    (b) => b.subjectKind === 'Group' && managesWorkspace({ partner: false, roles: [b.role] }),
  );
  const live = (b: { subject: Subject; roleRef: { name: string } }, bindings: readonly LiveBinding[]) =>
    bindings.some((l) => keyOf(l) === subjectKey(b.subject.kind, b.subject.name) && l.role === b.roleRef.name);
  const userGrant = (b: WorkspaceBinding | ProjectBinding, bindings: readonly LiveBinding[]) =>
    b.subject.kind === 'User' && (b.expiryDate !== undefined || !live(b, bindings));
  const grantsUser =
    w.bindings.some((b) => userGrant(b, ws.bindings)) ||
    w.projects.some((p) => p.bindings.some((b) => userGrant(b, ws.projects[p.metadata.name]?.bindings ?? [])));
  const removesGroup =
    w.spec.bindingManagement === 'authoritative' && groups.some((g) => !w.bindings.some((b) => live(b, [g])));
  return groups.length > 0 && ((observed.platform.fourEyes.enabled && grantsUser) || removesGroup);
}

/** Subjects (Kind:name) bound in a live workspace or its projects. */
export const boundIn = (ws: LiveWorkspaceState) =>
  new Set([...ws.bindings, ...Object.values(ws.projects).flatMap((p) => p.bindings)].map((b) => keyOf(b)));

export function moreFacts(selected: readonly Workspace[], observed: LiveState): MoreFacts {
  const users = new Set<string>();
  const groupsOf = new Set<string>();
  for (const w of selected) {
    const ws = observed.workspaces[w.metadata.name];
    const bound = ws ? boundIn(ws) : new Set<string>();
    for (const b of [...w.bindings, ...w.projects.flatMap((p) => p.bindings)]) {
      if (b.subject.invitation || bound.has(subjectKey(b.subject.kind, b.subject.name))) continue;
      if (b.subject.kind === 'User') users.add(b.subject.name);
      // A new workspace has no user groups yet: they come from the identity provider's sync.
      else if (ws && !ws.groupMembers) groupsOf.add(w.metadata.name);
    }
    if (ws && managingGroupsDecide(w, ws, observed)) groupsOf.add(w.metadata.name);
  }
  return {
    expiryHistoryOf: selected
      .filter((w) => needsExpiryHistory(w, observed.workspaces[w.metadata.name], observed))
      .map((w) => w.metadata.name),
    users: [...users],
    groupsOf: [...groupsOf],
  };
}

/** Owned workspaces that have lost their ownership tag: the event log may tell who removed it. */
export function untaggedOwned(desired: DesiredState, options: PlanOptions, observed: LiveState): string[] {
  return plannedWorkspaces(desired, options)
    .filter((w) => w.spec.ownership === 'owned')
    .map((w) => w.metadata.name)
    .filter((w) => Object.hasOwn(observed.workspaces, w) && owningStackOf(observed.workspaces[w].tags) === undefined);
}
