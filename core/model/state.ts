/**
 * The platform model's data: one workspace as meshStack holds it (bindings with expiry, projects with
 * their asynchronous deletion, pending 4-eyes requests, user groups) and the settings and caller its
 * rules depend on. What the client could not read is UNKNOWN, never an empty value: a rule that needs
 * it says so instead of deciding on nothing.
 */
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type { FourEyesSettings } from '../rules';
import type { WorkspaceState } from '../rules';

/** A symbol, not a string: no name, role or username can ever be taken for it. */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;
export type Known<T> = T | Unknown;

export const isKnown = <T>(v: Known<T>): v is T => v !== UNKNOWN;

export interface ModelBinding {
  readonly name: string;
  /** undefined: a workspace binding. */
  readonly project?: string;
  readonly subjectKind: 'User' | 'Group';
  readonly subject: string;
  readonly role: string;
  readonly expiryDate?: string;
}

/** A grant waiting for 4-eyes approval; the requester's request counts as their approval. */
export interface ModelRequest extends ModelBinding {
  readonly requestedBy: string;
  readonly approvals: readonly string[];
}

/** Tag key → values, as the platform stores them (no empty lists). */
export type Tags = Readonly<Record<string, readonly string[]>>;

export interface ModelProject {
  readonly name: string;
  /** A deleting project is still there (its tenants go first) and keeps its identifier taken. */
  readonly state: 'active' | 'deleting';
  readonly tags: Tags;
}

export interface WorkspaceModel {
  readonly name: string;
  /**
   * Whether the workspace is there: absent (not created yet), live, or deleted (meshStack never
   * reuses a deleted workspace's identifier).
   */
  readonly exists: 'absent' | 'live' | 'deleted';
  readonly tags: Tags;
  /** The most projects it may have (null: no limit); UNKNOWN where the platform does not show it. */
  readonly quota: Known<number | null>;
  /** Status and registration approval; UNKNOWN where the platform does not show them. */
  readonly state: Known<WorkspaceState>;
  /** Workspace and project bindings. */
  readonly bindings: readonly ModelBinding[];
  readonly projects: readonly ModelProject[];
  readonly requests: readonly ModelRequest[];
  /** Members of the workspace's user groups; UNKNOWN where they were not read (all of them, or one group's). */
  readonly groupMembers: Known<Readonly<Record<string, Known<readonly string[]>>>>;
}

export interface PlatformSettings {
  readonly fourEyes: FourEyesSettings;
  /** Workspace role → maximum days (seed: Roles Recertification); UNKNOWN where the platform does not show it. */
  readonly recertification: Known<Readonly<Record<string, number>>>;
  /** Only partners assign Workspace Manager (seed: Guide: Emergency Users). */
  readonly restrictCustomerAdminRoleAssignment: Known<boolean>;
  /** The platform's project roles by display name; UNKNOWN: meshStack's defaults are assumed. */
  readonly projectRoles: Known<readonly string[]>;
  /** Usernames the platform has; UNKNOWN where the caller cannot list them. */
  readonly users: Known<ReadonlySet<string>>;
  /** The platform's tag definitions (both kinds): every tag write is held to them. */
  readonly tagDefinitions: readonly TagDefinition[];
}

/**
 * Who acts. `groupRoles` are the roles the platform says the caller holds in the workspace through
 * groups whose members the model does not know (whoami), so its rights are not underestimated.
 */
export interface Actor {
  readonly username: string;
  readonly partner: boolean;
  readonly groupRoles?: readonly string[];
}

/** The platform as a transition sees it: settings, the clock, and who acts (UNKNOWN: the caller could not be told). */
export interface ModelContext {
  readonly settings: PlatformSettings;
  readonly now: Date;
  readonly actor: Known<Actor>;
}

/** A pending 4-eyes request as the client reads it (the platform's request, named by its binding). */
export interface RequestRecord {
  readonly bindingName: string;
  readonly project?: string;
  readonly subjectKind: 'User' | 'Group';
  readonly subject: string;
  readonly role: string;
  readonly expiryDate?: string;
  readonly requestedBy: string;
  readonly approvals: readonly string[];
}

/** A request read from the platform, as the model holds it. */
export const modelRequest = (r: RequestRecord): ModelRequest => ({
  name: r.bindingName,
  ...(r.project !== undefined ? { project: r.project } : {}),
  subjectKind: r.subjectKind,
  subject: r.subject,
  role: r.role,
  ...(r.expiryDate !== undefined ? { expiryDate: r.expiryDate } : {}),
  requestedBy: r.requestedBy,
  approvals: r.approvals,
});
