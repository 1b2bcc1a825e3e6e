/**
 * observe(): reads everything a plan needs, with paged list calls per collection and never one GET
 * per object (project bindings are listed per project: meshStack has no other way). Read-only.
 */
import pLimit from 'p-limit';
import type { ApiClient } from '../client/api';
import type { LiveBinding, LiveProject, RoleRequest, WorkspaceStatus } from '../client/types';
import type { LiveState, LiveWorkspaceState } from './live-state';

export interface ObserveOptions {
  /** The workspaces to observe, or every workspace the caller can see (drift reports). */
  readonly workspaces: readonly string[] | 'all';
  /** Parallel project-binding lists. @default 4 */
  readonly concurrency?: number;
  readonly now: Date;
}

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

export async function observe(api: ApiClient, options: ObserveOptions): Promise<LiveState> {
  const [info, capabilities] = await Promise.all([api.info(), api.extensions.capabilities()]);
  const has = (c: string) => capabilities.includes(c as never);
  const [settings, caller, tagDefinitions, workspaces, projects, workspaceBindings, users, statuses, requests] = await Promise.all([
    has('settings') ? api.extensions.settings() : undefined,
    has('whoami') ? api.extensions.whoami() : undefined,
    api.tagDefinitions.list(),
    api.workspaces.list(),
    api.projects.list(),
    api.bindings.listWorkspaceBindings(),
    api.users.list(),
    has('workspace-status') ? api.extensions.workspaceStatuses() : Promise.resolve([] as WorkspaceStatus[]),
    has('role-requests') ? api.extensions.listRequests({ status: 'PENDING' }) : Promise.resolve([] as RoleRequest[]),
  ]);
  const wanted = new Set(options.workspaces === 'all' ? [] : options.workspaces);
  const selected = workspaces.filter((w) => !w.deleted && (options.workspaces === 'all' || wanted.has(w.name)));
  const selectedNames = new Set(selected.map((w) => w.name));
  const projectsByWs = groupBy(projects.filter((p) => selectedNames.has(p.workspace)), (p) => p.workspace);
  const limit = pLimit(options.concurrency ?? 4);
  const projectBindings = new Map<string, LiveBinding[]>();
  await Promise.all(
    [...projectsByWs.values()].flat().map((p: LiveProject) =>
      limit(async () => projectBindings.set(`${p.workspace}.${p.name}`, await api.bindings.listProjectBindings(p.workspace, p.name))),
    ),
  );
  const bindingsByWs = groupBy(workspaceBindings, (b) => b.workspace);
  const statusByWs = new Map(statuses.map((s) => [s.name, s]));
  const requestsByWs = groupBy(requests, (r) => r.workspace);
  const state: Record<string, LiveWorkspaceState> = {};
  for (const ws of selected) {
    state[ws.name] = {
      name: ws.name,
      displayName: ws.displayName,
      tags: ws.tags,
      ...(statusByWs.has(ws.name) ? { status: statusByWs.get(ws.name) } : {}),
      bindings: bindingsByWs.get(ws.name) ?? [],
      projects: Object.fromEntries((projectsByWs.get(ws.name) ?? []).map((p) => [p.name, { ...p, bindings: projectBindings.get(`${p.workspace}.${p.name}`) ?? [] }])),
      pendingRequests: requestsByWs.get(ws.name) ?? [],
    };
  }
  return {
    observedAt: options.now.toISOString(),
    platform: {
      version: info.version,
      fourEyes: settings?.fourEyes ?? { enabled: info.fourEyesEnabled, minApprovalCount: 2 },
      ...(settings ? { recertification: settings.recertification } : {}),
      capabilities,
    },
    ...(caller ? { caller } : {}),
    tagDefinitions,
    workspaces: state,
    usersByEmail: Object.fromEntries(users.filter((u) => u.email).map((u) => [u.email, u.username])),
  };
}
