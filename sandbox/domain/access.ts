/**
 * Who may do what, from the seeds' role table: Owners and Managers manage access, projects and
 * settings; only an Owner assigns Owner (a Manager only while the workspace has none); only an
 * Owner deletes the workspace; Members use projects they are assigned to. Partners may do all.
 */
import type { Principal } from '../auth';
import type { Tx } from '../db';
import { notFound } from '../problem';
import { refuse } from './refusals';

export const OWNER = 'Workspace Owner';
export const MANAGER = 'Workspace Manager';
export const MEMBER = 'Workspace Member';
export const WORKSPACE_ROLES = [OWNER, MANAGER, MEMBER];

export interface WorkspaceRow {
  name: string;
  display_name: string;
  tags: Record<string, string[]>;
  platform_builder_access: boolean;
  status: 'active' | 'disabled';
  approved: boolean;
  project_quota: number | null;
  created_on: Date;
  deleted_on: Date | null;
  deletion_reason: string | null;
  extra: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> } | null;
}

export interface Access {
  readonly principal: Principal;
  readonly workspace: WorkspaceRow;
  readonly roles: ReadonlySet<string>;
}

/** The roles of user $2 in workspace $1, held directly or through the workspace's user groups. */
const ROLES_OF = `select role from workspace_bindings where workspace = $1 and subject_kind = 'user' and subject = $2
  union
  select b.role from workspace_bindings b join user_groups g on g.workspace = b.workspace and g.name = b.subject
  where b.workspace = $1 and b.subject_kind = 'group' and g.members ? $2`;

export async function rolesOf(tx: Tx, username: string, workspace: string): Promise<Set<string>> {
  const rows = await tx.query<{ role: string }>(ROLES_OF, [workspace, username]);
  return new Set(rows.map((r) => r.role));
}

/** Loads a live workspace and the caller's roles in it (one query); 404 when missing, 403 for an outsider. */
export async function accessTo(
  tx: Tx,
  p: Principal,
  workspace: string,
  options: { lock?: boolean; includeDeleted?: boolean } = {},
): Promise<Access> {
  const [row] = await tx.query<WorkspaceRow & { caller_roles: string[] }>(
    `select w.*, array(${ROLES_OF}) as caller_roles from workspaces w where w.name = $1${options.lock ? ' for update of w' : ''}`,
    [workspace, p.username],
  );
  if (!row || (row.deleted_on && !(options.includeDeleted && p.isPartner)))
    throw notFound(`meshWorkspace '${workspace}' not found`);
  const { caller_roles, ...ws } = row;
  const roles = new Set(caller_roles);
  if (!p.isPartner && roles.size === 0)
    throw refuse('workspace-access', `access to meshWorkspace '${workspace}' denied`);
  return { principal: p, workspace: ws, roles };
}

export function isManager(a: Access): boolean {
  return a.principal.isPartner || a.roles.has(OWNER) || a.roles.has(MANAGER);
}

export function requireManager(a: Access, action: string): void {
  if (!isManager(a))
    throw refuse(
      'manage-rights',
      `only a Workspace Owner, Workspace Manager or partner may ${action} in '${a.workspace.name}'`,
    );
}

export function requirePartner(p: Principal, action: string): void {
  if (!p.isPartner) throw refuse('partner-only', `only a partner may ${action}`);
}

/** Non-partners cannot change a workspace that is disabled or waits for approval. */
export function requireWritable(a: Access): void {
  if (a.principal.isPartner) return;
  if (!a.workspace.approved)
    throw refuse('workspace-unapproved', `meshWorkspace '${a.workspace.name}' is waiting for a partner's approval`);
  if (a.workspace.status === 'disabled')
    throw refuse('workspace-disabled', `meshWorkspace '${a.workspace.name}' is disabled`);
}

/** Workspaces the principal can see: all for partners, else those where it holds a role. */
export async function visibleWorkspaces(tx: Tx, p: Principal): Promise<string[] | 'all'> {
  if (p.isPartner) return 'all';
  const rows = await tx.query<{ workspace: string }>(
    `select distinct workspace from workspace_bindings where subject_kind = 'user' and subject = $1
     union
     select b.workspace from workspace_bindings b join user_groups g on g.workspace = b.workspace and g.name = b.subject
     where b.subject_kind = 'group' and g.members ? $1`,
    [p.username],
  );
  return rows.map((r) => r.workspace);
}
