/**
 * meshform's own guards for the caller (the platform allows both): not locking itself out, not leaving
 * fewer approvers than 4-eyes asks for while granting. Whether the caller may make a change at all is
 * the platform's rule, decided by the dry run (../simulate).
 */
import { WORKSPACE_MANAGER, WORKSPACE_OWNER } from '../../../core/rules';
import { UNKNOWN, type WorkspaceModel, approvers, directApprovers, isKnown, remove } from '../../../core/model';
import { finding } from '../findings';
import { type WorkspaceRule, grants, nonPartnerCaller, removals } from './context';

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
  // Who approves, as the platform model counts them (groups included); the directly bound ones where a group was not read.
  const who = (m: WorkspaceModel) => {
    const a = approvers(m);
    return isKnown(a) ? a : directApprovers(m);
  };
  const after = removals(ctx)
    .filter((s) => s.kind === 'workspace-binding')
    .reduce((m, s) => remove(m, { ...ctx.modelContext, actor: UNKNOWN }, s.binding.name).state, ctx.model);
  const before = who(ctx.model);
  const left = who(after);
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
