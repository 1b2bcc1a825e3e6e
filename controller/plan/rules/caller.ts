/** Whether the caller may make the plan's changes at all: access management, lock-out, deletion, writable states. */
import {
  WORKSPACE_MANAGER,
  WORKSPACE_OWNER,
  managesWorkspace,
  mayDeleteWorkspace,
  writableBy,
} from '../../../core/rules';
import { approversIn } from '../binding-steps';
import { finding } from '../findings';
import { type WorkspaceRule, grants, nonPartnerCaller, removals } from './context';

export const callerRights: WorkspaceRule = (ctx) => {
  const caller = nonPartnerCaller(ctx);
  if (!caller || !ctx.ws || !ctx.steps.length) return [];
  return managesWorkspace({ partner: false, roles: ctx.callerRoles })
    ? []
    : [
        finding(
          'caller-rights',
          { workspace: ctx.name, caller: caller.username, roles: [...ctx.callerRoles] },
          ctx.name,
        ),
      ];
};

export const selfLockout: WorkspaceRule = (ctx) => {
  const caller = nonPartnerCaller(ctx);
  if (!caller || !ctx.ws || ctx.options.allowSelfLockout) return [];
  const managing = (role: string) => role === WORKSPACE_OWNER || role === WORKSPACE_MANAGER;
  const mine = ctx.ws.bindings.filter(
    (b) => b.subjectKind === 'User' && b.subject === caller.username && managing(b.role),
  );
  const removed = new Set(
    removals(ctx)
      .filter((s) => s.kind === 'workspace-binding' && s.binding.subject === caller.username)
      .map((s) => s.binding.name),
  );
  const regranted = grants(ctx).some(
    (s) => s.kind === 'workspace-binding' && s.grant.subject.name === caller.username && managing(s.grant.role),
  );
  if (!mine.length || !mine.every((b) => removed.has(b.name)) || regranted) return [];
  return [
    finding('self-lockout', { workspace: ctx.name, caller: caller.username, roles: mine.map((b) => b.role) }, ctx.name),
  ];
};

/**
 * 4-eyes lets a grant pass once all managers approved where there are fewer than the minimum: a plan
 * that removes the second approver and grants in the same go (or re-adds them afterwards) would get
 * its grants past nobody's eyes. User grants only: group bindings are not held by 4-eyes.
 */
export const fewerApprovers: WorkspaceRule = (ctx) => {
  const caller = nonPartnerCaller(ctx);
  const { enabled, minApprovalCount } = ctx.live.platform.fourEyes;
  if (!caller || !ctx.ws || !enabled || ctx.options.allowFewerApprovers) return [];
  if (!grants(ctx).some((s) => s.grant.subject.kind === 'User')) return [];
  const removed = new Set(
    removals(ctx)
      .filter((s) => s.kind === 'workspace-binding')
      .map((s) => s.binding.name),
  );
  const before = approversIn(ctx.ws.bindings);
  const left = approversIn(ctx.ws.bindings.filter((b) => !removed.has(b.name)));
  if (before.length < minApprovalCount || left.length >= minApprovalCount) return [];
  return [
    finding(
      'fewer-approvers',
      {
        workspace: ctx.name,
        removed: before.filter((m) => !left.includes(m)),
        left: left.length,
        min: minApprovalCount,
      },
      ctx.name,
    ),
  ];
};

export const deletionRights: WorkspaceRule = (ctx) => {
  const caller = nonPartnerCaller(ctx);
  const deletes = ctx.steps.some((s) => s.kind === 'workspace' && s.action === 'delete');
  return caller && deletes && !mayDeleteWorkspace({ partner: false, roles: ctx.callerRoles })
    ? [finding('deletion-rights', { workspace: ctx.name, caller: caller.username }, ctx.name)]
    : [];
};

/** A disabled workspace, or one waiting for its registration's approval, takes changes from a partner only. */
export const workspaceWritable: WorkspaceRule = (ctx) => {
  const status = ctx.ws?.status;
  if (!status || !ctx.steps.length || writableBy(status, ctx.caller?.partner === true)) return [];
  // Enabling it is the partner's own step, refused by status-needs-partner.
  if (ctx.steps.every((s) => s.kind === 'workspace-status')) return [];
  return [
    finding(
      'workspace-not-writable',
      { workspace: ctx.name, state: status.approval === 'pending' ? 'pending-approval' : 'disabled' },
      ctx.name,
    ),
  ];
};
