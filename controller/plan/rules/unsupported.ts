/**
 * What the platform has no API for, said in the plan rather than found at apply: invitations of
 * people it does not know yet (meshStack's API has none), and reasons it will not record (grant and
 * workspace deletion reasons are sandbox extensions).
 */
import type { Finding } from '../../../schemas/plan.generated';
import { finding } from '../findings';
import { type WorkspaceRule, grants } from './context';

export const invitationsUnsupported: WorkspaceRule = (ctx) =>
  ctx.live.platform.capabilities.includes('invitations')
    ? []
    : grants(ctx)
        .filter((g) => g.grant.subject.invitation !== undefined)
        .map((g) =>
          finding(
            'invitation-unsupported',
            {
              subject: g.grant.subject,
              role: g.grant.role,
              ...(g.project !== undefined ? { project: g.project } : {}),
              workspace: ctx.name,
            },
            ctx.name,
          ),
        );

export const reasonsNotRecorded: WorkspaceRule = (ctx) => {
  const caps = ctx.live.platform.capabilities;
  const out: Finding[] = [];
  if (!caps.includes('grant-reasons'))
    for (const g of grants(ctx).filter((x) => x.grant.reason !== undefined))
      out.push(
        finding(
          'reason-not-recorded',
          {
            what: 'grant',
            subject: g.grant.subject,
            role: g.grant.role,
            ...(g.project !== undefined ? { project: g.project } : {}),
          },
          ctx.name,
        ),
      );
  if (!caps.includes('deletion-reasons') && ctx.steps.some((s) => s.kind === 'workspace' && s.action === 'delete'))
    out.push(finding('reason-not-recorded', { what: 'deletion' }, ctx.name));
  return out;
};
