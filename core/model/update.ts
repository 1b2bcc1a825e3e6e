/**
 * Creating and changing workspaces and projects (seeds: meshWorkspaces, immutable identifiers,
 * Disabling Workspaces; meshStack's tag docs): identifiers are checked once and never change, tags
 * are held to the definitions (./tags), status is a partner's, and only the workspace's Owners and
 * Managers write it (./access).
 */
import { IDENTIFIER_MAX_LENGTH, isValidIdentifier } from '../rules';
import { writeRefusal } from './access';
import { type Transition, appliedAs, refused, refusedBy } from './outcome';
import { quotaReached } from './quota';
import { writeTags } from './tags';
import { type ModelContext, type Tags, type WorkspaceModel, isKnown } from './state';

/** A workspace's creation; one that is live already is a repeated create, with nothing to do. */
export function createWorkspace(ws: WorkspaceModel, ctx: ModelContext, tags: Tags): Transition {
  if (!isValidIdentifier(ws.name))
    return refused(ws, 'identifier-format', 400, { what: 'workspace', id: ws.name, max: IDENTIFIER_MAX_LENGTH });
  if (ws.exists === 'deleted') return refused(ws, 'identifier-deleted', 409, { workspace: ws.name });
  if (ws.exists === 'live') return appliedAs(ws);
  const written = writeTags(ctx, { kind: 'meshWorkspace', workspace: ws.name, before: undefined, requested: tags });
  if ('refusal' in written) return refusedBy(ws, written.refusal);
  return appliedAs({ ...ws, exists: 'live', tags: written.tags });
}

/** The workspace's tags become `tags` (every key it is to have). */
export function updateWorkspace(ws: WorkspaceModel, ctx: ModelContext, tags: Tags): Transition {
  const denied = writeRefusal(ws, ctx);
  if (denied) return refusedBy(ws, denied);
  const written = writeTags(ctx, { kind: 'meshWorkspace', workspace: ws.name, before: ws.tags, requested: tags });
  if ('refusal' in written) return refusedBy(ws, written.refusal);
  return appliedAs({ ...ws, tags: written.tags });
}

/**
 * A project's creation: its identifier, one still taken by a project being deleted, the quota, its
 * tags. An active project of that name is a repeated create, with nothing to do.
 */
export function createProject(ws: WorkspaceModel, ctx: ModelContext, project: string, tags: Tags): Transition {
  const denied = writeRefusal(ws, ctx);
  if (denied) return refusedBy(ws, denied);
  if (!isValidIdentifier(project))
    return refused(ws, 'identifier-format', 400, { what: 'project', id: project, max: IDENTIFIER_MAX_LENGTH });
  const existing = ws.projects.find((p) => p.name === project);
  if (existing?.state === 'active') return appliedAs(ws);
  if (existing) return refused(ws, 'identifier-being-deleted', 409, { workspace: ws.name, project });
  const full = quotaReached(ws);
  if (full) return refusedBy(ws, full);
  const written = writeTags(ctx, {
    kind: 'meshProject',
    workspace: ws.name,
    project,
    before: undefined,
    requested: tags,
  });
  if ('refusal' in written) return refusedBy(ws, written.refusal);
  return appliedAs({ ...ws, projects: [...ws.projects, { name: project, state: 'active', tags: written.tags }] });
}

/** A project's tags become `tags`; a project that is not there (or is being deleted) is the caller's 404. */
export function updateProject(ws: WorkspaceModel, ctx: ModelContext, project: string, tags: Tags): Transition {
  const denied = writeRefusal(ws, ctx);
  if (denied) return refusedBy(ws, denied);
  const p = ws.projects.find((x) => x.name === project && x.state === 'active');
  if (!p) return appliedAs(ws);
  const written = writeTags(ctx, { kind: 'meshProject', workspace: ws.name, project, before: p.tags, requested: tags });
  if ('refusal' in written) return refusedBy(ws, written.refusal);
  return appliedAs({ ...ws, projects: ws.projects.map((x) => (x === p ? { ...p, tags: written.tags } : x)) });
}

/** Enabling or disabling a workspace is a partner's (seed: Disabling Workspaces). */
export function setStatus(ws: WorkspaceModel, ctx: ModelContext, status: 'active' | 'disabled'): Transition {
  if (isKnown(ctx.actor) && !ctx.actor.partner) return refused(ws, 'status-needs-partner', 403, { workspace: ws.name });
  return appliedAs(isKnown(ws.state) ? { ...ws, state: { ...ws.state, status } } : ws);
}
