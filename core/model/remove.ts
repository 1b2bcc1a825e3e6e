/**
 * Removing a binding, by someone or by its expiry (seed: "When removing someone from the meshWorkspace,
 * the user or group is automatically removed from all projects it has access to"; "After the
 * expiration date, users will be automatically unassigned").
 */
import { isExpired, parseExpiry } from '../expiry';
import { WORKSPACE_OWNER, mayRemoveOwner } from '../rules';
import { actorRoles, writeRefusal } from './access';
import { type Change, type Transition, refused } from './outcome';
import { type ModelBinding, type ModelContext, type WorkspaceModel, isKnown } from './state';
import { keyOf } from './subjects';

/** The binding goes; a subject left without a workspace binding leaves the workspace's projects too. */
function without(
  ws: WorkspaceModel,
  b: ModelBinding,
  reason: 'removed' | 'expired',
): { state: WorkspaceModel; changes: Change[] } {
  const rest = ws.bindings.filter((x) => x.name !== b.name);
  const changes: Change[] = [{ kind: 'binding-removed', binding: b, reason }];
  if (b.project !== undefined || rest.some((x) => x.project === undefined && keyOf(x) === keyOf(b)))
    return { state: { ...ws, bindings: rest }, changes };
  const cascade = rest.filter((x) => x.project !== undefined && keyOf(x) === keyOf(b));
  for (const x of cascade) changes.push({ kind: 'binding-removed', binding: x, reason: 'removed from workspace' });
  return { state: { ...ws, bindings: rest.filter((x) => !cascade.includes(x)) }, changes };
}

/** A removal by the context's actor: Managers cannot remove an Owner ("Assign Workspace Owner" is the Owners' column). */
export function remove(ws: WorkspaceModel, ctx: ModelContext, bindingName: string): Transition {
  const b = ws.bindings.find((x) => x.name === bindingName);
  // Gone already (expired, or removed by someone else): nothing to do, as the platform's DELETE of a missing binding.
  if (!b) return { state: ws, outcome: { class: 'applied' }, changes: [], unknowns: [] };
  const denied = writeRefusal(ws, ctx);
  if (denied) return refused(ws, denied.rule, denied.status, denied.params as never);
  const expired = b.expiryDate !== undefined && isExpired(b.expiryDate, ctx.now);
  if (
    b.project === undefined &&
    b.role === WORKSPACE_OWNER &&
    !expired &&
    isKnown(ctx.actor) &&
    !mayRemoveOwner({ partner: ctx.actor.partner, roles: actorRoles(ws, ctx.actor) })
  )
    return refused(ws, 'owner-removal-rights', 403, {
      workspace: ws.name,
      caller: ctx.actor.username,
      owners: [b.subject],
    });
  return { ...without(ws, b, 'removed'), outcome: { class: 'applied' }, unknowns: [] };
}

/** The platform's sweep: every binding whose expiry passed goes, in the order they fell due. */
export function expire(ws: WorkspaceModel, now: Date): Transition {
  const due = ws.bindings
    .filter((b) => b.expiryDate !== undefined && isExpired(b.expiryDate, now))
    .sort(
      (a, b) =>
        (parseExpiry(a.expiryDate!)?.endsAt.getTime() ?? 0) - (parseExpiry(b.expiryDate!)?.endsAt.getTime() ?? 0),
    );
  let state = ws;
  const changes: Change[] = [];
  for (const b of due) {
    if (!state.bindings.includes(b)) continue;
    const next = without(state, b, 'expired');
    state = next.state;
    changes.push(...next.changes);
  }
  return { state, outcome: { class: 'applied' }, changes, unknowns: [] };
}
