/**
 * The steps of one workspace other than its bindings: the workspace itself (create, attributes,
 * deletion), its status and quota (platform extensions), and its projects. Pure; what is allowed is
 * the rules' business (./rules).
 */
import { changedTagKeys } from '../../core/rules';
import type { Workspace } from '../../schemas/desired-state.generated';
import type {
  Finding,
  ProjectCreateStep,
  ProjectDeleteStep,
  ProjectUpdateStep,
  Step,
  WorkspaceCreateStep,
  WorkspaceDeleteStep,
  WorkspaceQuotaStep,
  WorkspaceStatusStep,
  WorkspaceUpdateStep,
} from '../../schemas/plan.generated';
import { type LiveState, type LiveWorkspaceState, dictionary } from '../observe/live-state';
import { finding } from './findings';

/** The tags to write: only the keys the code declares, with their live values as `before`. */
function tagDiff(
  live: Record<string, string[]>,
  declared: Record<string, string[]>,
  state: LiveState,
  kind: 'meshWorkspace' | 'meshProject',
) {
  const keys = changedTagKeys(live, declared, state.tagDefinitions, kind);
  return {
    keys,
    before: Object.fromEntries(keys.map((k) => [k, live[k] ?? []])),
    after: Object.fromEntries(keys.map((k) => [k, declared[k]])),
  };
}

export function workspaceAttributeStep(
  d: Workspace,
  ws: LiveWorkspaceState | undefined,
  live: LiveState,
): WorkspaceCreateStep | WorkspaceUpdateStep | undefined {
  if (d.spec.ownership !== 'owned') return undefined;
  const name = d.metadata.name;
  const displayName = d.spec.displayName ?? name;
  if (!ws)
    return {
      id: `${name}:workspace:create`,
      kind: 'workspace',
      action: 'create',
      workspace: name,
      reason: 'missing',
      displayName,
      tags: d.metadata.tags,
    };
  const tags = tagDiff(ws.tags, d.metadata.tags, live, 'meshWorkspace');
  if (ws.displayName === displayName && !tags.keys.length) return undefined;
  return {
    id: `${name}:workspace:update`,
    kind: 'workspace',
    action: 'update',
    workspace: name,
    reason: 'changed',
    before: { displayName: ws.displayName, tags: tags.before },
    after: { displayName, tags: tags.after },
  };
}

/** Status lives in a platform extension; a note says so where it is missing. */
export function statusStep(
  d: Workspace,
  ws: LiveWorkspaceState | undefined,
  supported: boolean,
  notes: Finding[],
): WorkspaceStatusStep | undefined {
  if (d.spec.ownership !== 'owned') return undefined;
  const want = d.spec.status ?? 'active';
  const have = ws ? ws.status?.status : 'active';
  if (!supported) {
    if (want !== 'active') notes.push(finding('status-not-enforced', { workspace: d.metadata.name }, d.metadata.name));
    return undefined;
  }
  if (have === want) return undefined;
  return {
    id: `${d.metadata.name}:workspace-status:update`,
    kind: 'workspace-status',
    action: 'update',
    workspace: d.metadata.name,
    reason: 'changed',
    before: have ?? null,
    after: want,
  };
}

export function quotaStep(
  d: Workspace,
  ws: LiveWorkspaceState | undefined,
  supported: boolean,
  notes: Finding[],
): WorkspaceQuotaStep | undefined {
  const want = d.spec.projectQuota;
  if (d.spec.ownership !== 'owned' || want === undefined) return undefined;
  if (!supported) {
    notes.push(finding('quota-not-enforced', { workspace: d.metadata.name }, d.metadata.name));
    return undefined;
  }
  const have = ws?.status?.projectQuota ?? null;
  if (have === want) return undefined;
  return {
    id: `${d.metadata.name}:workspace-quota:update`,
    kind: 'workspace-quota',
    action: 'update',
    workspace: d.metadata.name,
    reason: 'changed',
    before: have,
    after: want,
  };
}

/**
 * Declared projects the key cannot see (it is only a Member there, and sees the projects it is
 * assigned to): whether they exist is unknown, so nothing is planned for them (the rule
 * projects-not-visible refuses instead).
 */
export function unseenProjects(d: Workspace, ws: LiveWorkspaceState | undefined): string[] {
  if (!ws?.unread?.includes('projects')) return [];
  return d.projects.map((p) => p.metadata.name).filter((p) => !ws.projects[p]);
}

/** Creates and updates of declared projects; projects are deleted only where the manifest marks them. */
export function projectSteps(
  d: Workspace,
  ws: LiveWorkspaceState | undefined,
  live: LiveState,
  notes: Finding[],
): Array<ProjectCreateStep | ProjectUpdateStep> {
  const name = d.metadata.name;
  // No prototype: a project named `constructor` is not Object's member.
  const liveProjects = ws?.projects ?? dictionary<LiveWorkspaceState['projects'][string]>([]);
  const steps: Array<ProjectCreateStep | ProjectUpdateStep> = [];
  const unseen = unseenProjects(d, ws);
  for (const p of d.projects) {
    if (p.spec.deletion || unseen.includes(p.metadata.name)) continue;
    const lp = liveProjects[p.metadata.name];
    if (!lp) {
      steps.push({
        id: `${name}:project:${p.metadata.name}:create`,
        kind: 'project',
        action: 'create',
        workspace: name,
        project: p.metadata.name,
        reason: 'missing',
        displayName: p.spec.displayName,
        tags: p.metadata.tags,
      });
      continue;
    }
    const tags = tagDiff(lp.tags, p.metadata.tags, live, 'meshProject');
    if (lp.displayName === p.spec.displayName && !tags.keys.length) continue;
    steps.push({
      id: `${name}:project:${p.metadata.name}:update`,
      kind: 'project',
      action: 'update',
      workspace: name,
      project: p.metadata.name,
      reason: 'changed',
      before: { displayName: lp.displayName, tags: tags.before },
      after: { displayName: p.spec.displayName, tags: tags.after },
    });
  }
  for (const lp of Object.values(liveProjects)) {
    if (!d.projects.some((p) => p.metadata.name === lp.name))
      notes.push(finding('project-not-declared', { workspace: name, project: lp.name }, name));
  }
  return steps;
}

export function projectDeletions(d: Workspace, ws: LiveWorkspaceState | undefined): ProjectDeleteStep[] {
  return d.projects
    .filter((p) => p.spec.deletion && ws?.projects[p.metadata.name])
    .map((p) => ({
      id: `${d.metadata.name}:project:${p.metadata.name}:delete`,
      kind: 'project',
      action: 'delete',
      workspace: d.metadata.name,
      project: p.metadata.name,
      reason: 'declared-deletion',
      deletionReason: p.spec.deletion!.reason,
    }));
}

/**
 * Deleting a workspace: its projects first, then the workspace. meshStack deletes projects
 * asynchronously (their tenants go first) and refuses a workspace delete until they are gone: the
 * dry run (./simulate) marks the workspace's step as waiting for them, and a later run deletes it.
 * The step is planned even then, so that who may delete it is checked before any project goes.
 */
export function deletionSteps(d: Workspace, ws: LiveWorkspaceState, notes: Finding[]): Step[] {
  const name = d.metadata.name;
  const projects = projectDeletions(d, ws);
  const waiting = [...new Set([...projects.map((s) => s.project), ...ws.deletingProjects])].sort();
  if (waiting.length) notes.push(finding('deletion-waits', { workspace: name, projects: waiting }, name));
  const step: WorkspaceDeleteStep = {
    id: `${name}:workspace:delete`,
    kind: 'workspace',
    action: 'delete',
    workspace: name,
    reason: 'declared-deletion',
    displayName: ws.displayName,
    deletionReason: d.spec.deletion!.reason,
  };
  return [...projects, step];
}
