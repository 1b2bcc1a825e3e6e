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
