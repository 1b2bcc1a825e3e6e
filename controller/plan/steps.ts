/** Narrowing helpers over the plan's step union. */
import type { GrantStep, RemovalStep, Step, TagDefinitionStep } from '../../schemas/plan.generated';

type Any = Step | TagDefinitionStep;

export function isGrant(s: Any): s is GrantStep {
  return (s.kind === 'workspace-binding' || s.kind === 'project-binding') && s.action === 'create';
}

export function isRemoval(s: Any): s is RemovalStep {
  return (s.kind === 'workspace-binding' || s.kind === 'project-binding') && s.action === 'delete';
}

/** The role a binding step grants or removes; undefined for other steps. */
export function roleOf(s: Any): string | undefined {
  return isGrant(s) ? s.grant.role : isRemoval(s) ? s.binding.role : undefined;
}

export function approvalOf(s: Any): GrantStep['approval'] | undefined {
  return isGrant(s) ? s.approval : undefined;
}

/**
 * A step as a reviewer approves it, whoever applies it: a grant's 4-eyes class and approvers are
 * worked out for the caller (a partner's grant waits for nobody; an Owner is not their own approver),
 * so they belong to the apply's report, not to the reviewed plan. Whether a grant already waits is the
 * platform's state, and stays.
 */
export function reviewedStep(s: Any): object {
  if (!isGrant(s)) return s;
  const { approval, approvers: _approvers, ...rest } = s;
  return { ...rest, ...(approval === 'already-pending' ? { alreadyPending: true } : {}) };
}
