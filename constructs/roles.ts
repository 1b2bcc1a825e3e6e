/** Role names exactly as meshStack's `roleRef.name` expects them. */
export const WorkspaceRole = {
  /** Full access; manages access; at most two per workspace, users only. */
  OWNER: 'Workspace Owner',
  /** Full access; manages access; cannot assign the Owner role while an Owner exists. */
  MANAGER: 'Workspace Manager',
  /** Access to project resources; cannot manage access. */
  MEMBER: 'Workspace Member',
} as const;

export type WorkspaceRoleName = (typeof WorkspaceRole)[keyof typeof WorkspaceRole];

/** meshStack's default project roles; platforms may define more (any display name is accepted). */
export const ProjectRole = {
  ADMIN: 'Project Admin',
  USER: 'Project User',
  READER: 'Project Reader',
} as const;
