/**
 * meshform's own guards for the caller (the platform allows both): not locking itself out, not leaving
 * fewer approvers than 4-eyes asks for while granting. Whether the caller may make a change at all is
 * the platform's rule, decided by the dry run (../simulate).
 */
import { WORKSPACE_MANAGER, WORKSPACE_OWNER } from '../../../core/rules';
import {
  UNKNOWN,
  type WorkspaceModel,
  approvers,
  directApprovers,
  isKnown,
  membersOf,
  remove,
  rolesOf,
  unreadGroups,
} from '../../../core/model';
import type { Finding } from '../../../schemas/plan.generated';
import { finding } from '../findings';
import { type RuleContext, type WorkspaceRule, grants, nonPartnerCaller, removals } from './context';

const managing = (role: string) => role === WORKSPACE_OWNER || role === WORKSPACE_MANAGER;

export const selfLockout: WorkspaceRule = (ctx) => {
  const caller = nonPartnerCaller(ctx);
  if (!caller || !ctx.ws || ctx.options.allowSelfLockout) return [];
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
  if (regranted) return [];
  if (!mine.length) return lockoutThroughGroups(ctx, caller.username);
  if (!mine.every((b) => removed.has(b.name))) return [];
  return [
    finding('self-lockout', { workspace: ctx.name, caller: caller.username, roles: mine.map((b) => b.role) }, ctx.name),
  ];
};

/**
 * A caller that manages the workspace through a user group, whose binding the plan removes: locked out
 * where the group's members are known to include it and nothing else keeps its rights; unknown (and
 * refused as such) where a removed group's members, or those of a group that might keep it, were not read.
 */
function lockoutThroughGroups(ctx: RuleContext, caller: string): Finding[] {
  const groups = removals(ctx).filter(
    (s) => s.kind === 'workspace-binding' && s.binding.subjectKind === 'Group' && managing(s.binding.role),
  );
  if (!groups.length) return [];
  const before = rolesOf(ctx.model, caller);
  if (![...before.roles, ...ctx.callerRoles].some(managing)) return [];
  const after = groups.reduce(
    (m, s) => remove(m, { ...ctx.modelContext, actor: UNKNOWN }, s.binding.name).state,
    ctx.model,
  );
  const left = rolesOf(after, caller);
  if ([...left.roles].some(managing)) return [];
  const members = (s: (typeof groups)[number]) => membersOf(ctx.model, s.binding.subject);
  const maybe = groups.filter((s) => !isKnown(members(s)));
  const lost = groups.filter((s) => {
    const m = members(s);
    return isKnown(m) && m.includes(caller);
  });
  if (!maybe.length && !lost.length) return [];
  if (maybe.length || left.unknown)
    return [
      finding(
        'self-lockout-unknown',
        {
          workspace: ctx.name,
          caller,
          groups: [...new Set([...maybe.map((s) => s.binding.subject), ...unreadGroups(after)])].sort(),
        },
        ctx.name,
      ),
    ];
  return [
    finding(
      'self-lockout',
      { workspace: ctx.name, caller, roles: [...new Set(lost.map((s) => s.binding.role))] },
      ctx.name,
    ),
  ];
}

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
