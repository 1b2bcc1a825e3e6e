/**
 * The in-memory platform's data, indexed so that it stays linear at benchmark sizes (10k workspaces,
 * 100k bindings): workspaces, projects (with meshStack's asynchronous deletion), bindings, 4-eyes
 * requests, tag definitions, users, workspace user groups, settings, the clock and the history.
 */
import { parseExpiry } from '../../../core/expiry';
import { DEFAULT_PROJECT_ROLES, WORKSPACE_MANAGER, WORKSPACE_OWNER } from '../../../core/rules';
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

  /**
   * Removes a binding as the platform does, with its event: a subject left without any workspace role
   * leaves the workspace's projects too.
   */
  public revoke(name: string, actor: string, reason: string): void {
    const b = this.removeBinding(name);
    if (!b) return;
    const details = (x: LiveBinding, why: string) => ({
      subjectKind: x.subjectKind,
      subject: x.subject,
      role: x.role,
      reason: why,
      ...(x.expiryDate ? { expiryDate: x.expiryDate } : {}),
    });
    this.event(b.workspace, b.project ? 'PROJECT_USER_REMOVED' : 'USER_REMOVED', actor, details(b, reason), b.project);
    if (
      b.project ||
      this.workspaceBindings(b.workspace).some((x) => x.subjectKind === b.subjectKind && x.subject === b.subject)
    )
      return;
    for (const project of this.projectsOf(b.workspace)) {
      for (const x of this.projectBindings(b.workspace, project.name)) {
        if (x.subject !== b.subject || x.subjectKind !== b.subjectKind) continue;
        this.removeBinding(x.name);
        this.event(b.workspace, 'PROJECT_USER_REMOVED', actor, details(x, 'removed from workspace'), project.name);
      }
    }
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

  /** Deletion starts: the project's bindings go at once; it is gone once the delay passed (see sweep). */
  public startProjectDeletion(workspace: string, name: string): void {
    const p = this.project(workspace, name);
    if (!p) return;
    this.putProject({ ...p, state: 'PENDING_DELETION', deletionRequestedAt: this.clock.getTime() });
    for (const b of this.projectBindings(workspace, name)) this.removeBinding(b.name);
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

  /** Distinct users holding Owner: a second binding of the same Owner is no second Owner. */
  public owners(workspace: string): number {
    return new Set(
      this.workspaceBindings(workspace)
        .filter((b) => b.role === WORKSPACE_OWNER)
        .map((b) => b.subject),
    ).size;
  }

  /** The roles of a user in a workspace, held directly or through one of its user groups. */
  public rolesOf(username: string, workspace: string): string[] {
    const roles = new Set<string>();
    for (const b of this.workspaceBindings(workspace)) {
      if (b.subjectKind === 'User' && b.subject === username) roles.add(b.role);
      else if (b.subjectKind === 'Group' && this.groups.get(`${workspace}.${b.subject}`)?.includes(username))
        roles.add(b.role);
    }
    return [...roles];
  }

  /** Users who may approve requests in a workspace: its Owners and Managers, bound directly or through a group. */
  public managers(workspace: string): string[] {
    const out = new Set<string>();
    for (const b of this.workspaceBindings(workspace)) {
      if (b.role !== WORKSPACE_OWNER && b.role !== WORKSPACE_MANAGER) continue;
      if (b.subjectKind === 'User') out.add(b.subject);
      else for (const m of this.groups.get(`${workspace}.${b.subject}`) ?? []) out.add(m);
    }
    return [...out].sort();
  }

  /** Removes bindings past their expiry and finishes due project deletions, as the platform's sweep does. */
  public sweep(): void {
    const now = this.clock.getTime();
    if (now < this.nextDue) return;
    this.nextDue = Infinity;
    // In the order they fell due: a project role that ran out before the membership is labelled expired.
    const due: { name: string; at: number }[] = [];
    for (const [name, b] of this.bindingsByName) {
      const at = b.expiryDate ? parseExpiry(b.expiryDate)?.endsAt.getTime() : undefined;
      if (at === undefined) continue;
      if (now >= at) due.push({ name, at });
      else this.nextDue = Math.min(this.nextDue, at);
    }
    for (const { name } of due.sort((a, b) => a.at - b.at)) this.revoke(name, 'meshStack (expiry)', 'expired');
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
