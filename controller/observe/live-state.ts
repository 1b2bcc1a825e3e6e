/** Everything a plan needs to know about the platform, read once by observe(). */
import { sha256Hex } from '../../core/canonical-json';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type {
  Capability,
  ExpiredBinding,
  Identity,
  OwnershipTagRemoval,
  RemovedBinding,
  LiveBinding,
  LiveProject,
  RoleRequest,
  WorkspaceStatus,
} from '../client/types';

/**
 * A fact of a workspace the key could not read: unknown, not empty. `projects`: the caller is only a
 * Workspace Member there, and a Member sees only the projects it is assigned to. `group-members`: the
 * members of its user groups (the groups call answered 403 or 404, or the key is only a Member there).
 */
export type UnreadFact = 'projects' | 'group-members';

export interface LiveWorkspaceState {
  readonly name: string;
  readonly displayName: string;
  readonly tags: Record<string, string[]>;
  /** From the status extension; undefined where the platform does not tell. */
  readonly status?: WorkspaceStatus;
  readonly bindings: LiveBinding[];
  readonly projects: Record<string, LiveProject & { readonly bindings: LiveBinding[] }>;
  readonly pendingRequests: RoleRequest[];
  /** Projects whose deletion was submitted and has not finished (meshStack deletes asynchronously). */
  readonly deletingProjects: string[];
  /**
   * Members of the workspace's user groups, where read (a user may hold a workspace role through one);
   * a bound group missing here was not seen by the key, and its members are unknown.
   */
  readonly groupMembers?: Record<string, string[]>;
  /**
   * Bindings the platform removed at their expiry, from its history, where the plan needs them (a
   * binding the code declares without expiry is missing); undefined where the history was not read.
   */
  readonly expiredBindings?: ExpiredBinding[];
  /** What observe could not read here (the rules must not take it as empty); absent when everything was read. */
  readonly unread?: readonly UnreadFact[];
  /** Bindings removed by someone rather than their expiry, where the platform's event log was read for them. */
  readonly removedBindings?: RemovedBinding[];
  /** Who removed the ownership tag of a workspace that has none, where the event log tells. */
  readonly ownershipTagRemoved?: OwnershipTagRemoval;
}

export interface LiveState {
  readonly observedAt: string;
  readonly platform: {
    readonly version: string;
    readonly fourEyes: { readonly enabled: boolean; readonly minApprovalCount: number };
    /** Role → max days; undefined when the platform does not expose its settings. */
    readonly recertification?: Record<string, number>;
    /** Only partners assign Workspace Manager; undefined when the platform does not expose its settings. */
    readonly restrictCustomerAdminRoleAssignment?: boolean;
    readonly capabilities: Capability[];
  };
  /** Who is calling; undefined where the platform cannot say (then lock-out checks are skipped, with a note). */
  readonly caller?: Identity;
  readonly tagDefinitions: TagDefinition[];
  /** The platform's project roles (display names), where it lists them and the plan needs them. */
  readonly projectRoles?: string[];
  /** Live workspaces by identifier (only those the manifest names, unless observing all). */
  readonly workspaces: Record<string, LiveWorkspaceState>;
  /**
   * Declared workspace identifiers that belong to a deleted workspace (meshStack never reuses them),
   * where the platform shows deleted workspaces.
   */
  readonly deletedWorkspaces: string[];
  /** Users the code binds that the platform does not have (looked up where not bound yet); undefined where not looked up. */
  readonly unknownUsers?: string[];
  /** E-mail → username, to recognise an accepted invitation. */
  readonly usersByEmail: Record<string, string>;
  /** Live workspaces the stack owns (its ownership tag) that it did not ask to observe: they left its code. Undefined where not looked for. */
  readonly leftTheCode?: string[];
  /**
   * Workspace tag keys no definition covers, with the workspaces that carry them, across every workspace
   * the caller can see: read only while the ownership tag has no definition (creating it makes the
   * platform check every workspace tag). Undefined where not looked for.
   */
  readonly undefinedTags?: Record<string, string[]>;
}

/**
 * A dictionary keyed by platform names, without a prototype: `workspaces['constructor']` is then
 * undefined unless a workspace has that identifier, and a key `__proto__` is a key like any other.
 */
export function dictionary<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** A fingerprint of what meshform compares in one workspace: a saved plan is stale when it changes. */
export function workspaceFingerprint(ws: LiveWorkspaceState | undefined): string {
  if (!ws) return sha256Hex({ absent: true });
  const sortBindings = (bs: LiveBinding[]) => [...bs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sha256Hex({
    displayName: ws.displayName,
    tags: ws.tags,
    status: ws.status
      ? { status: ws.status.status, approval: ws.status.approval, quota: ws.status.projectQuota }
      : null,
    bindings: sortBindings(ws.bindings),
    projects: Object.keys(ws.projects)
      .sort()
      .map((p) => ({
        name: p,
        displayName: ws.projects[p].displayName,
        tags: ws.projects[p].tags,
        bindings: sortBindings(ws.projects[p].bindings),
      })),
    pending: ws.pendingRequests.map((r) => r.id).sort(),
    deleting: ws.deletingProjects,
  });
}
