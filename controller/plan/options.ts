import type { PolicySource } from '../../core/policy/policy-file';

export interface PlanOptions {
  /** The platform URL recorded in the plan (never credentials). */
  readonly endpoint: string;
  /** Plan only these workspaces (the Terraform anchor of one workspace). */
  readonly workspaces?: readonly string[];
  /** Plan the tag definitions only, no workspace (the Terraform anchor of the tag definitions). */
  readonly tagDefinitionsOnly?: boolean;
  /** Allow a plan that leaves a workspace without any Owner. */
  readonly allowLastOwnerRemoval?: boolean;
  /** Allow a plan that removes the caller's own Owner/Manager rights. */
  readonly allowSelfLockout?: boolean;
  /** Allow a plan that grants while removing Owners/Managers below the 4-eyes minimum (see the fewer-approvers rule). */
  readonly allowFewerApprovers?: boolean;
  /** Take over live workspaces that no meshform stack owns, as if each declared adopt: true (`--adopt`, once, when a stack starts managing an estate). */
  readonly adoptUnowned?: boolean;
  /**
   * Workspaces of the manifest left out by `--changed-from`, and the base manifest named: the plan
   * warns that it did not look at them, and names those the base declares and the code no longer does.
   */
  readonly notPlanned?: {
    readonly base: string;
    readonly workspaces: readonly string[];
    readonly removed?: readonly string[];
  };
  /** Warn about declared bindings that expire within this many milliseconds (`--expiring-within`). */
  readonly expiringWithinMs?: number;
  /** Organisation policies (`--policy`, MESHFORM_POLICY), judged after the plan by ./policies. */
  readonly policies?: readonly PolicySource[];
}
