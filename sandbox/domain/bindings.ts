/** meshWorkspaceUserBinding / meshWorkspaceGroupBinding (v2): list, get, create (maybe as a 4-eyes request), delete. */
import type { Principal } from '../auth';
import type { Tx } from '../db';
import type { ListSort } from '../hal';
import { notFound } from '../problem';
import { refuse } from './refusals';
import { type ProjectBindingRow, type WorkspaceBindingRow, dateOnly } from '../representations';
import { OWNER, type WorkspaceRow, accessTo, requireManager, requireWritable, visibleWorkspaces } from './access';
import { emailOf, notify, recordEvent } from './events';
import { type GrantOutcome, requestOrApply } from './grants';
import { bindingName as checkedBindingName, optDate, optStr, str } from './input';
import { pagedQuery } from './paging';

export type SubjectKind = 'user' | 'group';

export interface BindingFilter {
  readonly workspace?: string;
  readonly role?: string;
  readonly subject?: string;
  /** Only bindings created up to this instant (a list read page by page with a fixed `until`). */
  readonly until?: Date;
  readonly sort?: ListSort;
}

export async function listWorkspaceBindings(
  tx: Tx,
  p: Principal,
  kind: SubjectKind,
  f: BindingFilter,
  limit: number,
  offset: number,
) {
  const visible = await visibleWorkspaces(tx, p);
  const where = ['subject_kind = $1'];
  const params: unknown[] = [kind];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.workspace) add('workspace = ?', f.workspace);
  if (f.role) add('role = ?', f.role);
  if (f.subject) add('subject = ?', f.subject);
  if (visible !== 'all') add('workspace = any(?)', visible);
  if (f.until) add('b.created_on <= ?', f.until.toISOString());
  return pagedQuery<WorkspaceBindingRow & { display_name: string }>(
    tx,
    {
      select: 'b.*, w.display_name',
      from: `workspace_bindings b join workspaces w on w.name = b.workspace where ${where.join(' and ')}`,
      orderBy: 'b.name',
      params,
      sort: f.sort,
      alias: 'b',
    },
    limit,
    offset,
  );
}

/** A binding with its workspace's display name, without an access check (callers check). */
export async function loadWorkspaceBinding(
  tx: Tx,
  kind: SubjectKind,
  name: string,
): Promise<WorkspaceBindingRow & { display_name: string }> {
  const [row] = await tx.query<WorkspaceBindingRow & { display_name: string }>(
    'select b.*, w.display_name from workspace_bindings b join workspaces w on w.name = b.workspace where b.name = $1 and b.subject_kind = $2',
    [name, kind],
  );
  if (!row) throw notFound(`binding '${name}' not found`);
  return row;
}

export async function getWorkspaceBinding(tx: Tx, p: Principal, kind: SubjectKind, name: string) {
  const row = await loadWorkspaceBinding(tx, kind, name);
  await accessTo(tx, p, row.workspace);
  return row;
}

/** `extensions`: whether the body's `invitation` and `reason` (sandbox extensions: meshStack's API has neither) are read. */
export async function createWorkspaceBinding(
  tx: Tx,
  p: Principal,
  kind: SubjectKind,
  body: unknown,
  now: Date,
  extensions = true,
): Promise<GrantOutcome & { workspace: string; bindingName: string }> {
  const bindingName = checkedBindingName(body, 'metadata.name');
  const workspace = str(body, 'targetRef.name');
  const a = await accessTo(tx, p, workspace, { lock: true });
  requireManager(a, 'manage access');
  requireWritable(a);
  const subject = str(body, 'subject.name');
  const inv = (body as { invitation?: { firstName?: unknown; lastName?: unknown } }).invitation;
  const invitation =
    extensions && kind === 'user' && inv
      ? { firstName: str(body, 'invitation.firstName'), lastName: str(body, 'invitation.lastName') }
      : undefined;
  const outcome = await requestOrApply(
    tx,
    a,
    {
      workspace,
      bindingName,
      subjectKind: kind,
      subject,
      role: str(body, 'roleRef.name'),
      expiryDate: optDate(body, 'expiryDate'),
      invitation,
      reason: extensions ? optStr(body, 'reason') : undefined,
    },
    now,
  );
  return { ...outcome, workspace, bindingName };
}

/**
 * Removes a workspace or a project binding by name (removals never wait for approval). Only an Owner
 * (or partner) removes a Workspace Owner; a workspace binding's removal may take the subject's
 * project roles with it (removeWorkspaceBindingRows).
 */
export async function deleteBinding(
  tx: Tx,
  p: Principal,
  target: 'workspace' | 'project',
  kind: SubjectKind,
  name: string,
  now: Date,
  reason = 'removed',
): Promise<void> {
  const [row] = await tx.query<WorkspaceBindingRow | ProjectBindingRow>(
    `select * from ${target}_bindings where name = $1 and subject_kind = $2`,
    [name, kind],
  );
  if (!row) throw notFound(`binding '${name}' not found`);
  const a = await accessTo(tx, p, row.workspace, { lock: true });
  requireManager(a, target === 'workspace' ? 'remove access' : 'remove project access');
  requireWritable(a);
  if (!('project' in row)) {
    if (row.role === OWNER && !p.isPartner && !a.roles.has(OWNER))
      throw refuse(
        'owner-removal-rights',
        `only a Workspace Owner or partner may remove a Workspace Owner from '${row.workspace}'`,
      );
    return removeWorkspaceBindingRows(tx, p, a.workspace, [name], now, reason);
  }
  await tx.query('delete from project_bindings where name = $1', [name]);
  await recordEvent(tx, {
    workspace: row.workspace,
    project: row.project,
    type: 'PROJECT_USER_REMOVED',
    actor: p.username,
    at: now,
    details: { subjectKind: row.subject_kind, subject: row.subject, role: row.role, reason },
  });
}

/**
 * Removes workspace bindings at once (removals never wait for approval). A subject left without any
 * workspace role loses its project roles in the workspace too, and is told by e-mail.
 */
export async function removeWorkspaceBindingRows(
  tx: Tx,
  actor: Principal | string,
  ws: WorkspaceRow,
  names: string[],
  now: Date,
  reason: string,
): Promise<void> {
  const by = typeof actor === 'string' ? actor : actor.username;
  for (const name of names) {
    const [row] = await tx.query<WorkspaceBindingRow>('delete from workspace_bindings where name = $1 returning *', [
      name,
    ]);
    if (!row) continue;
    const remaining = await tx.query(
      'select 1 from workspace_bindings where workspace = $1 and subject_kind = $2 and subject = $3',
      [row.workspace, row.subject_kind, row.subject],
    );
    const details = {
      subjectKind: row.subject_kind,
      subject: row.subject,
      role: row.role,
      reason,
      ...(row.expiry_date ? { expiryDate: dateOnly(row.expiry_date) } : {}),
    };
    if (remaining.length) {
      await recordEvent(tx, {
        workspace: row.workspace,
        type: 'USER_ROLE_CHANGED',
        actor: by,
        at: now,
        details: { ...details, removed: true },
      });
      continue;
    }
    const projectRows = await tx.query<{ project: string; role: string }>(
      'delete from project_bindings where workspace = $1 and subject_kind = $2 and subject = $3 returning project, role',
      [row.workspace, row.subject_kind, row.subject],
    );
    for (const pr of projectRows) {
      await recordEvent(tx, {
        workspace: row.workspace,
        project: pr.project,
        type: 'PROJECT_USER_REMOVED',
        actor: by,
        at: now,
        details: { ...details, role: pr.role, reason: 'removed from workspace' },
      });
    }
    const [invitation] = await tx.query<{ status: string }>(
      `update invitations set status = 'CANCELLED' where email = $1 and workspace = $2 and status = 'PENDING' returning status`,
      [row.subject, row.workspace],
    );
    await recordEvent(tx, {
      workspace: row.workspace,
      type: invitation ? 'USER_INVITATION_CANCELLED' : 'USER_REMOVED',
      actor: by,
      at: now,
      details,
    });
    await notify(
      tx,
      await emailOf(tx, row.subject),
      `Access to ${ws.display_name} revoked`,
      `Your access to workspace ${row.workspace} (${row.role}) was removed: ${reason}.`,
      now,
    );
  }
}
