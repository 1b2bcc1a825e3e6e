/**
 * What a caller sees of a workspace (the sandbox and meshStack alike): its Owners, Managers and
 * partners see every project; a Member sees only the projects it holds a role on, itself or through a
 * group it is in (seed 004: a group's members get the group's rights).
 */
import { managesWorkspace } from '../rules';
import { actorRoles } from './access';
import { membersOf } from './membership';
import { type Actor, type ModelBinding, type WorkspaceModel, isKnown } from './state';

/** The projects the actor sees, or 'all'. */
export function visibleProjects(ws: WorkspaceModel, actor: Actor): 'all' | Set<string> {
  if (managesWorkspace({ partner: actor.partner, roles: actorRoles(ws, actor) })) return 'all';
  const holds = (b: ModelBinding) => {
    if (b.subjectKind === 'User') return b.subject === actor.username;
    const members = membersOf(ws, b.subject);
    return isKnown(members) && members.includes(actor.username);
  };
  return new Set(ws.bindings.filter((b) => b.project !== undefined && holds(b)).map((b) => b.project!));
}
