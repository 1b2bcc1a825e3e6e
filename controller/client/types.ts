/**
 * What meshform reads from and writes to a platform, normalized from the meshObject API's JSON:
 * only the fields meshform owns or needs, so plans compare like with like.
 */
export type SubjectKind = 'User' | 'Group';

export interface LiveWorkspace {
  readonly name: string;
  readonly displayName: string;
  readonly tags: Record<string, string[]>;
  readonly deleted: boolean;
}

/** meshStack's project deletion states: deletion is asynchronous (the tenants go first). */
export type ProjectState = 'ACTIVE' | 'PENDING_DELETION' | 'DELETED';

export interface LiveProject {
  readonly workspace: string;
  readonly name: string;
  readonly displayName: string;
  readonly tags: Record<string, string[]>;
  /** @default 'ACTIVE' */
  readonly state?: ProjectState;
}

/** What meshform writes of a workspace or project; a PUT carries everything else over from the object as read. */
export interface AttributeChange {
  readonly displayName: string;
  /** The tags meshform manages: a key with values sets it, a key with `[]` removes it; other keys are left alone. */
  readonly tags: Record<string, string[]>;
}

/** A workspace or project role binding. `project` is set for project bindings. */
export interface LiveBinding {
  readonly name: string;
  readonly workspace: string;
  readonly project?: string;
  readonly subjectKind: SubjectKind;
  readonly subject: string;
  readonly role: string;
  /** YYYY-MM-DD, or a date-time where the platform keeps one. */
  readonly expiryDate?: string;
}

/** A binding the platform removed because its expiry passed, as its history shows. */
export interface ExpiredBinding {
  readonly project?: string;
  readonly subjectKind: SubjectKind;
  readonly subject: string;
  readonly role: string;
  /** When the platform removed it. */
  readonly at: string;
  readonly expiryDate?: string;
}

/** A binding removed by someone (a person, an API key), not by its expiry, as the platform's event log shows. */
export interface RemovedBinding {
  readonly project?: string;
  readonly subjectKind: SubjectKind;
  readonly subject: string;
  readonly role: string;
  readonly at: string;
  /** Who removed it, as the event log names them. */
  readonly by: string;
}

/** The last change of a workspace that removed its ownership tag, as the platform's event log shows. */
export interface OwnershipTagRemoval {
  /** The stack the tag named. */
  readonly stack: string;
  readonly at: string;
  readonly by: string;
  /** ApiKey, ApiUser, User or System: an API key's full rewrite of the tags is what terraform-provider-meshstack does. */
  readonly authorType: string;
}

export interface BindingRequest {
  readonly name: string;
  readonly workspace: string;
  readonly project?: string;
  readonly subjectKind: SubjectKind;
  readonly subject: string;
  readonly role: string;
  /** As declared: a day, or a date-time (workspace bindings get the day: meshStack keeps days). */
  readonly expiryDate?: string;
  readonly invitation?: { readonly firstName: string; readonly lastName: string };
  /** Why it is granted, where the platform records it. */
  readonly reason?: string;
}

/** A grant took effect, or waits for a second approval (4-eyes); the request id where the platform tells it. */
export type CreateOutcome =
  { readonly status: 'created' } | { readonly status: 'pending'; readonly requestId?: string };

export interface RoleRequest {
  readonly id: string;
  readonly status: 'PENDING' | 'APPROVED' | 'DECLINED' | 'CANCELLED';
  readonly workspace: string;
  readonly project?: string;
  readonly bindingName: string;
  readonly subjectKind: SubjectKind;
  readonly subject: string;
  readonly role: string;
  readonly expiryDate?: string;
  /** Why, as the code that asked for the grant said it: what the approver judges by. */
  readonly reason?: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly approvals: string[];
}

/** Platform-side state the meshObject API has no endpoint for (sandbox extension). */
export interface WorkspaceStatus {
  readonly name: string;
  readonly status: 'active' | 'disabled';
  readonly approval: 'approved' | 'pending';
  readonly projectQuota: number | null;
  readonly projectCount: number;
}

export interface PlatformSettings {
  readonly fourEyes: { readonly enabled: boolean; readonly minApprovalCount: number };
  readonly recertification: Record<string, number>;
  /** Only partners assign Workspace Manager; undefined where the platform does not say. */
  readonly restrictCustomerAdminRoleAssignment?: boolean;
}

export interface PlatformInfo {
  readonly version: string;
  readonly fourEyesEnabled: boolean;
}

export interface Identity {
  readonly username: string;
  readonly partner: boolean;
  /** Workspace → roles of the caller. */
  readonly workspaces: Record<string, string[]>;
}

/** A workspace user group: its identifier within the workspace and its members' usernames. */
export interface LiveGroup {
  readonly workspace: string;
  readonly name: string;
  readonly members: string[];
}

export interface LiveUser {
  readonly username: string;
  readonly email: string;
}

export interface WorkspaceEvent {
  readonly type: string;
  readonly actor: string;
  readonly at: string;
  readonly project?: string | null;
  readonly details: Record<string, unknown>;
}

/** Optional platform features, discovered at run time; the real meshStack API has none of them. */
export type Capability =
  | 'role-requests'
  | 'workspace-quota'
  | 'workspace-status'
  | 'events'
  | 'settings'
  | 'whoami'
  | 'project-binding-expiry'
  | 'invitations'
  | 'grant-reasons'
  | 'deletion-reasons'
  | 'clock';
