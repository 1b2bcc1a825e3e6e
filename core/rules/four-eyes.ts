/**
 * The 4-eyes principle for role grants (meshStack: mesh.web.user.rolerequest.min-approval-count):
 * the requester's request counts as their approval; a grant takes effect once it has the minimum
 * number of approvals, or, where the workspace has fewer managers than that, once all of them approved.
 * Who is held and who approves is the platform model's (core/model/grant.ts, membership.ts).
 */
export interface FourEyesSettings {
  readonly enabled: boolean;
  readonly minApprovalCount: number;
}

export function isApproved(
  approvals: readonly string[],
  managers: readonly string[],
  minApprovalCount: number,
): boolean {
  if (approvals.length >= minApprovalCount) return true;
  return managers.length < minApprovalCount && managers.every((m) => approvals.includes(m));
}
