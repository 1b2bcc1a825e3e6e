/**
 * Who holds what in a workspace: the one definition of membership, roles, Owners and approvers the
 * plan and the fake share. A user holds a workspace role directly or through a user group bound to it
 * (seed: User Groups); where a group's members are unknown, so is what its members hold.
 */
import { isExpired } from '../expiry';
import { WORKSPACE_MANAGER, WORKSPACE_OWNER } from '../rules';
import { UNKNOWN, type Known, type ModelBinding, type WorkspaceModel, isKnown } from './state';
import { type SubjectKind, keyOf } from './subjects';

const managing = (role: string) => role === WORKSPACE_OWNER || role === WORKSPACE_MANAGER;

/** The workspace bindings in effect at `now` (the platform removes expired ones). */
export function workspaceBindings(ws: WorkspaceModel, now?: Date): ModelBinding[] {
  return ws.bindings.filter(
    (b) => b.project === undefined && !(now && b.expiryDate !== undefined && isExpired(b.expiryDate, now)),
  );
}

/** A group's members; UNKNOWN where they were not read (a group the workspace does not have has none). */
export function membersOf(ws: WorkspaceModel, group: string): Known<readonly string[]> {
  if (!isKnown(ws.groupMembers)) return UNKNOWN;
  return Object.hasOwn(ws.groupMembers, group) ? ws.groupMembers[group] : [];
}

/** The user groups bound in the workspace whose members the model does not know: what a decision on them rests on. */
export function unreadGroups(ws: WorkspaceModel): string[] {
  const groups = workspaceBindings(ws).filter((b) => b.subjectKind === 'Group');
  return [...new Set(groups.map((b) => b.subject).filter((g) => !isKnown(membersOf(ws, g))))].sort();
}

/** A user's workspace roles, held directly or through a group; `unknown` is true where a group's members were not read. */
export function rolesOf(ws: WorkspaceModel, username: string): { roles: Set<string>; unknown: boolean } {
  const roles = new Set<string>();
  let unknown = false;
  for (const b of workspaceBindings(ws)) {
    if (b.subjectKind === 'User') {
      if (b.subject === username) roles.add(b.role);
      continue;
    }
    const members = membersOf(ws, b.subject);
    if (!isKnown(members)) unknown = true;
    else if (members.includes(username)) roles.add(b.role);
  }
  return { roles, unknown };
}

/**
 * Whether a subject is a member of the workspace (needed before a project role, meshStack's API): a
 * workspace binding of its own, or, for a user, one through a group. UNKNOWN where only an unread
 * group could make it one.
 */
export function isMember(ws: WorkspaceModel, subjectKind: SubjectKind, subject: string): Known<boolean> {
  const key = keyOf({ subjectKind, subject });
  if (workspaceBindings(ws).some((b) => keyOf(b) === key)) return true;
  if (subjectKind === 'Group') return false;
  const { roles, unknown } = rolesOf(ws, subject);
  return roles.size > 0 ? true : unknown ? UNKNOWN : false;
}

/** Distinct users holding Owner: a second binding of the same Owner (a renewal) is no second Owner. */
export function ownerCount(ws: WorkspaceModel): number {
  return new Set(
    workspaceBindings(ws)
      .filter((b) => b.role === WORKSPACE_OWNER)
      .map((b) => b.subject),
  ).size;
}

/**
 * Who approves 4-eyes requests: the workspace's Owners and Managers, bound directly or through a
 * group (the sandbox and meshStack count group members). UNKNOWN where a managing group was not read.
 */
export function approvers(ws: WorkspaceModel): Known<string[]> {
  const out = new Set<string>();
  for (const b of workspaceBindings(ws)) {
    if (!managing(b.role)) continue;
    if (b.subjectKind === 'User') out.add(b.subject);
    else {
      const members = membersOf(ws, b.subject);
      if (!isKnown(members)) return UNKNOWN;
      members.forEach((m) => out.add(m));
    }
  }
  return [...out].sort();
}

/** The directly bound Owners and Managers: the approvers the model knows even where a group's members are unknown. */
export function directApprovers(ws: WorkspaceModel): string[] {
  return [
    ...new Set(
      workspaceBindings(ws)
        .filter((b) => b.subjectKind === 'User' && managing(b.role))
        .map((b) => b.subject),
    ),
  ].sort();
}
