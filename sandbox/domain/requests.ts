/**
 * Pending 4-eyes role requests (an extension: meshStack's API has no endpoint for them). Another
 * Workspace Owner/Manager or a partner approves; the requester never can; any decline ends it.
 */
import type { Principal } from '../auth';
import type { Tx } from '../db';
import { notFound } from '../problem';
import { refuse } from './refusals';
import { accessTo, isManager, requireWritable, rolesOf, visibleWorkspaces } from './access';
import { emailOf, notify, recordEvent } from './events';
import { applyGrant, approvers, checkGrant, isApproved } from './grants';
import { getSettings } from './settings';

export interface RoleRequestRow {
  id: string;
  workspace: string;
  project: string | null;
  binding_name: string;
  subject_kind: 'user' | 'group';
  subject: string;
  role: string;
  expiry_date: string | null;
  invitation: { firstName: string; lastName: string } | null;
  reason: string | null;
  requested_by: string;
  requested_at: Date;
  approvals: string[];
  status: 'PENDING' | 'APPROVED' | 'DECLINED' | 'CANCELLED';
  decided_by: string | null;
  decided_at: Date | null;
}

export function requestJson(r: RoleRequestRow, base: string) {
  return {
    id: r.id,
    status: r.status,
    workspace: r.workspace,
    ...(r.project ? { project: r.project } : {}),
    bindingName: r.binding_name,
    subject: { kind: r.subject_kind === 'user' ? 'User' : 'Group', name: r.subject },
    role: r.role,
    ...(r.expiry_date ? { expiryDate: r.expiry_date } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    requestedBy: r.requested_by,
    requestedAt: new Date(r.requested_at).toISOString(),
    approvals: r.approvals,
    ...(r.decided_by ? { decidedBy: r.decided_by, decidedAt: new Date(r.decided_at!).toISOString() } : {}),
    _links: { self: { href: `${base}/sandbox/v1/role-requests/${r.id}` } },
  };
}

export async function listRequests(
  tx: Tx,
  p: Principal,
  filter: { workspaces?: string[]; status?: string },
): Promise<RoleRequestRow[]> {
  const visible = await visibleWorkspaces(tx, p);
  const rows = await tx.query<RoleRequestRow>('select * from role_requests order by requested_at, id');
  return rows.filter(
    (r) =>
      (visible === 'all' || visible.includes(r.workspace)) &&
      (filter.workspaces === undefined || filter.workspaces.includes(r.workspace)) &&
      (filter.status === undefined || r.status === filter.status.toUpperCase()),
  );
}

async function pending(tx: Tx, id: string): Promise<RoleRequestRow> {
  const [r] = await tx.query<RoleRequestRow>('select * from role_requests where id = $1 for update', [id]);
  if (!r) throw notFound(`role request '${id}' not found`);
  if (r.status !== 'PENDING')
    throw refuse('request-decided', `role request '${id}' is already ${r.status.toLowerCase()}`);
  return r;
}

export async function approveRequest(tx: Tx, p: Principal, id: string, now: Date): Promise<RoleRequestRow> {
  const r = await pending(tx, id);
  const a = await accessTo(tx, p, r.workspace, { lock: true });
  if (r.requested_by === p.username)
    throw refuse('self-approval', 'the requester cannot approve their own role request');
  if (!isManager(a))
    throw refuse(
      'approval-rights',
      `only another Workspace Owner/Manager of '${r.workspace}' or a partner may approve`,
    );
  requireWritable(a);
  if (r.approvals.includes(p.username))
    throw refuse('approved-already', `${p.username} has already approved role request '${id}'`);
  const approvals = [...r.approvals, p.username];
  const settings = await getSettings(tx);
  const done =
    p.isPartner || isApproved(approvals, await approvers(tx, r.workspace), settings.fourEyes.minApprovalCount);
  if (done) {
    // Rules are checked again at approval: the owner limit may have been reached meanwhile.
    const requester = { username: r.requested_by, isPartner: false, clientId: '' };
    const g = {
      workspace: r.workspace,
      project: r.project ?? undefined,
      bindingName: r.binding_name,
      subjectKind: r.subject_kind,
      subject: r.subject,
      role: r.role,
      expiryDate: r.expiry_date ?? undefined,
      invitation: r.invitation ?? undefined,
      reason: r.reason ?? undefined,
    };
    // Frees the binding name for checkGrant; a refusal below rolls the whole transaction back.
    await tx.query(`update role_requests set status = 'APPROVED' where id = $1`, [id]);
    const asRequester = p.isPartner
      ? a
      : { ...a, principal: requester, roles: await rolesOf(tx, r.requested_by, r.workspace) };
    await applyGrant(tx, r.requested_by, a.workspace, await checkGrant(tx, asRequester, g, settings, now), now);
  }
  const [row] = await tx.query<RoleRequestRow>(
    `update role_requests set approvals = $2, status = $3, decided_by = $4, decided_at = $5 where id = $1 returning *`,
    [
      id,
      JSON.stringify(approvals),
      done ? 'APPROVED' : 'PENDING',
      done ? p.username : null,
      done ? now.toISOString() : null,
    ],
  );
  await recordEvent(tx, {
    workspace: r.workspace,
    project: r.project ?? undefined,
    type: done ? 'ROLE_REQUEST_APPROVED' : 'ROLE_REQUEST_CREATED',
    actor: p.username,
    at: now,
    details: { requestId: id, subjectKind: r.subject_kind, subject: r.subject, role: r.role, approvals },
  });
  return row;
}

export async function declineRequest(
  tx: Tx,
  p: Principal,
  id: string,
  now: Date,
  cancel: boolean,
): Promise<RoleRequestRow> {
  const r = await pending(tx, id);
  const a = await accessTo(tx, p, r.workspace, { lock: true });
  if (!cancel && r.requested_by === p.username)
    throw refuse('requester-declines', 'the requester cancels, not declines, their own role request');
  if (!isManager(a) && r.requested_by !== p.username)
    throw refuse(
      'end-request-rights',
      `only a Workspace Owner/Manager of '${r.workspace}', a partner or the requester may end this request`,
    );
  const status = cancel ? 'CANCELLED' : 'DECLINED';
  const [row] = await tx.query<RoleRequestRow>(
    `update role_requests set status = $2, decided_by = $3, decided_at = $4 where id = $1 returning *`,
    [id, status, p.username, now.toISOString()],
  );
  await recordEvent(tx, {
    workspace: r.workspace,
    project: r.project ?? undefined,
    type: cancel ? 'ROLE_REQUEST_CANCELLED' : 'ROLE_REQUEST_DECLINED',
    actor: p.username,
    at: now,
    details: { requestId: id, subjectKind: r.subject_kind, subject: r.subject, role: r.role },
  });
  await notify(
    tx,
    await emailOf(tx, r.requested_by),
    `Role request ${status.toLowerCase()}`,
    `The request for ${r.role} for ${r.subject} in ${r.workspace} was ${status.toLowerCase()} by ${p.username}.`,
    now,
  );
  return row;
}
