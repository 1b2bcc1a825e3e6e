/** The Owner rules: at most two Owners at every step, never none on the way, and who may assign and remove the role. */
import { MAX_WORKSPACE_OWNERS, WORKSPACE_OWNER, mayAssignOwner, mayRemoveOwner } from '../../../core/rules';
import { finding } from '../findings';
import { type WorkspaceRule, grants, nonPartnerCaller, removals } from './context';

export const ownerLimit: WorkspaceRule = (ctx) =>
  Math.max(...ctx.ownerCounts) > MAX_WORKSPACE_OWNERS
    ? [finding('owner-limit', { workspace: ctx.name, counts: [...ctx.ownerCounts] }, ctx.name)]
    : [];

export const lastOwner: WorkspaceRule = (ctx) => {
  const before = ctx.ownerCounts[0];
  const after = ctx.ownerCounts[ctx.ownerCounts.length - 1];
  return ctx.ws && before > 0 && after === 0 && !ctx.options.allowLastOwnerRemoval
    ? [finding('last-owner', { workspace: ctx.name }, ctx.name)]
    : [];
};

export const ownerGrantRights: WorkspaceRule = (ctx) => {
  const caller = nonPartnerCaller(ctx);
  if (!caller || !ctx.ws) return [];
  const assigns = grants(ctx).some((s) => s.kind === 'workspace-binding' && s.grant.role === WORKSPACE_OWNER);
  return assigns && !mayAssignOwner({ partner: false, roles: ctx.callerRoles }, ctx.ownerCounts[0])
    ? [finding('owner-grant-rights', { workspace: ctx.name, caller: caller.username }, ctx.name)]
    : [];
};

export const ownerRemovalRights: WorkspaceRule = (ctx) => {
  const caller = nonPartnerCaller(ctx);
  if (!caller || !ctx.ws) return [];
  // An expired Owner is removed by the platform itself; only removals meshform makes need the right.
  const owners = removals(ctx)
    .filter((s) => s.kind === 'workspace-binding' && s.binding.role === WORKSPACE_OWNER && s.reason !== 'expired')
    .map((s) => s.binding.subject);
  return owners.length && !mayRemoveOwner({ partner: false, roles: ctx.callerRoles })
    ? [finding('owner-removal-rights', { workspace: ctx.name, caller: caller.username, owners }, ctx.name)]
    : [];
};
