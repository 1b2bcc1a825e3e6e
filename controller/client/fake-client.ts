/**
 * An in-memory platform behind the ApiClient interface, for fast controller tests and benchmarks.
 * Every decision it makes is a transition of the platform model (core/model), no more and no less: the contract suite (test/contract) holds it, the sandbox and the plan to the
 * same table of cases. Every read returns copies; requests are counted as the HTTP client makes them.
 * `client(username)` gives a client acting as someone on the same data.
 */
import { ApiError } from '../../core/errors';
import {
  type Tags,
  type Transition,
  approve,
  createProject,
  createWorkspace,
  deleteProject,
  deleteWorkspace,
  grant,
  remove,
  setQuota,
  setStatus,
  tagDefinitionRefusal,
  updateProject,
  updateWorkspace,
  visibleProjects,
  writeRefusal,
} from '../../core/model';
import { WORKSPACE_OWNER, foreignWorkspace, managesWorkspace, ruleMessage } from '../../core/rules';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import {
  type ApiClient,
  type BindingFilter,
  type ProjectFilter,
  RequestStats,
  type UserFilter,
  type WorkspacesFilter,
} from './api';
import { FakeStore, type FakeWorkspace } from './private/fake-store';
import type {
  AttributeChange,
  BindingRequest,
  Capability,
  CreateOutcome,
  LiveBinding,
  LiveProject,
  LiveWorkspace,
  RoleRequest,
  WorkspaceStatus,
} from './types';
import { matchesExpected, mergeTags } from './wire';

const copy = <T>(x: T): T => structuredClone(x);
const mutableTags = (t: Tags): Record<string, string[]> =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, [...v]]));
/** meshStack's largest page, which the HTTP client asks for. */
const HTTP_PAGE_SIZE = 1000;
const CAPABILITIES: Capability[] = [
  'role-requests',
  'workspace-quota',
  'workspace-status',
  'events',
  'settings',
  'whoami',
  'project-binding-expiry',
  'clock',
  'grant-reasons',
  'deletion-reasons',
  'invitations',
];

function refuse(status: number, method: string, path: string, message: string): never {
  throw new ApiError(method, path, status, message, false);
}

/** A transition's refusal as the platform answers it: its status, and the catalogue's words. */
function refuseIfRefused(t: Transition, method: string, path: string): void {
  if (t.outcome.class === 'refused')
    refuse(t.outcome.refusal.status, method, path, ruleMessage(t.outcome.refusal.rule, t.outcome.refusal.params));
}

/** The platform: its data (FakeStore), and a client per caller. */
export class FakePlatform extends FakeStore {
  public client(username = 'partner.admin'): FakeApiClient {
    return new FakeApiClient(this, username);
  }
}

class FakeApiClient implements ApiClient {
  public readonly stats = new RequestStats();
  private readonly cached = new Map<string, unknown>();

  constructor(
    public readonly platform: FakePlatform,
    public readonly username: string,
  ) {}

  public as(username: string): FakeApiClient {
    return new FakeApiClient(this.platform, username);
  }

  private get partner(): boolean {
    return this.platform.partners.has(this.username);
  }

  private once<T>(key: string, compute: () => T): T {
    if (!this.cached.has(key)) this.cached.set(key, this.read(compute()));
    return this.cached.get(key) as T;
  }

  private statusOf(w: FakeWorkspace): WorkspaceStatus {
    return {
      name: w.name,
      status: w.status,
      approval: w.approval,
      projectQuota: w.quota,
      projectCount: this.platform.projectsOf(w.name).length,
    };
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

  /** The live workspace for a change by this caller: 404 when missing; the model's refusal (403) for non-managers and unwritable states. */
  private writable(ws: string, method: string, path: string): FakeWorkspace {
    const w = this.platform.workspaces.get(ws);
    if (!w || w.deleted) refuse(404, method, path, `meshWorkspace '${ws}' not found`);
    const denied = writeRefusal(this.platform.model(ws), this.platform.modelContext(this.username));
    if (denied) refuse(denied.status, method, path, ruleMessage(denied.rule, denied.params));
    return w;
  }

  private visible(ws: string): boolean {
    return this.partner || this.platform.rolesOf(this.username, ws).length > 0;
  }

  /** Which projects this caller sees (core/model visibleProjects), each workspace's model built once per read. */
  private projectFilter(): (workspace: string, project: string) => boolean {
    const seen = new Map<string, 'all' | Set<string>>();
    return (ws, project) => {
      if (this.partner) return true;
      if (!seen.has(ws))
        seen.set(
          ws,
          this.visible(ws)
            ? visibleProjects(this.platform.model(ws), { username: this.username, partner: false })
            : new Set(),
        );
      const v = seen.get(ws)!;
      return v === 'all' || v.has(project);
    };
  }

  public readonly workspaces = {
    list: async () =>
      this.readList(
        [...this.platform.workspaces.values()]
          .filter((w) => !w.deleted && this.visible(w.name))
          .map(({ name, displayName, tags, deleted }) => ({ name, displayName, tags, deleted })),
      ),
    read: async (name: string) => {
      const w = this.platform.workspaces.get(name);
      return this.read(
        w && this.visible(name)
          ? { name: w.name, displayName: w.displayName, tags: w.tags, deleted: w.deleted }
          : undefined,
      );
    },
    create: async (ws: Omit<LiveWorkspace, 'deleted'>) => {
      this.write('POST');
      const existing = this.platform.workspaces.get(ws.name);
      if (existing && !existing.deleted) {
        // The HTTP client resolves the 409 of a repeated create to success, and only that.
        const foreign = foreignWorkspace(ws.name, ws.tags, existing.tags);
        if (foreign) refuse(409, 'POST', 'meshworkspaces', foreign);
        return;
      }
      const t = createWorkspace(this.platform.model(ws.name), this.platform.modelContext(this.username), ws.tags);
      refuseIfRefused(t, 'POST', 'meshworkspaces');
      const tags = mutableTags(t.state.tags);
      const approval = this.partner || !this.platform.settings.workspaceApprovalRequired ? 'approved' : 'pending';
      this.platform.workspaces.set(ws.name, {
        name: ws.name,
        displayName: ws.displayName,
        tags,
        deleted: false,
        status: 'active',
        approval,
        quota: null,
      });
      // Self-service registration: the registering user becomes the workspace's Owner.
      if (!this.partner)
        this.platform.addBinding({
          name: `${ws.name}-registrant`,
          workspace: ws.name,
          subjectKind: 'User',
          subject: this.username,
          role: WORKSPACE_OWNER,
        });
      this.platform.event(ws.name, this.partner ? 'CUSTOMER_CREATED' : 'CUSTOMER_REGISTERED', this.username, {});
    },
    update: async (name: string, change: AttributeChange, expected?: AttributeChange) => {
      this.stats.count('GET');
      this.write('PUT');
      const w = this.writable(name, 'PUT', 'meshworkspaces');
      if (expected && !matchesExpected(w.displayName, w.tags, expected))
        refuse(409, 'PUT', 'meshworkspaces', 'the workspace changed since the plan was made');
      const t = updateWorkspace(
        this.platform.model(name),
        this.platform.modelContext(this.username),
        mergeTags(w.tags, change.tags),
      );
      refuseIfRefused(t, 'PUT', 'meshworkspaces');
      Object.assign(w, { displayName: change.displayName, tags: mutableTags(t.state.tags) });
    },
    delete: async (name: string, reason: string) => {
      this.write('DELETE');
      const w = this.platform.workspaces.get(name);
      if (!w || w.deleted) return;
      const t = deleteWorkspace(this.platform.model(name), this.platform.modelContext(this.username));
      refuseIfRefused(t, 'DELETE', 'meshworkspaces');
      if (t.outcome.class === 'waits')
        refuse(
          409,
          'DELETE',
          'meshworkspaces',
          `meshWorkspace '${name}' still has ${t.outcome.for.length} project(s) being deleted; wait until they are gone`,
        );
      this.platform.commit(name, t, this.username);
      this.platform.event(name, 'CUSTOMER_DELETED', this.username, { reason });
    },
  };

  public readonly projects = {
    list: async (filter: ProjectFilter = {}) => {
      const states = filter.states ?? ['ACTIVE'];
      const all = filter.workspace
        ? this.platform.allProjects().filter((p) => p.workspace === filter.workspace)
        : this.platform.allProjects();
      const sees = this.projectFilter();
      const shown = all
        .filter((p) => states.includes(p.state ?? 'ACTIVE') && sees(p.workspace, p.name))
        .map(({ deletionRequestedAt: _at, ...p }) => p);
      return this.readList(shown);
    },
    create: async (p: LiveProject) => {
      this.write('POST');
      this.writable(p.workspace, 'POST', 'meshprojects');
      const existing = this.platform.project(p.workspace, p.name);
      if (existing && existing.state === undefined) return; // a repeated create: the HTTP client resolves its 409
      const t = createProject(
        this.platform.model(p.workspace),
        this.platform.modelContext(this.username),
        p.name,
        p.tags,
      );
      refuseIfRefused(t, 'POST', 'meshprojects');
      const created = t.state.projects.find((x) => x.name === p.name)!;
      this.platform.putProject({
        workspace: p.workspace,
        name: p.name,
        displayName: p.displayName,
        tags: mutableTags(created.tags),
      });
    },
    update: async (workspace: string, name: string, change: AttributeChange, expected?: AttributeChange) => {
      this.stats.count('GET');
      this.write('PUT');
      this.writable(workspace, 'PUT', 'meshprojects');
      const p = this.platform.project(workspace, name);
      if (!p || p.state !== undefined) refuse(404, 'PUT', 'meshprojects', `project '${workspace}.${name}' not found`);
      if (expected && !matchesExpected(p.displayName, p.tags, expected))
        refuse(409, 'PUT', 'meshprojects', 'the project changed since the plan was made');
      const t = updateProject(
        this.platform.model(workspace),
        this.platform.modelContext(this.username),
        name,
        mergeTags(p.tags, change.tags),
      );
      refuseIfRefused(t, 'PUT', 'meshprojects');
      const updated = t.state.projects.find((x) => x.name === name)!;
      this.platform.putProject({ ...p, displayName: change.displayName, tags: mutableTags(updated.tags) });
    },
    delete: async (workspace: string, name: string) => {
      this.write('DELETE');
      const p = this.platform.project(workspace, name);
      if (!p || p.state !== undefined) return;
      this.writable(workspace, 'DELETE', 'meshprojects');
      const t = deleteProject(this.platform.model(workspace), this.platform.modelContext(this.username), name);
      refuseIfRefused(t, 'DELETE', 'meshprojects');
      this.platform.commit(workspace, t, this.username);
    },
  };

  public readonly bindings = {
    listWorkspaceBindings: async (filter: BindingFilter = {}) => {
      const names = filter.workspaces ?? (filter.workspace !== undefined ? [filter.workspace] : undefined);
      if (!names)
        return this.readList(
          this.platform.allWorkspaceBindings().filter((b) => this.visible(b.workspace)),
          (b) => b.subjectKind,
        );
      // As over HTTP: user bindings filtered by the platform per workspace, group bindings listed whole once.
      const visible = this.platform.allWorkspaceBindings().filter((b) => this.visible(b.workspace));
      const users = names.flatMap((ws) =>
        this.readList(visible.filter((b) => b.subjectKind === 'User' && b.workspace === ws)),
      );
      const groups = this.readList(visible.filter((b) => b.subjectKind === 'Group'));
      return [...users, ...groups.filter((b) => names.includes(b.workspace))];
    },
    listProjectBindings: async (workspace: string, project: string) =>
      this.readList(
        this.projectFilter()(workspace, project) ? this.platform.projectBindings(workspace, project) : [],
        (b) => b.subjectKind,
      ),
    create: async (b: BindingRequest): Promise<CreateOutcome> => {
      this.write('POST');
      const p = this.platform;
      const path = b.project ? 'meshprojectbindings' : 'meshworkspacebindings';
      this.writable(b.workspace, 'POST', path);
      const existing = p.binding(b.name);
      if (existing) {
        // A repeated create: the HTTP client reads its 409 back and finds the same binding.
        if (
          existing.subject === b.subject &&
          existing.role === b.role &&
          existing.workspace === b.workspace &&
          existing.project === b.project
        )
          return { status: 'created' };
        refuse(409, 'POST', path, `binding name '${b.name}' is taken`);
      }
      const pending = [...p.requests.values()].find((r) => r.bindingName === b.name && r.status === 'PENDING');
      if (pending) return { status: 'pending', requestId: pending.id };
      const t = grant(p.model(b.workspace), p.modelContext(this.username), {
        name: b.name,
        ...(b.project ? { project: b.project } : {}),
        subjectKind: b.subjectKind,
        subject: b.subject,
        role: b.role,
        ...(b.expiryDate ? { expiryDate: b.expiryDate } : {}),
        ...(b.invitation ? { invitation: true } : {}),
      });
      // The platform's 409 for a binding held already, as the HTTP client reads it back: the grant is done.
      if (t.outcome.class === 'refused' && t.outcome.refusal.rule === 'binding-exists') return { status: 'created' };
      refuseIfRefused(t, 'POST', path);
      if (t.outcome.class === 'needs-approval') {
        const id = p.newId();
        p.setRequest({
          id,
          status: 'PENDING',
          workspace: b.workspace,
          ...(b.project ? { project: b.project } : {}),
          bindingName: b.name,
          subjectKind: b.subjectKind,
          subject: b.subject,
          role: b.role,
          ...(b.expiryDate ? { expiryDate: b.expiryDate } : {}),
          requestedBy: this.username,
          requestedAt: p.clock.toISOString(),
          approvals: [this.username],
        });
        return { status: 'pending', requestId: id };
      }
      if (b.invitation && !b.project)
        p.invitations.set(b.subject, new Set([...(p.invitations.get(b.subject) ?? []), b.workspace]));
      p.commit(b.workspace, t, this.username, b.reason ? { reason: b.reason } : {});
      return { status: 'created' };
    },
    delete: async (b: Pick<LiveBinding, 'name' | 'project' | 'subjectKind'>) => {
      this.write('DELETE');
      const p = this.platform;
      const live = p.binding(b.name);
      if (!live) return;
      this.writable(live.workspace, 'DELETE', 'bindings');
      const t = remove(p.model(live.workspace), p.modelContext(this.username), b.name);
      refuseIfRefused(t, 'DELETE', 'bindings');
      p.commit(live.workspace, t, this.username);
    },
  };

  public readonly tagDefinitions = {
    list: async () => this.readList([...this.platform.tagDefinitions.values()]),
    put: async (def: TagDefinition) => {
      this.stats.count('GET');
      this.write('PUT');
      const denied = tagDefinitionRefusal(this.platform.modelContext(this.username), def);
      if (denied) refuse(denied.status, 'PUT', 'meshtagdefinitions', ruleMessage(denied.rule, denied.params));
      this.platform.tagDefinitions.set(def.metadata.name, {
        ...copy(def),
        spec: { ...this.platform.tagDefinitions.get(def.metadata.name)?.spec, ...copy(def.spec) },
      });
    },
  };

  public readonly users = {
    find: async (filter: UserFilter) =>
      this.readList(
        this.platform.users.filter(
          (u) => (!filter.email || u.email === filter.email) && (!filter.username || u.username === filter.username),
        ),
      ),
    seesEveryone: async () => this.read(this.partner),
  };

  public readonly projectRoles = {
    list: async () => this.readList([...this.platform.projectRoles]),
  };

  public readonly groups = {
    list: async (workspace: string) =>
      this.readList(
        this.visible(workspace)
          ? [...this.platform.groups.entries()]
              .filter(([k]) => k.startsWith(`${workspace}.`))
              .map(([k, members]) => ({ workspace, name: k.slice(workspace.length + 1), members: [...members] }))
          : [],
      ),
  };

  public async info() {
    return this.read({ version: '2026.34.0', fourEyesEnabled: this.platform.settings.fourEyes.enabled });
  }

  public readonly extensions = {
    // Read once per client, as the HTTP client caches it.
    capabilities: async (): Promise<Capability[]> => this.once('capabilities', () => CAPABILITIES),
    whoami: async () => {
      const workspaces: Record<string, string[]> = {};
      for (const w of this.platform.workspaces.keys()) {
        const roles = this.platform.rolesOf(this.username, w);
        if (roles.length) workspaces[w] = roles.sort();
      }
      return this.read({ username: this.username, partner: this.partner, workspaces });
    },
    settings: async () =>
      this.read({
        fourEyes: this.platform.settings.fourEyes,
        recertification: this.platform.settings.recertification,
        restrictCustomerAdminRoleAssignment: this.platform.settings.restrictCustomerAdminRoleAssignment,
      }),
    workspaceStatuses: async (filter: WorkspacesFilter = {}): Promise<WorkspaceStatus[]> =>
      this.read(
        [...this.platform.workspaces.values()]
          .filter(
            (w) => !w.deleted && this.visible(w.name) && (!filter.workspaces || filter.workspaces.includes(w.name)),
          )
          .map((w) => this.statusOf(w)),
      ),
    setQuota: async (workspace: string, maxProjects: number | null) => {
      this.write('PUT');
      const w = this.platform.workspaces.get(workspace);
      const t = setQuota(this.platform.model(workspace), this.platform.modelContext(this.username), maxProjects);
      refuseIfRefused(t, 'PUT', 'quota');
      if (!w || w.deleted) refuse(404, 'PUT', 'quota', `meshWorkspace '${workspace}' not found`);
      if (w.quota !== maxProjects)
        this.platform.event(workspace, 'CUSTOMER_QUOTA_EDITED', this.username, { before: w.quota, after: maxProjects });
      w.quota = maxProjects;
    },
    setStatus: async (workspace: string, status: 'active' | 'disabled') => {
      this.write('PUT');
      const w = this.platform.workspaces.get(workspace);
      refuseIfRefused(
        setStatus(this.platform.model(workspace), this.platform.modelContext(this.username), status),
        'PUT',
        'status',
      );
      if (!w || w.deleted) refuse(404, 'PUT', 'status', `meshWorkspace '${workspace}' not found`);
      if (w.status !== status)
        this.platform.event(workspace, 'CUSTOMER_STATUS_CHANGED', this.username, { before: w.status, after: status });
      w.status = status;
    },
    listRequests: async (filter: WorkspacesFilter & { status?: string } = {}) =>
      this.read(
        [...this.platform.requests.values()].filter(
          (r) =>
            this.visible(r.workspace) &&
            (!filter.workspaces || filter.workspaces.includes(r.workspace)) &&
            (!filter.status || r.status === filter.status),
        ),
      ),
    decideRequest: async (id: string, decision: 'approve' | 'decline' | 'cancel') => {
      this.write('POST');
      const p = this.platform;
      const r = p.requests.get(id);
      if (!r) refuse(404, 'POST', 'role-requests', 'not found');
      if (r.status !== 'PENDING') refuse(409, 'POST', 'role-requests', `already ${r.status}`);
      if (decision !== 'approve') {
        const manages = managesWorkspace({ partner: this.partner, roles: p.rolesOf(this.username, r.workspace) });
        if (!manages && r.requestedBy !== this.username)
          refuse(
            403,
            'POST',
            'role-requests',
            'only a Workspace Owner/Manager, a partner or the requester may end this request',
          );
        p.setRequest({ ...r, status: decision === 'decline' ? 'DECLINED' : 'CANCELLED' });
        return copy(p.requests.get(id)!);
      }
      const t = approve(p.model(r.workspace), p.modelContext(this.username), r.bindingName);
      refuseIfRefused(t, 'POST', 'role-requests');
      const approvals = [...r.approvals, this.username];
      p.setRequest({ ...r, approvals, status: t.outcome.class === 'applied' ? 'APPROVED' : 'PENDING' });
      p.commit(r.workspace, t, this.username);
      return copy(p.requests.get(id)!);
    },
    events: async (workspace: string) => {
      const sees = this.projectFilter();
      return this.read(this.platform.events(workspace).filter((e) => !e.project || sees(workspace, e.project)));
    },
    clock: async () => new Date(this.read(this.platform.clock)),
  };
}

export type { RoleRequest };
