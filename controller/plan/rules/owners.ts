/** meshform's Owner policy: never none on the way (the platform would allow it). The Owner limit and who may assign and remove the role are the platform's rules, decided by the dry run (../simulate). */
import { finding } from '../findings';
import type { WorkspaceRule } from './context';

export const lastOwner: WorkspaceRule = (ctx) => {
  const before = ctx.ownerCounts[0];
  const after = ctx.ownerCounts[ctx.ownerCounts.length - 1];
  // A deleted workspace has no Owner left, by design.
  return ctx.ws && !ctx.desired.spec.deletion && before > 0 && after === 0 && !ctx.options.allowLastOwnerRemoval
    ? [finding('last-owner', { workspace: ctx.name }, ctx.name)]
    : [];
};
