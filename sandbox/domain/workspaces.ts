/** meshWorkspace: create (partner or self-service registration), update, soft delete, quota, status, approval. */
import { randomUUID } from 'crypto';
import type { Principal } from '../auth';
import type { Tx } from '../db';
import type { ListSort } from '../hal';
import { badRequest } from '../problem';
import { refuse } from './refusals';
import {
  type Access,
  MANAGER,
  MEMBER,
  OWNER,
  type WorkspaceRow,
  accessTo,
  requireManager,
  requirePartner,
  requireWritable,
  visibleWorkspaces,
} from './access';
import { removeWorkspaceBindingRows } from './bindings';
import { emailOf, notify, recordEvent } from './events';
import { extraFields, identifier, optBool, str, tags } from './input';
import { pagedQuery } from './paging';
import { getSettings } from './settings';
import { writeTags } from './tags';

const WORKSPACE_FIELDS = {
  metadata: ['name', 'tags', 'createdOn', 'deletedOn'],
  spec: ['displayName', 'platformBuilderAccessEnabled'],
} as const;

export async function listWorkspaces(
  tx: Tx,
  p: Principal,
  limit: number,
  offset: number,
  until?: Date,
  sort?: ListSort,
): Promise<{ rows: WorkspaceRow[]; total: number }> {
  const visible = await visibleWorkspaces(tx, p);
  const params: unknown[] = visible === 'all' ? [] : [visible];
  let from =
    visible === 'all'
      ? 'workspaces where deleted_on is null'
      : 'workspaces where deleted_on is null and name = any($1)';
  if (until) {
    params.push(until.toISOString());
    from += ` and created_on <= $${params.length}`;
  }
  return pagedQuery<WorkspaceRow>(tx, { select: '*', from, orderBy: 'name', params, sort }, limit, offset);
}

export async function createWorkspace(tx: Tx, p: Principal, body: unknown, now: Date): Promise<WorkspaceRow> {
  const name = identifier(body, 'metadata.name');
  const displayName = str(body, 'spec.displayName');
  const [existing] = await tx.query<{ deleted_on: Date | null }>('select deleted_on from workspaces where name = $1', [
    name,
  ]);
  if (existing)
    throw refuse(
      'workspace-identifier-taken',
      `meshWorkspace '${name}' already exists${existing.deleted_on ? ' (deleted; identifiers are never reused)' : ''}`,
    );
  const wsTags = await writeTags(tx, p, 'meshWorkspace', undefined, tags(body, 'metadata.tags'));
  const settings = await getSettings(tx);
  const approved = p.isPartner || !settings.workspaceApprovalRequired;
  const [ws] = await tx.query<WorkspaceRow>(
    `insert into workspaces (name, display_name, tags, platform_builder_access, approved, created_on, extra) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
    [
      name,
      displayName,
      wsTags,
      optBool(body, 'spec.platformBuilderAccessEnabled') ?? false,
      approved,
      now.toISOString(),
      extraFields(body, WORKSPACE_FIELDS),
    ],
  );
  // Self-service registration: the registering user becomes the workspace's Owner (in the event too, so history replays to state).
  const registrant = p.isPartner ? {} : { subjectKind: 'user', subject: p.username, role: OWNER, added: true };
  await recordEvent(tx, {
    workspace: name,
    type: p.isPartner ? 'CUSTOMER_CREATED' : 'CUSTOMER_REGISTERED',
    actor: p.username,
    at: now,
    details: { displayName, tags: wsTags, ...registrant },
  });
  if (!p.isPartner) {
    await tx.query(
      `insert into workspace_bindings (name, subject_kind, workspace, role, subject, created_on) values ($1, 'user', $2, $3, $4, $5)`,
      [
        // Binding names are global: one nobody can guess cannot be taken first by an Owner elsewhere.
        randomUUID(),
        name,
        OWNER,
        p.username,
        now.toISOString(),
      ],
    );
  }
  return ws;
}

export async function updateWorkspace(
  tx: Tx,
  p: Principal,
  name: string,
  body: unknown,
  now: Date,
): Promise<WorkspaceRow> {
  const bodyName = str(body, 'metadata.name');
  if (bodyName !== name)
    throw badRequest(
      `metadata.name '${bodyName}' does not match the identifier '${name}' in the path: identifiers are immutable`,
    );
  const [exists] = await tx.query('select 1 from workspaces where name = $1', [name]);
  if (!exists) return createWorkspace(tx, p, body, now);
  const a = await accessTo(tx, p, name, { lock: true });
  requireManager(a, 'edit the workspace');
  requireWritable(a);
  const displayName = str(body, 'spec.displayName');
  const wsTags = await writeTags(tx, p, 'meshWorkspace', a.workspace.tags, tags(body, 'metadata.tags'));
  // PUT is a full rewrite, as on meshStack: what the body leaves out is cleared.
  const [ws] = await tx.query<WorkspaceRow>(
    `update workspaces set display_name = $2, tags = $3, platform_builder_access = $4, extra = $5 where name = $1 returning *`,
    [
      name,
      displayName,
      wsTags,
      optBool(body, 'spec.platformBuilderAccessEnabled') ?? false,
      extraFields(body, WORKSPACE_FIELDS),
    ],
  );
  if (displayName !== a.workspace.display_name || JSON.stringify(wsTags) !== JSON.stringify(a.workspace.tags)) {
    await recordEvent(tx, {
      workspace: name,
      type: 'CUSTOMER_UPDATED',
      actor: p.username,
      at: now,
      details: {
        before: { displayName: a.workspace.display_name, tags: a.workspace.tags },
        after: { displayName, tags: wsTags },
      },
    });
  }
  return ws;
}

/**
 * Soft delete, only by an Owner or partner and only without live projects: bindings and pending
 * requests are removed, payment methods soft-deleted, a deleted event written with the reason.
 */
export async function deleteWorkspace(
  tx: Tx,
  p: Principal,
  name: string,
  reason: string,
  now: Date,
): Promise<'deleted' | 'gone'> {
  const [row] = await tx.query<{ deleted_on: Date | null }>('select deleted_on from workspaces where name = $1', [
    name,
  ]);
  if (!row || row.deleted_on) return 'gone';
  const a = await accessTo(tx, p, name, { lock: true });
  if (!p.isPartner && !a.roles.has(OWNER))
    throw refuse('deletion-rights', `only a Workspace Owner or partner may delete meshWorkspace '${name}'`);
  const [{ n, pending }] = await tx.query<{ n: number; pending: number }>(
    `select count(*)::int as n, count(*) filter (where state = 'PENDING_DELETION')::int as pending from projects where workspace = $1 and state <> 'DELETED'`,
    [name],
  );
  // As on meshStack: only without projects, and a project being deleted still counts until its deletion finished.
  if (n > 0)
    throw refuse(
      'workspace-has-projects',
      `meshWorkspace '${name}' still has ${n} project(s)${pending ? ` (${pending} still being deleted)` : ''}; delete all projects first`,
    );
  const bindings = await tx.query<{ name: string }>('select name from workspace_bindings where workspace = $1', [name]);
  await removeWorkspaceBindingRows(
    tx,
    p,
    a.workspace,
    bindings.map((b) => b.name),
    now,
    'workspace deleted',
  );
  await tx.query(
    `update role_requests set status = 'CANCELLED', decided_by = $2, decided_at = $3 where workspace = $1 and status = 'PENDING'`,
    [name, p.username, now.toISOString()],
  );
  await tx.query(`update invitations set status = 'CANCELLED' where workspace = $1 and status = 'PENDING'`, [name]);
  await tx.query('update payment_methods set deleted_on = $2 where workspace = $1 and deleted_on is null', [
    name,
    now.toISOString(),
  ]);
  await tx.query('update workspaces set deleted_on = $2, deletion_reason = $3 where name = $1', [
    name,
    now.toISOString(),
    reason,
  ]);
  await recordEvent(tx, { workspace: name, type: 'CUSTOMER_DELETED', actor: p.username, at: now, details: { reason } });
  return 'deleted';
}

export async function setQuota(tx: Tx, p: Principal, name: string, body: unknown, now: Date): Promise<WorkspaceRow> {
  requirePartner(p, 'change project quotas');
  const a = await accessTo(tx, p, name, { lock: true });
  const value = (body as { maxProjects?: unknown } | null)?.maxProjects;
  if (value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value < 0))
    throw badRequest('maxProjects must be a whole number >= 0, or null for no limit');
  const [{ n }] = await tx.query<{ n: number }>(
    `select count(*)::int as n from projects where workspace = $1 and state = 'ACTIVE'`,
    [name],
  );
  if (value !== null && value < n)
    throw refuse(
      'quota-below-usage',
      `project quota ${value} is below the current usage of ${n} project(s) in '${name}'`,
    );
  const [ws] = await tx.query<WorkspaceRow>('update workspaces set project_quota = $2 where name = $1 returning *', [
    name,
    value,
  ]);
  if (a.workspace.project_quota !== value) {
    await recordEvent(tx, {
      workspace: name,
      type: 'CUSTOMER_QUOTA_EDITED',
      actor: p.username,
      at: now,
      details: { before: a.workspace.project_quota, after: value },
    });
  }
  return ws;
}

export async function setStatus(tx: Tx, p: Principal, name: string, body: unknown, now: Date): Promise<WorkspaceRow> {
  requirePartner(p, 'enable or disable workspaces');
  const a = await accessTo(tx, p, name, { lock: true });
  const status = (body as { status?: unknown } | null)?.status;
  if (status !== 'active' && status !== 'disabled') throw badRequest('status must be "active" or "disabled"');
  const [ws] = await tx.query<WorkspaceRow>('update workspaces set status = $2 where name = $1 returning *', [
    name,
    status,
  ]);
  if (a.workspace.status !== status) {
    await recordEvent(tx, {
      workspace: name,
      type: 'CUSTOMER_STATUS_CHANGED',
      actor: p.username,
      at: now,
      details: { before: a.workspace.status, after: status },
    });
  }
  return ws;
}

export async function approveWorkspace(tx: Tx, p: Principal, name: string, now: Date): Promise<WorkspaceRow> {
  requirePartner(p, 'approve workspace registrations');
  const a = await accessTo(tx, p, name, { lock: true });
  if (a.workspace.approved) return a.workspace;
  const [ws] = await tx.query<WorkspaceRow>('update workspaces set approved = true where name = $1 returning *', [
    name,
  ]);
  await recordEvent(tx, { workspace: name, type: 'CUSTOMER_APPROVED', actor: p.username, at: now, details: {} });
  const owners = await tx.query<{ subject: string }>(
    `select subject from workspace_bindings where workspace = $1 and subject_kind = 'user'`,
    [name],
  );
  for (const o of owners) {
    await notify(
      tx,
      await emailOf(tx, o.subject),
      `Your workspace ${name} is approved`,
      `A partner approved meshWorkspace ${name}; you can start working with cloud resources now.`,
      now,
    );
  }
  return ws;
}

/** A partner assigns themselves to a workspace, as Manager or, when customer admin assignment is restricted, as Member. */
export async function addMyself(tx: Tx, p: Principal, name: string, now: Date): Promise<{ role: string }> {
  requirePartner(p, 'use "add myself"');
  const a: Access = await accessTo(tx, p, name, { lock: true });
  const role = (await getSettings(tx)).restrictCustomerAdminRoleAssignment ? MEMBER : MANAGER;
  if (!a.roles.has(role)) {
    await tx.query(
      `insert into workspace_bindings (name, subject_kind, workspace, role, subject, created_on) values ($1, 'user', $2, $3, $4, $5)`,
      [randomUUID(), name, role, p.username, now.toISOString()],
    );
    await recordEvent(tx, {
      workspace: name,
      type: 'USER_ASSIGNED_HIMSELF',
      actor: p.username,
      at: now,
      details: { subjectKind: 'user', subject: p.username, role, added: true },
    });
  }
  return { role };
}
