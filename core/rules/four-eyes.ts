/**
 * The 4-eyes principle for role grants (meshStack: mesh.web.user.rolerequest.min-approval-count):
 * the requester's request counts as their approval; a grant takes effect once it has the minimum
 * number of approvals, or, where the workspace has fewer managers than that, once all of them approved.
 * Partners confirm directly; group bindings made through the API are not held (meshStack's API docs).
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

/** Whether a grant by `requester` waits for a second approval. */
export function grantWaitsForApproval(
  settings: FourEyesSettings,
  grant: { subjectKind: 'User' | 'Group' },
  requester: { username: string; partner: boolean },
  managers: readonly string[],
): boolean {
  if (!settings.enabled || requester.partner || grant.subjectKind === 'Group') return false;
  return !isApproved([requester.username], managers, settings.minApprovalCount);
}
