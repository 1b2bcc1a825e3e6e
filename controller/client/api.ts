/**
 * The platform as meshform sees it: one interface per kind, bundled in ApiClient. The HTTP client
 * speaks meshStack's meshObject API; the fake keeps everything in memory. Reads of something
 * missing return undefined; deleting something already gone succeeds.
 */
import type {
  AttributeChange,
  BindingRequest,
  Capability,
  CreateOutcome,
  Identity,
  LiveBinding,
  LiveGroup,
  LiveProject,
  LiveUser,
  LiveWorkspace,
  PlatformInfo,
  PlatformSettings,
  ProjectState,
  RoleRequest,
  WorkspaceEvent,
  WorkspaceStatus,
} from './types';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type { CommunicationApi } from './communications';
import type { EventLogApi } from './event-log';

export interface WorkspaceApi {
  list(): Promise<LiveWorkspace[]>;
  read(name: string): Promise<LiveWorkspace | undefined>;
  create(ws: Omit<LiveWorkspace, 'deleted'>): Promise<void>;
  /**
   * Changes display name and the named tags. meshStack's PUT is a full rewrite: every other field
   * (and tag) is carried over from the workspace as it is now. With `expected`, the write is refused
   * (409) when the current values differ from it: compare before write, no lost updates.
   */
  update(name: string, change: AttributeChange, expected?: AttributeChange): Promise<void>;
  delete(name: string, reason: string): Promise<void>;
}

/** Narrows a list to one workspace (the platform filters where its API can). */
export interface WorkspaceFilter {
  readonly workspace?: string;
}

/** Workspace bindings of one workspace, or of several (their group bindings read once: meshStack cannot filter those). */
export interface BindingFilter extends WorkspaceFilter {
  readonly workspaces?: readonly string[];
}

export interface ProjectFilter extends WorkspaceFilter {
  /** @default ['ACTIVE'], as meshStack's list */
  readonly states?: readonly ProjectState[];
}

export interface ProjectApi {
  list(filter?: ProjectFilter): Promise<LiveProject[]>;
  create(p: LiveProject): Promise<void>;
  /** As WorkspaceApi.update: the payment methods and everything meshform does not manage are kept. */
  update(workspace: string, name: string, change: AttributeChange, expected?: AttributeChange): Promise<void>;
  delete(workspace: string, name: string): Promise<void>;
}

/** Users are looked up with filters: the unfiltered list needs admin rights on meshStack. */
export interface UserFilter {
  readonly email?: string;
  readonly username?: string;
}

export interface BindingApi {
  /**
   * Workspace bindings (users and groups) the caller can see, of one workspace with a filter. meshStack
   * filters user bindings by workspace but not group bindings: those are listed whole and filtered here.
   */
  listWorkspaceBindings(filter?: BindingFilter): Promise<LiveBinding[]>;
  /** The bindings of one project (meshStack lists project bindings per project only). */
  listProjectBindings(workspace: string, project: string): Promise<LiveBinding[]>;
  create(b: BindingRequest): Promise<CreateOutcome>;
  /** `expired`: the binding's declared expiry passed (the platform records why, where it can). */
  delete(b: Pick<LiveBinding, 'name' | 'project' | 'subjectKind'>, reason?: 'expired'): Promise<void>;
}

export interface TagDefinitionApi {
  list(): Promise<TagDefinition[]>;
  /** Creates or updates; fields the definition leaves out (sortOrder, replicationKey) keep their live values. */
  put(def: TagDefinition): Promise<void>;
}

/** Narrows an extension's list to some workspaces, in one request: a scoped plan's cost must not grow with the estate, nor with its workspaces. */
export interface WorkspacesFilter {
  readonly workspaces?: readonly string[];
}

/** What only some platforms offer; each method is called only when its capability is present. */
export interface ExtensionApi {
  capabilities(): Promise<Capability[]>;
  whoami(): Promise<Identity>;
  settings(): Promise<PlatformSettings>;
  /** Statuses of the workspaces the caller sees (deleted ones left out), or of the named ones only, in one request. */
  workspaceStatuses(filter?: WorkspacesFilter): Promise<WorkspaceStatus[]>;
  setQuota(workspace: string, maxProjects: number | null): Promise<void>;
  setStatus(workspace: string, status: 'active' | 'disabled'): Promise<void>;
  listRequests(filter?: WorkspacesFilter & { status?: string }): Promise<RoleRequest[]>;
  decideRequest(id: string, decision: 'approve' | 'decline' | 'cancel'): Promise<RoleRequest>;
  events(workspace: string): Promise<WorkspaceEvent[]>;
  /** The platform's own time (a sandbox can move its clock); callers fall back to the local clock. */
  clock(): Promise<Date>;
}

export interface ApiClient {
  readonly workspaces: WorkspaceApi;
  readonly projects: ProjectApi;
  readonly bindings: BindingApi;
  readonly tagDefinitions: TagDefinitionApi;
  readonly users: {
    find(filter: UserFilter): Promise<LiveUser[]>;
    /** Whether this key sees every user (meshStack's unfiltered user list needs admin rights): only then is "not found" conclusive. */
    seesEveryone(): Promise<boolean>;
  };
  /** A workspace's user groups and their members (read-only in meshStack's API: they come from the identity sync). */
  readonly groups: { list(workspace: string): Promise<LiveGroup[]> };
  /** The display names of the platform's project roles (meshProjectRole), by rank; undefined where it does not list them. */
  readonly projectRoles: { list(): Promise<string[] | undefined> };
  readonly extensions: ExtensionApi;
  /** meshStack's event log; absent where the client has none (the in-memory fake has the events extension instead). */
  readonly eventLog?: EventLogApi;
  /** Messages to workspace users; absent where the client cannot send them. */
  readonly communications?: CommunicationApi;
  info(): Promise<PlatformInfo>;
  /** Requests made so far by HTTP method (for benchmarks and the API-call lower bound). */
  readonly stats: RequestStats;
}

export class RequestStats {
  public readonly byMethod: Record<string, number> = {};
  public retries = 0;
  /** Logins (POST /api/login): authentication, not a change to the platform, so not in byMethod. */
  public logins = 0;

  public count(method: string): void {
    this.byMethod[method] = (this.byMethod[method] ?? 0) + 1;
  }

  public get total(): number {
    return Object.values(this.byMethod).reduce((a, b) => a + b, 0);
  }

  public get writes(): number {
    return this.total - (this.byMethod.GET ?? 0);
  }
}
