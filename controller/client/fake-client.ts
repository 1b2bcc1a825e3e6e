/**
 * An in-memory platform behind the ApiClient interface, for fast controller tests. It keeps the
 * rules a plan must respect (owner limit, 4-eyes requests, quota, expiry, workspace membership for
 * project roles, cascade on leaving) so that the same test cases pass here and against the sandbox.
 * Every read returns copies. `as(username)` gives a client acting as someone else on the same data.
 */
import { isExpired, parseExpiry } from '../../core/expiry';
import { ApiError } from '../../core/errors';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import { type ApiClient, type ProjectFilter, RequestStats, type UserFilter, type WorkspaceFilter } from './api';
import type { AttributeChange, BindingRequest, Capability, CreateOutcome, LiveBinding, LiveProject, LiveUser, LiveWorkspace, RoleRequest, WorkspaceEvent, WorkspaceStatus } from './types';
import { matchesExpected, mergeTags } from './wire';

const OWNER = 'Workspace Owner';
const MANAGER = 'Workspace Manager';
const copy = <T>(x: T): T => structuredClone(x);
/** meshStack's largest page, which the HTTP client asks for. */
const HTTP_PAGE_SIZE = 1000;

type FakeWorkspace = { name: string; displayName: string; tags: Record<string, string[]>; deleted: boolean; status: 'active' | 'disabled'; quota: number | null };

/** Adds `value` under `key` in a map of maps. */
function indexAdd<T>(index: Map<string, Map<string, T>>, key: string, name: string, value: T): void {
  const inner = index.get(key) ?? new Map<string, T>();
  inner.set(name, value);
  index.set(key, inner);
}

export class FakePlatform {
  public readonly workspaces = new Map<string, FakeWorkspace>();
  public readonly requests = new Map<string, RoleRequest>();
  public readonly tagDefinitions = new Map<string, TagDefinition>();
  public readonly partners = new Set<string>(['partner.admin']);
  public readonly users: LiveUser[] = ['alice', 'bob', 'carol', 'dave', 'erin', 'partner.admin'].map((u) => ({ username: u, email: `${u}@example.com` }));
  /** Workspace user groups (read-only in meshStack's API), as the sandbox seeds them. */
  public readonly groups = new Set<string>(['payments.payments-devs', 'checkout.checkout-devs']);
  public fourEyes = { enabled: false, minApprovalCount: 2 };
  public recertification: Record<string, number> = {};
  /** The highest number of Owners any workspace ever had (the owner-limit property test reads it). */
  public maxOwnersSeen = 0;
  public clock = new Date('2026-11-25T12:00:00Z');
  private nextId = 1;
  // Indexes, so that the fake stays linear at benchmark sizes (10k workspaces, 100k bindings).
  private readonly bindingsByName = new Map<string, LiveBinding>();
  private readonly workspaceBindingsIndex = new Map<string, Map<string, LiveBinding>>();
  private readonly projectBindingsIndex = new Map<string, Map<string, LiveBinding>>();
  private readonly projectsIndex = new Map<string, Map<string, LiveProject>>();
  private readonly pendingByBinding = new Map<string, string>();
  private readonly eventsIndex = new Map<string, Array<WorkspaceEvent & { workspace: string }>>();
  /** The earliest moment a stored binding expires: nothing to sweep before it. */
  private nextExpiry = Infinity;

  public client(username = 'partner.admin'): FakeApiClient {
    return new FakeApiClient(this, username);
  }

  public binding(name: string): LiveBinding | undefined {
    return this.bindingsByName.get(name);
  }

  /** Workspace-level bindings of one workspace. */
  public workspaceBindings(workspace: string): LiveBinding[] {
    return [...(this.workspaceBindingsIndex.get(workspace)?.values() ?? [])];
  }

  public projectBindings(workspace: string, project: string): LiveBinding[] {
    return [...(this.projectBindingsIndex.get(`${workspace}.${project}`)?.values() ?? [])];
  }

  public allWorkspaceBindings(): LiveBinding[] {
    return [...this.workspaceBindingsIndex.values()].flatMap((m) => [...m.values()]);
  }

  public addBinding(b: LiveBinding): void {
    this.bindingsByName.set(b.name, b);
    if (b.project) indexAdd(this.projectBindingsIndex, `${b.workspace}.${b.project}`, b.name, b);
    else indexAdd(this.workspaceBindingsIndex, b.workspace, b.name, b);
    if (b.expiryDate) this.nextExpiry = Math.min(this.nextExpiry, parseExpiry(b.expiryDate)?.endsAt.getTime() ?? -Infinity);
  }

  public removeBinding(name: string): void {
    const b = this.bindingsByName.get(name);
    if (!b) return;
    this.bindingsByName.delete(name);
    if (b.project) this.projectBindingsIndex.get(`${b.workspace}.${b.project}`)?.delete(name);
    else this.workspaceBindingsIndex.get(b.workspace)?.delete(name);
  }

  public project(workspace: string, name: string): LiveProject | undefined {
    return this.projectsIndex.get(workspace)?.get(name);
  }

  public projectsOf(workspace: string): LiveProject[] {
    return [...(this.projectsIndex.get(workspace)?.values() ?? [])];
  }

  public allProjects(): LiveProject[] {
    return [...this.projectsIndex.values()].flatMap((m) => [...m.values()]);
  }

  public putProject(p: LiveProject): void {
    indexAdd(this.projectsIndex, p.workspace, p.name, p);
  }

  public removeProject(workspace: string, name: string): void {
    this.projectsIndex.get(workspace)?.delete(name);
    for (const b of this.projectBindings(workspace, name)) this.removeBinding(b.name);
  }

  public setRequest(r: RoleRequest): void {
    this.requests.set(r.id, r);
    if (r.status === 'PENDING') this.pendingByBinding.set(r.bindingName, r.id);
    else if (this.pendingByBinding.get(r.bindingName) === r.id) this.pendingByBinding.delete(r.bindingName);
  }

  public hasPendingRequest(bindingName: string): boolean {
    return this.pendingByBinding.has(bindingName);
  }

  public owners(workspace: string): number {
    return this.workspaceBindings(workspace).filter((b) => b.role === OWNER).length;
  }

  public rolesOf(username: string, workspace: string): string[] {
    return this.workspaceBindings(workspace)
      .filter((b) => b.subjectKind === 'User' && b.subject === username)
      .map((b) => b.role);
  }

  /** Users who may approve requests in a workspace: its Owners and Managers. */
  public managers(workspace: string): string[] {
    return [...new Set(this.workspaceBindings(workspace).filter((x) => x.subjectKind === 'User' && (x.role === OWNER || x.role === MANAGER)).map((x) => x.subject))];
  }

  /** Removes bindings past their expiry, as the platform's sweep does. */
  public sweep(): void {
    if (this.clock.getTime() < this.nextExpiry) return;
    this.nextExpiry = Infinity;
    for (const [name, b] of this.bindingsByName) {
      if (!b.expiryDate) continue;
      if (isExpired(b.expiryDate, this.clock)) this.removeBinding(name);
      else this.nextExpiry = Math.min(this.nextExpiry, parseExpiry(b.expiryDate)?.endsAt.getTime() ?? Infinity);
    }
  }

  public event(workspace: string, type: string, actor: string, details: Record<string, unknown>): void {
    const list = this.eventsIndex.get(workspace) ?? [];
    list.push({ workspace, type, actor, at: this.clock.toISOString(), details });
    this.eventsIndex.set(workspace, list);
  }

  public events(workspace: string): WorkspaceEvent[] {
    return this.eventsIndex.get(workspace) ?? [];
  }

  public newId(): string {
    return `req-${this.nextId++}`;
  }
}

function refuse(status: number, method: string, path: string, message: string): never {
  throw new ApiError(method, path, status, message, false);
}

export class FakeApiClient implements ApiClient {
  public readonly stats = new RequestStats();

  constructor(
    public readonly platform: FakePlatform,
    public readonly username: string,
  ) {}

  private readonly cached = new Map<string, unknown>();

  private once<T>(key: string, compute: () => T): T {
    if (!this.cached.has(key)) this.cached.set(key, this.read(compute()));
    return this.cached.get(key) as T;
  }

  public as(username: string): FakeApiClient {
    return new FakeApiClient(this.platform, username);
  }

  private get partner(): boolean {
    return this.platform.partners.has(this.username);
  }

  private read<T>(value: T): T {
    this.stats.count('GET');
    this.platform.sweep();
    return copy(value);
  }

  /**
   * A list read, counted as the HTTP client would request it: user and group bindings are separate
   * collections, and each collection costs one request per page of 1,000 (at least one).
   */
  private readList<T>(items: T[], subjectKind?: (item: T) => string): T[] {
    const pages = (n: number) => Math.max(1, Math.ceil(n / HTTP_PAGE_SIZE));
    const users = subjectKind ? items.filter((b) => subjectKind(b) === 'User').length : items.length;
    const count = subjectKind ? pages(users) + pages(items.length - users) : pages(items.length);
    for (let i = 1; i < count; i++) this.stats.count('GET');
    return this.read(items);
  }

  private write(method: string): void {
    this.stats.count(method);
    this.platform.sweep();
  }

  private requireManager(ws: string, path: string): void {
    if (!this.platform.workspaces.has(ws)) refuse(404, 'POST', path, `meshWorkspace '${ws}' not found`);
    const roles = this.platform.rolesOf(this.username, ws);
    if (!this.partner && !roles.includes(OWNER) && !roles.includes(MANAGER)) refuse(403, 'POST', path, `not a manager of '${ws}'`);
  }

  private visible(ws: string): boolean {
    return this.partner || this.platform.rolesOf(this.username, ws).length > 0;
  }

  public readonly workspaces = {
    list: async () => this.readList([...this.platform.workspaces.values()].filter((w) => !w.deleted && this.visible(w.name)).map(({ name, displayName, tags, deleted }) => ({ name, displayName, tags, deleted }))),
    read: async (name: string) => {
      const w = this.platform.workspaces.get(name);
      return this.read(w && this.visible(name) ? { name: w.name, displayName: w.displayName, tags: w.tags, deleted: w.deleted } : undefined);
    },
    create: async (ws: Omit<LiveWorkspace, 'deleted'>) => {
      this.write('POST');
      if (this.platform.workspaces.has(ws.name)) {
        if (!this.platform.workspaces.get(ws.name)!.deleted) return; // a retried create: already there
        refuse(409, 'POST', 'meshworkspaces', `meshWorkspace '${ws.name}' already exists`);
      }
      this.platform.workspaces.set(ws.name, { ...copy(ws), tags: mergeTags({}, ws.tags), deleted: false, status: 'active', quota: null });
      this.platform.event(ws.name, 'CUSTOMER_CREATED', this.username, {});
    },
    update: async (name: string, change: AttributeChange, expected?: AttributeChange) => {
      this.stats.count('GET');
      this.write('PUT');
      this.requireManager(name, 'meshworkspaces');
      const w = this.platform.workspaces.get(name)!;
      if (expected && !matchesExpected(w.displayName, w.tags, expected)) refuse(409, 'PUT', 'meshworkspaces', 'the workspace changed since the plan was made');
      Object.assign(w, { displayName: change.displayName, tags: mergeTags(w.tags, change.tags) });
    },
    delete: async (name: string, reason: string) => {
      this.write('DELETE');
      const w = this.platform.workspaces.get(name);
      if (!w || w.deleted) return;
      if (!this.partner && !this.platform.rolesOf(this.username, name).includes(OWNER)) refuse(403, 'DELETE', 'meshworkspaces', 'only an Owner or partner may delete');
      if (this.platform.projectsOf(name).length) refuse(409, 'DELETE', 'meshworkspaces', 'projects exist');
      for (const b of this.platform.workspaceBindings(name)) this.platform.removeBinding(b.name);
      w.deleted = true;
      this.platform.event(name, 'CUSTOMER_DELETED', this.username, { reason });
    },
  };

  public readonly projects = {
    // Deletion is immediate here: the fake has no tenants, so no project is ever pending deletion.
    list: async (filter: ProjectFilter = {}) =>
      this.readList((filter.states && !filter.states.includes('ACTIVE') ? [] : filter.workspace ? this.platform.projectsOf(filter.workspace) : this.platform.allProjects()).filter((p) => this.visible(p.workspace))),
    create: async (p: LiveProject) => {
      this.write('POST');
      this.requireManager(p.workspace, 'meshprojects');
      if (this.platform.project(p.workspace, p.name)) return;
      const w = this.platform.workspaces.get(p.workspace)!;
      const used = this.platform.projectsOf(p.workspace).length;
      if (w.quota !== null && used >= w.quota) refuse(400, 'POST', 'meshprojects', `project quota of ${w.quota} reached`);
      this.platform.putProject({ ...copy(p), tags: mergeTags({}, p.tags) });
    },
    update: async (workspace: string, name: string, change: AttributeChange, expected?: AttributeChange) => {
      this.stats.count('GET');
      this.write('PUT');
      this.requireManager(workspace, 'meshprojects');
      const p = this.platform.project(workspace, name);
      if (!p) refuse(404, 'PUT', 'meshprojects', `project '${workspace}.${name}' not found`);
      if (expected && !matchesExpected(p.displayName, p.tags, expected)) refuse(409, 'PUT', 'meshprojects', 'the project changed since the plan was made');
      this.platform.putProject({ ...p, displayName: change.displayName, tags: mergeTags(p.tags, change.tags) });
    },
    delete: async (workspace: string, name: string) => {
      this.write('DELETE');
      this.requireManager(workspace, 'meshprojects');
      this.platform.removeProject(workspace, name);
    },
  };

  public readonly bindings = {
    listWorkspaceBindings: async (filter: WorkspaceFilter = {}) => {
      if (!filter.workspace) return this.readList(this.platform.allWorkspaceBindings().filter((b) => this.visible(b.workspace)), (b) => b.subjectKind);
      // As over HTTP: user bindings filtered by the platform, group bindings listed whole.
      const visible = this.platform.allWorkspaceBindings().filter((b) => this.visible(b.workspace));
      const users = this.readList(visible.filter((b) => b.subjectKind === 'User' && b.workspace === filter.workspace));
      const groups = this.readList(visible.filter((b) => b.subjectKind === 'Group'));
      return [...users, ...groups.filter((b) => b.workspace === filter.workspace)];
    },
    listProjectBindings: async (workspace: string, project: string) => this.readList(this.platform.projectBindings(workspace, project), (b) => b.subjectKind),
    create: async (b: BindingRequest): Promise<CreateOutcome> => {
      this.write('POST');
      const p = this.platform;
      const path = b.project ? 'meshprojectbindings' : 'meshworkspacebindings';
      this.requireManager(b.workspace, path);
      const existing = p.binding(b.name);
      if (existing) {
        if (existing.subject === b.subject && existing.role === b.role && existing.workspace === b.workspace && existing.project === b.project) return { status: 'created' };
        refuse(409, 'POST', path, `binding name '${b.name}' is taken`);
      }
      if (p.hasPendingRequest(b.name)) refuse(409, 'POST', path, 'a request for this binding is pending');
      if (b.project && !p.project(b.workspace, b.project)) refuse(404, 'POST', path, 'project not found');
      if (b.subjectKind === 'Group' && !p.groups.has(`${b.workspace}.${b.subject}`)) refuse(400, 'POST', path, `meshWorkspaceUserGroup '${b.workspace}.${b.subject}' does not exist`);
      if (b.project && !p.workspaceBindings(b.workspace).some((x) => x.subjectKind === b.subjectKind && x.subject === b.subject)) {
        refuse(400, 'POST', path, `${b.subject} must be in the workspace first`);
      }
      if (!b.project && b.role === OWNER) {
        if (b.subjectKind === 'Group') refuse(400, 'POST', path, 'Owner only for users');
        const roles = p.rolesOf(this.username, b.workspace);
        if (!this.partner && !roles.includes(OWNER) && !(p.owners(b.workspace) === 0 && roles.includes(MANAGER))) refuse(403, 'POST', path, 'only an Owner may assign Owner');
        if (p.owners(b.workspace) >= 2) refuse(409, 'POST', path, 'at most 2 Workspace Owners');
      }
      if (p.fourEyes.enabled && !this.partner && b.subjectKind === 'User') {
        const managers = p.managers(b.workspace);
        const auto = p.fourEyes.minApprovalCount <= 1 || (managers.length < p.fourEyes.minApprovalCount && managers.every((m) => m === this.username));
        if (!auto) {
          const id = p.newId();
          p.setRequest({ id, status: 'PENDING', workspace: b.workspace, ...(b.project ? { project: b.project } : {}), bindingName: b.name, subjectKind: b.subjectKind, subject: b.subject, role: b.role, requestedBy: this.username, requestedAt: p.clock.toISOString(), approvals: [this.username] });
          return { status: 'pending', requestId: id };
        }
      }
      this.insert(b);
      return { status: 'created' };
    },
    delete: async (b: Pick<LiveBinding, 'name' | 'project' | 'subjectKind'>) => {
      this.write('DELETE');
      const p = this.platform;
      const live = p.binding(b.name);
      if (!live) return;
      this.requireManager(live.workspace, 'bindings');
      p.removeBinding(b.name);
      // Leaving the workspace removes the subject from all its projects.
      if (!live.project && !p.workspaceBindings(live.workspace).some((x) => x.subjectKind === live.subjectKind && x.subject === live.subject)) {
        for (const project of p.projectsOf(live.workspace)) {
          for (const x of p.projectBindings(live.workspace, project.name)) if (x.subject === live.subject && x.subjectKind === live.subjectKind) p.removeBinding(x.name);
        }
      }
      p.event(live.workspace, 'USER_REMOVED', this.username, { subject: live.subject, role: live.role });
    },
  };

  private insert(b: BindingRequest): void {
    const p = this.platform;
    const expiryDate = b.expiryDate ?? (b.project ? undefined : p.recertification[b.role] !== undefined ? new Date(p.clock.getTime() + p.recertification[b.role] * 86_400_000).toISOString().slice(0, 10) : undefined);
    p.addBinding({ name: b.name, workspace: b.workspace, ...(b.project ? { project: b.project } : {}), subjectKind: b.subjectKind, subject: b.subject, role: b.role, ...(expiryDate ? { expiryDate } : {}) });
    p.maxOwnersSeen = Math.max(p.maxOwnersSeen, p.owners(b.workspace));
    p.event(b.workspace, b.project ? 'PROJECT_USER_ASSIGNED' : 'USER_INVITED', this.username, { subject: b.subject, role: b.role });
  }

  public readonly tagDefinitions = {
    list: async () => this.readList([...this.platform.tagDefinitions.values()]),
    put: async (def: TagDefinition) => {
      this.write('PUT');
      if (!this.partner) refuse(403, 'PUT', 'meshtagdefinitions', 'partners only');
      this.platform.tagDefinitions.set(def.metadata.name, copy(def));
    },
  };

  public readonly users = {
    find: async (filter: UserFilter) => this.readList(this.platform.users.filter((u) => (!filter.email || u.email === filter.email) && (!filter.username || u.username === filter.username))),
  };

  public async info() {
    return this.read({ version: '2026.34.0', fourEyesEnabled: this.platform.fourEyes.enabled });
  }

  public readonly extensions = {
    // Read once per client, as the HTTP client caches it.
    capabilities: async (): Promise<Capability[]> => this.once('capabilities', () => ['role-requests', 'workspace-quota', 'workspace-status', 'events', 'settings', 'whoami', 'project-binding-expiry', 'clock']),
    whoami: async () => {
      const workspaces: Record<string, string[]> = {};
      for (const w of this.platform.workspaces.keys()) {
        const roles = this.platform.rolesOf(this.username, w);
        if (roles.length) workspaces[w] = roles.sort();
      }
      return this.read({ username: this.username, partner: this.partner, workspaces });
    },
    settings: async () => this.read({ fourEyes: this.platform.fourEyes, recertification: this.platform.recertification }),
    workspaceStatuses: async (): Promise<WorkspaceStatus[]> =>
      this.read(
        [...this.platform.workspaces.values()]
          .filter((w) => !w.deleted && this.visible(w.name))
          .map((w) => ({ name: w.name, status: w.status, approval: 'approved' as const, projectQuota: w.quota, projectCount: this.platform.projectsOf(w.name).length })),
      ),
    setQuota: async (workspace: string, maxProjects: number | null) => {
      this.write('PUT');
      if (!this.partner) refuse(403, 'PUT', 'quota', 'partners only');
      this.platform.workspaces.get(workspace)!.quota = maxProjects;
    },
    setStatus: async (workspace: string, status: 'active' | 'disabled') => {
      this.write('PUT');
      if (!this.partner) refuse(403, 'PUT', 'status', 'partners only');
      this.platform.workspaces.get(workspace)!.status = status;
    },
    listRequests: async (filter: { workspace?: string; status?: string } = {}) =>
      this.read([...this.platform.requests.values()].filter((r) => this.visible(r.workspace) && (!filter.workspace || r.workspace === filter.workspace) && (!filter.status || r.status === filter.status))),
    decideRequest: async (id: string, decision: 'approve' | 'decline' | 'cancel') => {
      this.write('POST');
      const p = this.platform;
      const r = p.requests.get(id);
      if (!r) refuse(404, 'POST', 'role-requests', 'not found');
      if (r.status !== 'PENDING') refuse(409, 'POST', 'role-requests', `already ${r.status}`);
      if (decision !== 'approve') {
        p.setRequest({ ...r, status: decision === 'decline' ? 'DECLINED' : 'CANCELLED' });
        return copy(p.requests.get(id)!);
      }
      if (r.requestedBy === this.username) refuse(403, 'POST', 'role-requests', 'the requester cannot approve their own role request');
      const approvals = [...r.approvals, this.username];
      const managers = p.managers(r.workspace);
      const done = this.partner || approvals.length >= p.fourEyes.minApprovalCount || (managers.length < p.fourEyes.minApprovalCount && managers.every((m) => approvals.includes(m)));
      if (done) {
        if (!r.project && r.role === OWNER && p.owners(r.workspace) >= 2) refuse(409, 'POST', 'role-requests', 'at most 2 Workspace Owners');
        this.insert({ name: r.bindingName, workspace: r.workspace, ...(r.project ? { project: r.project } : {}), subjectKind: r.subjectKind, subject: r.subject, role: r.role });
      }
      p.setRequest({ ...r, approvals, status: done ? 'APPROVED' : 'PENDING' });
      return copy(p.requests.get(id)!);
    },
    events: async (workspace: string) => this.read(this.platform.events(workspace)),
    clock: async () => new Date(this.read(this.platform.clock)),
  };
}
