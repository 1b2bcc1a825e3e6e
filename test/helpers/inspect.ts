/** Reading a platform back after a test: every binding, keyed like the desired state, and the owner history. */
import type { ApiClient } from '../../controller/client/api';
import type { LiveBinding, WorkspaceEvent } from '../../controller/client/types';
import type { DesiredState } from '../../schemas/desired-state.generated';
import { PARTNER, type SandboxFixture } from './sandbox';

/** A workspace's history, read as the partner from the sandbox's extensions (its control port in the meshstack profile). */
export async function historyOf(f: SandboxFixture, workspace: string): Promise<WorkspaceEvent[]> {
  return (await f.as(PARTNER).events(workspace)) as unknown as WorkspaceEvent[];
}

/** workspace/project/kind:subject=role — what makes a grant the same grant. */
const key = (ws: string, project: string | undefined, kind: string, subject: string, role: string) =>
  `${ws}/${project ?? ''}/${kind}:${subject}=${role}`;

export function desiredKeys(d: DesiredState, only?: (workspace: string) => boolean): string[] {
  return d.workspaces
    .filter((w) => !only || only(w.metadata.name))
    .flatMap((w) => [
      ...w.bindings.map((b) => key(w.metadata.name, undefined, b.subject.kind, b.subject.name, b.roleRef.name)),
      ...w.projects.flatMap((p) =>
        p.bindings.map((b) => key(w.metadata.name, p.metadata.name, b.subject.kind, b.subject.name, b.roleRef.name)),
      ),
    ])
    .sort();
}

/** Every workspace and project binding of `workspaces`, as the platform lists them. */
export async function liveBindings(api: ApiClient, workspaces: string[]): Promise<LiveBinding[]> {
  const wanted = new Set(workspaces);
  const projects = (await api.projects.list()).filter((p) => wanted.has(p.workspace));
  const out = (await api.bindings.listWorkspaceBindings()).filter((b) => wanted.has(b.workspace));
  for (const p of projects) out.push(...(await api.bindings.listProjectBindings(p.workspace, p.name)));
  return out;
}

export function liveKeys(bindings: LiveBinding[]): string[] {
  return bindings.map((b) => key(b.workspace, b.project, b.subjectKind, b.subject, b.role)).sort();
}

/** Keys that occur more than once (a duplicated grant). */
export function duplicated(keys: string[]): string[] {
  return keys.filter((k, i) => keys.indexOf(k) !== i);
}

/**
 * The most Workspace Owners a workspace ever had, replayed from its event history: each grant adds
 * its role, each removal (also by expiry) takes it away.
 */
export function maxOwnersInHistory(events: WorkspaceEvent[]): number {
  const owners = new Set<string>();
  let max = 0;
  for (const e of events) {
    const d = e.details as { role?: string; subject?: string; added?: boolean; removed?: boolean };
    if (d.role !== 'Workspace Owner' || !d.subject || e.project) continue;
    if (d.added) owners.add(d.subject);
    else if (d.removed || e.type === 'USER_REMOVED' || e.type === 'USER_INVITATION_CANCELLED') owners.delete(d.subject);
    max = Math.max(max, owners.size);
  }
  return max;
}
