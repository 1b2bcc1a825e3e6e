/**
 * observe(): reads everything a plan needs, with paged list calls per collection and never one GET
 * per object (project bindings are listed per project: meshStack has no other way); a few named
 * workspaces are read with workspace filters instead, so their cost does not grow with the estate.
 * Read-only.
 */
import pLimit from 'p-limit';
import { managesWorkspace, owningStackOf } from '../../core/rules';
import type { ApiClient } from '../client/api';
import type {
  LiveBinding,
  LiveProject,
  LiveWorkspace,
  ProjectState,
  RoleRequest,
  WorkspaceStatus,
} from '../client/types';
import { groupMembersReadable, withGroupMembers } from './groups';
import { type LiveState, type LiveWorkspaceState, type UnreadFact, dictionary } from './live-state';

export interface ObserveOptions {
  /** The workspaces to observe, or every workspace the caller can see (drift reports). */
  readonly workspaces: readonly string[] | 'all';
  /** Parallel project-binding lists. @default 4 */
  readonly concurrency?: number;
  /**
   * E-mails of invited users, looked up one by one (meshStack's unfiltered user list needs admin
   * rights) to match an invitation to the user who accepted it. @default none
   */
  readonly invitedEmails?: readonly string[];
  /** Read the platform's project roles (the manifest declares project bindings). @default false */
  readonly projectRoles?: boolean;
  /** Workspaces whose user groups' members to read (a user may hold a workspace role through a group). @default none */
  readonly groupsOf?: readonly string[];
  /** Look for live workspaces this stack owns beyond `workspaces` (a full plan: code that dropped a workspace). */
  readonly ownedBy?: string;
  /** Called as project-binding lists are read (the part that grows with the estate): for progress on a terminal. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly now: Date;
}

/**
 * Up to this many workspaces are read one by one (by name, and with workspace filters); more are
 * read with paged lists of everything. A Terraform anchor applies one workspace: its cost must not
 * grow with the estate.
 */
export const TARGETED_OBSERVE_MAX = 20;

const LISTED_STATES: readonly ProjectState[] = ['ACTIVE', 'PENDING_DELETION'];

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/**
 * Which wanted identifiers belong to deleted workspaces: read ones say so themselves; a list shows no
 * deleted workspace, so the few wanted ones it lacks (new, or deleted) are read one by one.
 */
async function deletedAmong(api: ApiClient, read: LiveWorkspace[], listedWanted: string[]): Promise<string[]> {
  const deleted = read.filter((w) => w.deleted).map((w) => w.name);
  const listed = new Set(read.map((w) => w.name));
  const missing = listedWanted.filter((n) => !listed.has(n));
  if (missing.length && missing.length <= TARGETED_OBSERVE_MAX) {
    const more = await Promise.all(missing.map((n) => api.workspaces.read(n)));
    deleted.push(...more.filter((w): w is LiveWorkspace => w?.deleted === true).map((w) => w.name));
  }
  return deleted.sort();
}

export async function observe(api: ApiClient, options: ObserveOptions): Promise<LiveState> {
  const [info, capabilities] = await Promise.all([api.info(), api.extensions.capabilities()]);
  const has = (c: string) => capabilities.includes(c as never);
  const targeted =
    options.workspaces !== 'all' && options.workspaces.length <= TARGETED_OBSERVE_MAX ? options.workspaces : undefined;
  const perWorkspace = <T>(read: (ws: string) => Promise<T[]>) =>
    Promise.all(targeted!.map(read)).then((lists) => lists.flat());
  const [
    settings,
    caller,
    tagDefinitions,
    workspaces,
    projects,
    workspaceBindings,
    users,
    statuses,
    requests,
    projectRoles,
    allWorkspaces,
  ] = await Promise.all([
    has('settings') ? api.extensions.settings() : undefined,
    has('whoami') ? api.extensions.whoami() : undefined,
    api.tagDefinitions.list(),
    targeted
      ? perWorkspace(async (ws) => [await api.workspaces.read(ws)].filter((w): w is LiveWorkspace => w !== undefined))
      : api.workspaces.list(),
    // Projects whose deletion is pending still block their identifier and their workspace's deletion.
    targeted
      ? perWorkspace((ws) => api.projects.list({ workspace: ws, states: LISTED_STATES }))
      : api.projects.list({ states: LISTED_STATES }),
    api.bindings.listWorkspaceBindings(targeted ? { workspaces: targeted } : {}),
    Promise.all([...new Set(options.invitedEmails ?? [])].map((email) => api.users.find({ email }))).then((lists) =>
      lists.flat(),
    ),
    // Targeted (an anchor's or a scoped plan's workspaces): filtered, one request, so that the cost grows neither with the estate nor with them.
    !has('workspace-status')
      ? Promise.resolve([] as WorkspaceStatus[])
      : api.extensions.workspaceStatuses(targeted ? { workspaces: targeted } : {}),
    !has('role-requests')
      ? Promise.resolve([] as RoleRequest[])
      : api.extensions.listRequests({ ...(targeted ? { workspaces: targeted } : {}), status: 'PENDING' }),
    options.projectRoles ? api.projectRoles.list() : undefined,
    // Owned workspaces the code no longer names are found in the whole list, which a targeted read does not fetch otherwise.
    options.ownedBy !== undefined && targeted ? api.workspaces.list() : undefined,
  ]);
  const wanted = new Set(options.workspaces === 'all' ? [] : options.workspaces);
  const selected = workspaces.filter((w) => !w.deleted && (options.workspaces === 'all' || wanted.has(w.name)));
  const everyWorkspace = options.ownedBy === undefined ? [] : (allWorkspaces ?? workspaces);
  const leftTheCode = everyWorkspace
    .filter((w) => !w.deleted && !wanted.has(w.name) && owningStackOf(w.tags) === options.ownedBy)
    .map((w) => w.name)
    .sort();
  const deletedWorkspaces = await deletedAmong(api, workspaces, targeted ? [] : [...wanted]);
  const selectedNames = new Set(selected.map((w) => w.name));
  const deletingByWs = groupBy(
    projects.filter((p) => p.state === 'PENDING_DELETION' && selectedNames.has(p.workspace)),
    (p) => p.workspace,
  );
  const projectsByWs = groupBy(
    projects.filter((p) => p.state === undefined && selectedNames.has(p.workspace)),
    (p) => p.workspace,
  );
  const limit = pLimit(options.concurrency ?? 4);
  const projectBindings = new Map<string, LiveBinding[]>();
  const toRead = [...projectsByWs.values()].flat();
  await Promise.all(
    toRead.map((p: LiveProject) =>
      limit(async () => {
        projectBindings.set(`${p.workspace}.${p.name}`, await api.bindings.listProjectBindings(p.workspace, p.name));
        options.onProgress?.(projectBindings.size, toRead.length);
      }),
    ),
  );
  // Sorted by name, so a workspace observed alone and within the whole estate reads the same.
  const byName = (a: LiveBinding, b: LiveBinding) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const bindingsByWs = groupBy([...workspaceBindings].sort(byName), (b) => b.workspace);
  const statusByWs = new Map(statuses.map((s) => [s.name, s]));
  const requestsByWs = groupBy(requests, (r) => r.workspace);
  // A Member sees only the projects it is assigned to (the list is then not the workspace's projects), and not who is in its groups.
  const unread = (ws: string): UnreadFact[] =>
    caller && !managesWorkspace({ partner: caller.partner, roles: caller.workspaces[ws] ?? [] })
      ? ['projects', 'group-members']
      : [];
  const state = dictionary<LiveWorkspaceState>([]);
  for (const ws of selected) {
    state[ws.name] = {
      name: ws.name,
      displayName: ws.displayName,
      tags: ws.tags,
      ...(statusByWs.has(ws.name) ? { status: statusByWs.get(ws.name) } : {}),
      bindings: bindingsByWs.get(ws.name) ?? [],
      projects: dictionary(
        (projectsByWs.get(ws.name) ?? []).map((p): [string, LiveWorkspaceState['projects'][string]] => [
          p.name,
          { ...p, bindings: projectBindings.get(`${p.workspace}.${p.name}`) ?? [] },
        ]),
      ),
      pendingRequests: requestsByWs.get(ws.name) ?? [],
      deletingProjects: (deletingByWs.get(ws.name) ?? []).map((p) => p.name).sort(),
      ...(unread(ws.name).length ? { unread: unread(ws.name) } : {}),
    };
  }
  await Promise.all(
    (options.groupsOf ?? [])
      .filter((w) => state[w] && groupMembersReadable(state[w]))
      .map((w) => limit(async () => void (state[w] = await withGroupMembers(api, state[w])))),
  );
  return {
    observedAt: options.now.toISOString(),
    platform: {
      version: info.version,
      fourEyes: settings?.fourEyes ?? { enabled: info.fourEyesEnabled, minApprovalCount: 2 },
      ...(settings ? { recertification: settings.recertification } : {}),
      ...(settings?.restrictCustomerAdminRoleAssignment !== undefined
        ? { restrictCustomerAdminRoleAssignment: settings.restrictCustomerAdminRoleAssignment }
        : {}),
      capabilities,
    },
    ...(caller ? { caller } : {}),
    tagDefinitions,
    ...(projectRoles ? { projectRoles } : {}),
    workspaces: state,
    deletedWorkspaces,
    usersByEmail: dictionary(users.filter((u) => u.email).map((u) => [u.email, u.username])),
    ...(options.ownedBy !== undefined ? { leftTheCode } : {}),
  };
}
