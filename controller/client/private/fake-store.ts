/**
 * The in-memory platform's data, indexed so that it stays linear at benchmark sizes (10k workspaces,
 * 100k bindings): workspaces, projects (with meshStack's asynchronous deletion), bindings, 4-eyes
 * requests, tag definitions, users, workspace user groups, settings, the clock and the history.
 */
import { parseExpiry } from '../../../core/expiry';
import {
  type Change,
  type ModelBinding,
  type ModelContext,
  type Transition,
  type WorkspaceModel,
  UNKNOWN,
  modelRequest,
  expire,
  rolesOf,
} from '../../../core/model';
import { DEFAULT_PROJECT_ROLES } from '../../../core/rules';
import type { TagDefinition } from '../../../schemas/desired-state.generated';
import type { LiveBinding, LiveProject, LiveUser, RoleRequest, WorkspaceEvent } from '../types';

export interface FakeWorkspace {
  name: string;
  displayName: string;
  tags: Record<string, string[]>;
  deleted: boolean;
  status: 'active' | 'disabled';
  approval: 'approved' | 'pending';
  quota: number | null;
}

/** A project, and since when its deletion is pending (meshStack deletes asynchronously). */
export type FakeProject = LiveProject & { deletionRequestedAt?: number };

export interface FakeSettings {
  fourEyes: { enabled: boolean; minApprovalCount: number };
  recertification: Record<string, number>;
  restrictCustomerAdminRoleAssignment: boolean;
  workspaceApprovalRequired: boolean;
  /** How long a project stays pending deletion, standing in for its tenants' deletion. */
  projectDeletionDelayMs: number;
}

/** Adds `value` under `key` in a map of maps. */
function indexAdd<T>(index: Map<string, Map<string, T>>, key: string, name: string, value: T): void {
  const inner = index.get(key) ?? new Map<string, T>();
  inner.set(name, value);
  index.set(key, inner);
}

export class FakeStore {
  public readonly workspaces = new Map<string, FakeWorkspace>();
  public readonly requests = new Map<string, RoleRequest>();
  public readonly tagDefinitions = new Map<string, TagDefinition>();
  public readonly partners = new Set<string>(['partner.admin']);
  public readonly users: LiveUser[] = ['alice', 'bob', 'carol', 'dave', 'erin', 'partner.admin'].map((u) => ({
    username: u,
    email: `${u}@example.com`,
  }));
  /** Workspace user groups (read-only in meshStack's API) by `<workspace>.<group>`, with their members, as the sandbox seeds them. */
  public readonly groups = new Map<string, string[]>([
    ['payments.payments-devs', ['carol', 'erin']],
    ['checkout.checkout-devs', ['erin']],
  ]);
  /** The platform's project roles by display name (meshProjectRole), highest rank first. */
  public projectRoles: string[] = [...DEFAULT_PROJECT_ROLES];
  /** Open invitations: e-mail → workspaces it was invited to (matched at the user's first login). */
  public readonly invitations = new Map<string, Set<string>>();
  public settings: FakeSettings = {
    fourEyes: { enabled: false, minApprovalCount: 2 },
    recertification: {},
    restrictCustomerAdminRoleAssignment: false,
    workspaceApprovalRequired: false,
    projectDeletionDelayMs: 60_000,
  };
  private time = new Date('2026-11-25T12:00:00Z');
  /** Time moving on removes what expired, before anything reads it (as the platform's own sweep does). */
  public get clock(): Date {
    return this.time;
  }
  public set clock(at: Date) {
    this.time = at;
    this.sweep();
  }
  private nextId = 1;
  private readonly bindingsByName = new Map<string, LiveBinding>();
  private readonly workspaceBindingsIndex = new Map<string, Map<string, LiveBinding>>();
  private readonly projectBindingsIndex = new Map<string, Map<string, LiveBinding>>();
  private readonly projectsIndex = new Map<string, Map<string, FakeProject>>();
  private readonly pendingByBinding = new Map<string, string>();
  private readonly eventsIndex = new Map<string, WorkspaceEvent[]>();
  /** The earliest moment something falls due (an expiry, a deletion finishing): nothing to sweep before it. */
  private nextDue = Infinity;

  // Kept as properties of the platform for the tests that set them directly.
  public get fourEyes() {
    return this.settings.fourEyes;
  }
  public set fourEyes(v: { enabled: boolean; minApprovalCount: number }) {
    this.settings = { ...this.settings, fourEyes: v };
  }
  public get recertification() {
    return this.settings.recertification;
  }
  public set recertification(v: Record<string, number>) {
    this.settings = { ...this.settings, recertification: v };
  }

  public binding(name: string): LiveBinding | undefined {
    return this.bindingsByName.get(name);
  }

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
    if (b.expiryDate) this.nextDue = Math.min(this.nextDue, parseExpiry(b.expiryDate)?.endsAt.getTime() ?? -Infinity);
  }

  public removeBinding(name: string): LiveBinding | undefined {
    const b = this.bindingsByName.get(name);
    if (!b) return undefined;
    this.bindingsByName.delete(name);
    if (b.project) this.projectBindingsIndex.get(`${b.workspace}.${b.project}`)?.delete(name);
    else this.workspaceBindingsIndex.get(b.workspace)?.delete(name);
    return b;
  }

  /** An active or pending-deletion project. */
  public project(workspace: string, name: string): FakeProject | undefined {
    return this.projectsIndex.get(workspace)?.get(name);
  }

  /** Projects of a workspace that are not being deleted. */
  public projectsOf(workspace: string): FakeProject[] {
    return [...(this.projectsIndex.get(workspace)?.values() ?? [])].filter((p) => p.state === undefined);
  }

  /** Every project still there: active and pending deletion. */
  public allProjects(): FakeProject[] {
    return [...this.projectsIndex.values()].flatMap((m) => [...m.values()]);
  }

  public putProject(p: FakeProject): void {
    indexAdd(this.projectsIndex, p.workspace, p.name, p);
  }

  /** Deletion starts (its bindings go with the model's changes); it is gone once the delay passed (see sweep). */
  private startProjectDeletion(workspace: string, name: string): void {
    const p = this.project(workspace, name);
    if (!p) return;
    this.putProject({ ...p, state: 'PENDING_DELETION', deletionRequestedAt: this.clock.getTime() });
    this.nextDue = Math.min(this.nextDue, this.clock.getTime() + this.settings.projectDeletionDelayMs);
  }

  public setRequest(r: RoleRequest): void {
    this.requests.set(r.id, r);
    if (r.status === 'PENDING') this.pendingByBinding.set(r.bindingName, r.id);
    else if (this.pendingByBinding.get(r.bindingName) === r.id) this.pendingByBinding.delete(r.bindingName);
  }

  public hasPendingRequest(bindingName: string): boolean {
    return this.pendingByBinding.has(bindingName);
  }

  /** The workspace as the platform model (core/model) holds it: what every decision of the fake is made on. */
  public model(workspace: string): WorkspaceModel {
    const w = this.workspaces.get(workspace);
    const projects = [...(this.projectsIndex.get(workspace)?.values() ?? [])];
    const prefix = `${workspace}.`;
    return {
      name: workspace,
      exists: !w ? 'absent' : w.deleted ? 'deleted' : 'live',
      tags: w?.tags ?? {},
      quota: w ? w.quota : null,
      state: w ? { status: w.status, approval: w.approval } : UNKNOWN,
      bindings: [
        ...this.workspaceBindings(workspace),
        ...projects.flatMap((p) => this.projectBindings(workspace, p.name)),
      ],
      projects: projects.map((p) => ({
        name: p.name,
        state: p.state === undefined ? 'active' : 'deleting',
        tags: p.tags,
      })),
      requests: [...this.pendingByBinding.values()]
        .map((id) => this.requests.get(id)!)
        .filter((r) => r.workspace === workspace)
        .map(modelRequest),
      groupMembers: Object.fromEntries(
        [...this.groups.entries()].filter(([k]) => k.startsWith(prefix)).map(([k, m]) => [k.slice(prefix.length), m]),
      ),
    };
  }

  /** The settings, the clock and the caller as the model decides with them. */
  public modelContext(username: string): ModelContext {
    return {
      now: this.clock,
      actor: { username, partner: this.partners.has(username) },
      settings: {
        fourEyes: this.settings.fourEyes,
        recertification: this.settings.recertification,
        restrictCustomerAdminRoleAssignment: this.settings.restrictCustomerAdminRoleAssignment,
        projectRoles: this.projectRoles,
        users: new Set(this.users.map((u) => u.username)),
        tagDefinitions: [...this.tagDefinitions.values()],
      },
    };
  }

  /** A user's roles in a workspace, held directly or through one of its user groups. */
  public rolesOf(username: string, workspace: string): string[] {
    // Visibility asks this for every listed workspace: the model of its workspace bindings and their groups is enough.
    const bindings = this.workspaceBindings(workspace);
    const groups = bindings
      .filter((b) => b.subjectKind === 'Group')
      .map((b) => [b.subject, this.groups.get(`${workspace}.${b.subject}`) ?? []] as const);
    const model: WorkspaceModel = {
      name: workspace,
      exists: 'live',
      tags: {},
      quota: UNKNOWN,
      state: UNKNOWN,
      bindings,
      projects: [],
      requests: [],
      groupMembers: Object.fromEntries(groups),
    };
    return [...rolesOf(model, username).roles];
  }

  /**
   * Writes a transition's changes to the store, with the platform's events: bindings added and
   * removed (a subject's project roles go with its last workspace role), requests, deletions.
   * `details` adds to a new binding's event (the grant's reason).
   */
  public commit(workspace: string, t: Transition, actor: string, details: Record<string, unknown> = {}): void {
    for (const c of t.changes) this.change(workspace, c, actor, details);
  }

  private change(workspace: string, c: Change, actor: string, extra: Record<string, unknown>): void {
    const about = (b: ModelBinding) => ({
      subjectKind: b.subjectKind,
      subject: b.subject,
      role: b.role,
      ...(b.expiryDate ? { expiryDate: b.expiryDate } : {}),
    });
    switch (c.kind) {
      case 'binding-added':
        this.addBinding({ ...c.binding, workspace });
        this.event(
          workspace,
          c.binding.project ? 'PROJECT_USER_ASSIGNED' : 'USER_INVITED',
          actor,
          { ...about(c.binding), added: true, ...extra },
          c.binding.project,
        );
        return;
      case 'binding-removed':
        this.removeBinding(c.binding.name);
        // A project's deletion takes its bindings along without an event of their own.
        if (c.reason === 'project deleted') return;
        this.event(
          workspace,
          c.binding.project ? 'PROJECT_USER_REMOVED' : 'USER_REMOVED',
          c.reason === 'expired' ? 'meshStack (expiry)' : actor,
          { ...about(c.binding), reason: c.reason },
          c.binding.project,
        );
        return;
      case 'project-deleting':
        this.startProjectDeletion(workspace, c.project);
        return;
      case 'workspace-deleted': {
        for (const r of this.requests.values())
          if (r.workspace === workspace && r.status === 'PENDING') this.setRequest({ ...r, status: 'CANCELLED' });
        this.workspaces.get(workspace)!.deleted = true;
        return;
      }
      case 'request-filed':
      case 'request-decided':
        // Requests carry ids and timestamps of the platform's own: the client files and decides them.
        return;
    }
  }

  /** Removes bindings past their expiry and finishes due project deletions, as the platform's sweep does. */
  public sweep(): void {
    const now = this.clock.getTime();
    if (now < this.nextDue) return;
    this.nextDue = Infinity;
    // Each workspace's sweep is the model's: in the order they fell due, a subject's project roles with its last workspace role.
    const due = new Set<string>();
    for (const b of this.bindingsByName.values()) {
      const at = b.expiryDate ? parseExpiry(b.expiryDate)?.endsAt.getTime() : undefined;
      if (at === undefined) continue;
      if (now >= at) due.add(b.workspace);
      else this.nextDue = Math.min(this.nextDue, at);
    }
    for (const ws of due) this.commit(ws, expire(this.model(ws), this.clock), 'meshStack (expiry)');
    for (const p of this.allProjects()) {
      if (p.deletionRequestedAt === undefined) continue;
      const due = p.deletionRequestedAt + this.settings.projectDeletionDelayMs;
      if (now >= due) this.projectsIndex.get(p.workspace)?.delete(p.name);
      else this.nextDue = Math.min(this.nextDue, due);
    }
  }

  public event(
    workspace: string,
    type: string,
    actor: string,
    details: Record<string, unknown>,
    project?: string,
  ): void {
    const list = this.eventsIndex.get(workspace) ?? [];
    list.push({ type, actor, at: this.clock.toISOString(), ...(project ? { project } : {}), details });
    this.eventsIndex.set(workspace, list);
  }

  public events(workspace: string): WorkspaceEvent[] {
    return this.eventsIndex.get(workspace) ?? [];
  }

  /**
   * A user's first login: open invitations to their e-mail are accepted, and the bindings made for
   * the e-mail now name the username (as meshStack matches invitations).
   */
  public firstLogin(username: string, email: string): string[] {
    if (!this.users.some((u) => u.username === username)) this.users.push({ username, email });
    const workspaces = [...(this.invitations.get(email) ?? [])];
    for (const ws of workspaces) {
      const renamed = [
        ...this.workspaceBindings(ws),
        ...this.allProjects()
          .filter((p) => p.workspace === ws)
          .flatMap((p) => this.projectBindings(ws, p.name)),
      ].filter((b) => b.subjectKind === 'User' && b.subject === email);
      for (const b of renamed) {
        this.removeBinding(b.name);
        this.addBinding({ ...b, subject: username });
      }
      this.event(ws, 'USER_ACCEPTED_INVITATION', username, { email });
    }
    this.invitations.delete(email);
    return workspaces;
  }

  public newId(): string {
    return `req-${this.nextId++}`;
  }
}
