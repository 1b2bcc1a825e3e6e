import { DEFAULT_PROJECT_ROLES, WORKSPACE_MANAGER, WORKSPACE_MEMBER, WORKSPACE_OWNER } from '../core/rules';

/** Role names exactly as meshStack's `roleRef.name` expects them. */
export const WorkspaceRole = {
  /** Full access; manages access; at most two per workspace, users only. */
  OWNER: WORKSPACE_OWNER,
  /** Full access; manages access; cannot assign the Owner role while an Owner exists. */
  MANAGER: WORKSPACE_MANAGER,
  /** Access to project resources; cannot manage access. */
  MEMBER: WORKSPACE_MEMBER,
} as const;

export type WorkspaceRoleName = (typeof WorkspaceRole)[keyof typeof WorkspaceRole];

/** meshStack's default project roles; platforms may define more (any display name is accepted). */
export const ProjectRole = {
  ADMIN: DEFAULT_PROJECT_ROLES[0],
  USER: DEFAULT_PROJECT_ROLES[1],
  READER: DEFAULT_PROJECT_ROLES[2],
} as const;
