/** Recertification: an expiry beyond the role's maximum is refused by the platform. */
import { isExpired } from '../../../core/expiry';
import { exceedsMaximum } from '../../../core/rules';
import { finding } from '../findings';
import { type WorkspaceRule, grants } from './context';

export const expiryWithinRecertification: WorkspaceRule = (ctx) =>
  grants(ctx).flatMap((s) => {
    const max = ctx.recertification[s.grant.role];
    const expiry = s.grant.expiryDate;
    if (max === undefined || expiry === undefined || isExpired(expiry, ctx.now) || !exceedsMaximum(expiry, ctx.now, max)) return [];
    return [finding('expiry-beyond-recertification', { subject: s.grant.subject, role: s.grant.role, ...(s.project ? { project: s.project } : {}), expiry, max }, ctx.name)];
  });
