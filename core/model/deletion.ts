/**
 * Deleting projects and workspaces (seed: Workspace Deletion). A project's deletion is asynchronous:
 * it is "deleting" until its tenants are gone. "The deletion can be performed only by the Workspace
 * Owners", and only once "all meshProjects in the meshWorkspace have been deleted".
 */
import { mayDeleteWorkspace } from '../rules';
import { actorRoles, writeRefusal } from './access';
import { type Change, type Transition, refused } from './outcome';
import { type ModelContext, type WorkspaceModel, isKnown } from './state';

/** A project's deletion starts: its bindings go at once, the project stays until the platform finishes. */
export function deleteProject(ws: WorkspaceModel, ctx: ModelContext, project: string): Transition {
  const p = ws.projects.find((x) => x.name === project);
  if (!p || p.state !== 'active') return { state: ws, outcome: { class: 'applied' }, changes: [], unknowns: [] };
  const denied = writeRefusal(ws, ctx);
  if (denied) return refused(ws, denied.rule, denied.status, denied.params as never);
  const gone = ws.bindings.filter((b) => b.project === project);
  const changes: Change[] = [
    { kind: 'project-deleting', project },
    ...gone.map((binding) => ({ kind: 'binding-removed' as const, binding, reason: 'project deleted' as const })),
  ];
  return {
    state: {
      ...ws,
      projects: ws.projects.map((x) => (x.name === project ? { ...x, state: 'deleting' as const } : x)),
      bindings: ws.bindings.filter((b) => b.project !== project),
    },
    outcome: { class: 'applied' },
    changes,
    unknowns: [],
  };
}

/**
 * The workspace's deletion by the context's actor: the right is checked first (an Owner's or a
 * partner's), then the projects: active ones refuse it, deleting ones make it wait.
 */
export function deleteWorkspace(ws: WorkspaceModel, ctx: ModelContext): Transition {
  if (isKnown(ctx.actor) && !mayDeleteWorkspace({ partner: ctx.actor.partner, roles: actorRoles(ws, ctx.actor) }))
    return refused(ws, 'deletion-rights', 403, { workspace: ws.name, caller: ctx.actor.username });
  const active = ws.projects.filter((p) => p.state === 'active').map((p) => p.name);
  if (active.length) return refused(ws, 'workspace-has-projects', 409, { workspace: ws.name, projects: active });
  const deleting = ws.projects.map((p) => p.name);
  if (deleting.length) return { state: ws, outcome: { class: 'waits', for: deleting }, changes: [], unknowns: [] };
  return {
    state: { ...ws, exists: 'deleted', bindings: [], requests: [] },
    outcome: { class: 'applied' },
    changes: [
      ...ws.bindings.map((binding) => ({ kind: 'binding-removed' as const, binding, reason: 'removed' as const })),
      { kind: 'workspace-deleted' },
    ],
    unknowns: [],
  };
}
