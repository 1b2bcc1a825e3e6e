/**
 * meshStack's roles and who may do what with them (the seed pages: meshWorkspaces, Workspace
 * roles). The client side's one copy: synth validation, the plan and the in-memory fake use these.
 */
import { closest, distance } from 'fastest-levenshtein';

export const WORKSPACE_OWNER = 'Workspace Owner';
export const WORKSPACE_MANAGER = 'Workspace Manager';
export const WORKSPACE_MEMBER = 'Workspace Member';
export const WORKSPACE_ROLES: readonly string[] = [WORKSPACE_OWNER, WORKSPACE_MANAGER, WORKSPACE_MEMBER];

/** meshStack's default project roles; a platform may define others (meshProjectRole). */
export const DEFAULT_PROJECT_ROLES = ['Project Admin', 'Project User', 'Project Reader'] as const;

/** A project role the platform has (by display name, as bindings name it); without its list, the defaults. */
export function isProjectRole(role: string, platformRoles: readonly string[] | undefined): boolean {
  return (platformRoles ?? DEFAULT_PROJECT_ROLES).includes(role);
}

/** The known name a typo most likely meant (a few edits away), for "did you mean". */
export function likelyMeant(value: string, known: readonly string[]): string | undefined {
  const best = known.length ? closest(value, [...known]) : undefined;
  return best !== undefined &&
    distance(value.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(value.length / 4))
    ? best
    : undefined;
}

/** "There can be maximum two Workspace Owners in a meshWorkspace." */
export const MAX_WORKSPACE_OWNERS = 2;

/** Who acts: a partner (or admin), or a user with these roles in the workspace (held directly or through a group). */
export interface Actor {
  readonly partner: boolean;
  readonly roles: ReadonlySet<string> | readonly string[];
}

const has = (a: Actor, role: string) =>
  Array.isArray(a.roles) ? a.roles.includes(role) : (a.roles as ReadonlySet<string>).has(role);

/** Owners and Managers manage access and projects; partners may do everything. */
export function managesWorkspace(a: Actor): boolean {
  return a.partner || has(a, WORKSPACE_OWNER) || has(a, WORKSPACE_MANAGER);
}

/** Only an Owner assigns Owner; while the workspace has none, a Manager may. */
export function mayAssignOwner(a: Actor, ownersNow: number): boolean {
  return a.partner || has(a, WORKSPACE_OWNER) || (ownersNow === 0 && has(a, WORKSPACE_MANAGER));
}

/** Managers cannot remove an Owner ("Assign Workspace Owner" is the Owner's column alone). */
export function mayRemoveOwner(a: Actor): boolean {
  return a.partner || has(a, WORKSPACE_OWNER);
}

/** Only an Owner (or partner) deletes a workspace. */
export function mayDeleteWorkspace(a: Actor): boolean {
  return a.partner || has(a, WORKSPACE_OWNER);
}

/** The Owner role is for users only, never for a group. */
export function ownerSubjectAllowed(subjectKind: 'User' | 'Group'): boolean {
  return subjectKind === 'User';
}

/** Whether one more Owner fits. */
export function ownerLimitReached(ownersNow: number): boolean {
  return ownersNow >= MAX_WORKSPACE_OWNERS;
}
