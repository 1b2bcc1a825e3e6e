/**
 * A workspace a partner disabled, or one whose self-service registration waits for a partner's
 * approval, cannot be changed by anyone but a partner.
 */
export interface WorkspaceState {
  readonly status: 'active' | 'disabled';
  readonly approval: 'approved' | 'pending';
}

export function writableBy(state: WorkspaceState, partner: boolean): boolean {
  return partner || (state.status === 'active' && state.approval === 'approved');
}
