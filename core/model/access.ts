/** Who may change a workspace at all: its Owners and Managers (or a partner), and only while it is writable. */
import { managesWorkspace } from '../rules';
import { writableBy } from '../rules';
import { rolesOf } from './membership';
import { type Refusal, refusal } from './outcome';
import { type Actor, type ModelContext, type WorkspaceModel, isKnown } from './state';

/** The actor's roles in the workspace: held directly, through groups the model knows, or as the platform reported them. */
export function actorRoles(ws: WorkspaceModel, actor: Actor): Set<string> {
  const { roles } = rolesOf(ws, actor.username);
  for (const r of actor.groupRoles ?? []) roles.add(r);
  return roles;
}

/** Why the actor may not change the workspace now, or undefined. An unknown actor is not refused (the platform will say). */
export function writeRefusal(ws: WorkspaceModel, ctx: ModelContext): Refusal | undefined {
  if (!isKnown(ctx.actor)) return undefined;
  const actor = ctx.actor;
  const roles = actorRoles(ws, actor);
  if (!managesWorkspace({ partner: actor.partner, roles }))
    return refusal('caller-rights', 403, { workspace: ws.name, caller: actor.username, roles: [...roles].sort() });
  if (isKnown(ws.state) && !writableBy(ws.state, actor.partner))
    return refusal('workspace-not-writable', 403, {
      workspace: ws.name,
      state: ws.state.approval === 'pending' ? 'pending-approval' : 'disabled',
    });
  return undefined;
}
