/** meshProject (v2): list, get, create within the workspace's project quota, update, soft delete. */
import type { Principal } from '../auth';
import type { Tx } from '../db';
import { badRequest, conflict, notFound } from '../problem';
import type { ProjectRow } from '../representations';
import { accessTo, requireManager, requireWritable, rolesOf, visibleWorkspaces } from './access';
import { recordEvent } from './events';
import { identifier, optStr, str, tags } from './input';
import { pagedQuery } from './paging';
import { checkTagWrite } from './tags';

/** `ws.project` → [ws, project] */
export function splitProjectId(full: string): [string, string] {
  const i = full.indexOf('.');
  if (i <= 0 || i === full.length - 1) throw notFound(`meshProject '${full}' not found (expected <workspace>.<project>)`);
  return [full.slice(0, i), full.slice(i + 1)];
}

/** Members see the projects they are assigned to; Owners, Managers and partners see all. */
async function memberProjectFilter(tx: Tx, p: Principal, workspace: string): Promise<string[] | 'all'> {
  if (p.isPartner) return 'all';
  const roles = await rolesOf(tx, p.username, workspace);
  if (roles.has('Workspace Owner') || roles.has('Workspace Manager')) return 'all';
  const rows = await tx.query<{ project: string }>(`select distinct project from project_bindings where workspace = $1 and subject_kind = 'user' and subject = $2`, [workspace, p.username]);
  return rows.map((r) => r.project);
}

export async function listProjects(tx: Tx, p: Principal, workspace: string | undefined, limit: number, offset: number) {
  if (p.isPartner) {
    // Partners see every project: page in the database.
    const from = workspace === undefined ? 'projects where deleted_on is null' : 'projects where deleted_on is null and workspace = $1';
    return pagedQuery<ProjectRow>(tx, { select: '*', from, orderBy: 'workspace, name', params: workspace === undefined ? [] : [workspace] }, limit, offset);
  }
  const visible = await visibleWorkspaces(tx, p);
  const workspaces = workspace !== undefined ? (visible === 'all' || visible.includes(workspace) ? [workspace] : []) : visible;
  const rows: ProjectRow[] = [];
  const all =
    workspaces === 'all'
      ? await tx.query<ProjectRow>('select * from projects where deleted_on is null order by workspace, name')
      : await tx.query<ProjectRow>('select * from projects where deleted_on is null and workspace = any($1) order by workspace, name', [workspaces]);
  const filters = new Map<string, string[] | 'all'>();
  for (const row of all) {
    if (!filters.has(row.workspace)) filters.set(row.workspace, await memberProjectFilter(tx, p, row.workspace));
    const f = filters.get(row.workspace)!;
    if (f === 'all' || f.includes(row.name)) rows.push(row);
  }
  return { rows: rows.slice(offset, offset + limit), total: rows.length };
}

export async function getProject(tx: Tx, p: Principal, full: string): Promise<ProjectRow> {
  const [workspace, name] = splitProjectId(full);
  await accessTo(tx, p, workspace);
  const [row] = await tx.query<ProjectRow>('select * from projects where workspace = $1 and name = $2', [workspace, name]);
  const f = row ? await memberProjectFilter(tx, p, workspace) : [];
  if (!row || (row.deleted_on && !p.isPartner) || (f !== 'all' && !f.includes(name))) throw notFound(`meshProject '${full}' not found`);
  return row;
}

export async function createProject(tx: Tx, p: Principal, body: unknown, now: Date): Promise<ProjectRow> {
  const workspace = str(body, 'metadata.ownedByWorkspace');
  const name = identifier(body, 'metadata.name');
  const a = await accessTo(tx, p, workspace, { lock: true });
  requireManager(a, 'create projects');
  requireWritable(a);
  const [existing] = await tx.query('select 1 from projects where workspace = $1 and name = $2', [workspace, name]);
  if (existing) throw conflict(`meshProject '${workspace}.${name}' already exists`);
  const [{ n }] = await tx.query<{ n: number }>('select count(*)::int as n from projects where workspace = $1 and deleted_on is null', [workspace]);
  if (a.workspace.project_quota !== null && n >= a.workspace.project_quota) {
    throw badRequest(`meshWorkspace '${workspace}' has reached its project quota of ${a.workspace.project_quota}`);
  }
  const projectTags = tags(body, 'spec.tags');
  await checkTagWrite(tx, p, 'meshProject', undefined, projectTags);
  const displayName = str(body, 'spec.displayName');
  const [row] = await tx.query<ProjectRow>(
    `insert into projects (workspace, name, display_name, tags, payment_method, substitute_payment_method, created_on) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
    [workspace, name, displayName, projectTags, optStr(body, 'spec.paymentMethodIdentifier') ?? null, optStr(body, 'spec.substitutePaymentMethodIdentifier') ?? null, now.toISOString()],
  );
  await recordEvent(tx, { workspace, project: name, type: 'PROJECT_CREATED', actor: p.username, at: now, details: { displayName, tags: projectTags } });
  return row;
}

export async function updateProject(tx: Tx, p: Principal, full: string, body: unknown, now: Date): Promise<ProjectRow> {
  const [workspace, name] = splitProjectId(full);
  if (str(body, 'metadata.name') !== name || str(body, 'metadata.ownedByWorkspace') !== workspace) {
    throw badRequest(`metadata.name and metadata.ownedByWorkspace must match '${full}': identifiers are immutable`);
  }
  const [before] = await tx.query<ProjectRow>('select * from projects where workspace = $1 and name = $2 and deleted_on is null', [workspace, name]);
  if (!before) return createProject(tx, p, body, now);
  const a = await accessTo(tx, p, workspace, { lock: true });
  requireManager(a, 'edit projects');
  requireWritable(a);
  const projectTags = tags(body, 'spec.tags');
  await checkTagWrite(tx, p, 'meshProject', before.tags, projectTags);
  const displayName = str(body, 'spec.displayName');
  const [row] = await tx.query<ProjectRow>(
    'update projects set display_name = $3, tags = $4, payment_method = $5, substitute_payment_method = $6 where workspace = $1 and name = $2 returning *',
    [workspace, name, displayName, projectTags, optStr(body, 'spec.paymentMethodIdentifier') ?? null, optStr(body, 'spec.substitutePaymentMethodIdentifier') ?? null],
  );
  if (displayName !== before.display_name || JSON.stringify(projectTags) !== JSON.stringify(before.tags)) {
    await recordEvent(tx, { workspace, project: name, type: 'PROJECT_UPDATED', actor: p.username, at: now, details: { before: { displayName: before.display_name, tags: before.tags }, after: { displayName, tags: projectTags } } });
  }
  return row;
}

/** Soft delete: the sandbox has no tenants, so a project is deleted at once and its bindings go with it. */
export async function deleteProject(tx: Tx, p: Principal, full: string, now: Date): Promise<void> {
  const [workspace, name] = splitProjectId(full);
  const a = await accessTo(tx, p, workspace, { lock: true });
  requireManager(a, 'delete projects');
  requireWritable(a);
  const [row] = await tx.query('update projects set deleted_on = $3 where workspace = $1 and name = $2 and deleted_on is null returning name', [workspace, name, now.toISOString()]);
  if (!row) throw notFound(`meshProject '${full}' not found`);
  await tx.query('delete from project_bindings where workspace = $1 and project = $2', [workspace, name]);
  await recordEvent(tx, { workspace, project: name, type: 'PROJECT_DELETED', actor: p.username, at: now, details: {} });
}
