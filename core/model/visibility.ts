/**
 * What a caller sees of a workspace (the sandbox and meshStack alike): its Owners, Managers and
 * partners see every project; a Member sees only the projects it holds a role on itself.
 */
import { managesWorkspace } from '../rules';
import { actorRoles } from './access';
import type { Actor, WorkspaceModel } from './state';

/** The projects the actor sees, or 'all'. */
export function visibleProjects(ws: WorkspaceModel, actor: Actor): 'all' | Set<string> {
  if (managesWorkspace({ partner: actor.partner, roles: actorRoles(ws, actor) })) return 'all';
  return new Set(
    ws.bindings
      .filter((b) => b.project !== undefined && b.subjectKind === 'User' && b.subject === actor.username)
      .map((b) => b.project!),
  );
}
