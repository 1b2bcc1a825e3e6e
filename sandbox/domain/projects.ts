/**
 * meshProject (v2): list (by deletion state), get, create within the workspace's project quota,
 * update (a full rewrite), and deletion as meshStack does it: the project goes to PENDING_DELETION
 * (gone from the default list at once), and is DELETED once its tenants are gone, which the sandbox
 * models as a delay on its clock; a deleted project's identifier gets a timestamp suffix.
 */
import type { Principal } from '../auth';
import type { Tx } from '../db';
import type { ListSort } from '../hal';
import { badRequest, notFound } from '../problem';
import { refuse } from './refusals';
import type { ProjectRow, ProjectState } from '../representations';
import { MANAGER, OWNER, accessTo, requireManager, requireWritable, rolesOf, visibleWorkspaces } from './access';
import { recordEvent } from './events';
import { extraFields, identifier, optStr, str, tags } from './input';
import { orderBy, pagedQuery } from './paging';
import { getSettings } from './settings';
import { writeTags } from './tags';

const PROJECT_FIELDS = {
  metadata: ['name', 'ownedByWorkspace', 'createdOn', 'deletedOn'],
  spec: ['displayName', 'tags', 'paymentMethodIdentifier', 'substitutePaymentMethodIdentifier'],
} as const;
const STATES: readonly ProjectState[] = ['ACTIVE', 'PENDING_DELETION', 'DELETED'];

/** `ws.project` → [ws, project] */
function splitProjectId(full: string): [string, string] {
  const i = full.indexOf('.');
  if (i <= 0 || i === full.length - 1)
    throw notFound(`meshProject '${full}' not found (expected <workspace>.<project>)`);
  return [full.slice(0, i), full.slice(i + 1)];
}

/** The `state` list filter: comma-separated, default ACTIVE. */
export function projectStates(param: string | undefined): ProjectState[] {
  if (param === undefined || param.trim() === '') return ['ACTIVE'];
  const states = param.split(',').map((s) => s.trim().toUpperCase());
  const bad = states.find((s) => !STATES.includes(s as ProjectState));
  if (bad) throw badRequest(`state must be a comma-separated list of ${STATES.join(', ')}, got '${bad}'`);
  return states as ProjectState[];
}

/** Members see the projects they are assigned to, themselves or through a group; Owners, Managers and partners see all. */
export async function memberProjectFilter(tx: Tx, p: Principal, workspace: string): Promise<string[] | 'all'> {
  if (p.isPartner) return 'all';
  const roles = await rolesOf(tx, p.username, workspace);
  if (roles.has(OWNER) || roles.has(MANAGER)) return 'all';
  const rows = await tx.query<{ project: string }>(
    `select project from project_bindings where workspace = $1 and subject_kind = 'user' and subject = $2
     union
     select b.project from project_bindings b join user_groups g on g.workspace = b.workspace and g.name = b.subject
     where b.workspace = $1 and b.subject_kind = 'group' and g.members ? $2`,
    [workspace, p.username],
  );
  return rows.map((r) => r.project);
}

/** Whether the principal sees this project of the workspace (see memberProjectFilter). */
export async function seesProject(tx: Tx, p: Principal, workspace: string, project: string): Promise<boolean> {
  const visible = await memberProjectFilter(tx, p, workspace);
  return visible === 'all' || visible.includes(project);
}

export async function listProjects(
  tx: Tx,
  p: Principal,
  workspace: string | undefined,
  states: ProjectState[],
  limit: number,
  offset: number,
  sort?: ListSort,
) {
  if (p.isPartner) {
    // Partners see every project: page in the database.
    const from =
      workspace === undefined ? 'projects where state = any($1)' : 'projects where state = any($1) and workspace = $2';
    return pagedQuery<ProjectRow>(
      tx,
      {
        select: '*',
        from,
        orderBy: 'workspace, name',
        params: workspace === undefined ? [states] : [states, workspace],
        sort,
      },
      limit,
      offset,
    );
  }
  const visible = await visibleWorkspaces(tx, p);
  const workspaces =
    workspace !== undefined ? (visible === 'all' || visible.includes(workspace) ? [workspace] : []) : visible;
  const rows: ProjectRow[] = [];
  const order = orderBy('workspace, name', sort);
  const all =
    workspaces === 'all'
      ? await tx.query<ProjectRow>(`select * from projects where state = any($1) order by ${order}`, [states])
      : await tx.query<ProjectRow>(
          `select * from projects where state = any($1) and workspace = any($2) order by ${order}`,
          [states, workspaces],
        );
  const filters = new Map<string, string[] | 'all'>();
  for (const row of all) {
    if (!filters.has(row.workspace)) filters.set(row.workspace, await memberProjectFilter(tx, p, row.workspace));
    const f = filters.get(row.workspace)!;
    if (f === 'all' || f.includes(row.name)) rows.push(row);
  }
  return { rows: rows.slice(offset, offset + limit), total: rows.length };
}

/** One project by `<workspace>.<project>`; a project being deleted is still there, a deleted one carries a new identifier. */
export async function getProject(tx: Tx, p: Principal, full: string): Promise<ProjectRow> {
  const [workspace, name] = splitProjectId(full);
  await accessTo(tx, p, workspace);
  const [row] = await tx.query<ProjectRow>('select * from projects where workspace = $1 and name = $2', [
    workspace,
    name,
  ]);
  if (!row || (row.state === 'DELETED' && !p.isPartner) || !(await seesProject(tx, p, workspace, name)))
    throw notFound(`meshProject '${full}' not found`);
  return row;
}

export async function createProject(tx: Tx, p: Principal, body: unknown, now: Date): Promise<ProjectRow> {
  const workspace = str(body, 'metadata.ownedByWorkspace');
  const name = identifier(body, 'metadata.name');
  const a = await accessTo(tx, p, workspace, { lock: true });
  requireManager(a, 'create projects');
  requireWritable(a);
  const [existing] = await tx.query<{ state: ProjectState }>(
    'select state from projects where workspace = $1 and name = $2',
    [workspace, name],
  );
  if (existing)
    throw refuse(
      'project-identifier-taken',
      `meshProject '${workspace}.${name}' already exists${existing.state === 'PENDING_DELETION' ? ' (its deletion is pending)' : ''}`,
    );
  const [{ n }] = await tx.query<{ n: number }>(
    `select count(*)::int as n from projects where workspace = $1 and state = 'ACTIVE'`,
    [workspace],
  );
  if (a.workspace.project_quota !== null && n >= a.workspace.project_quota) {
    throw refuse(
      'quota-reached',
      `meshWorkspace '${workspace}' has reached its project quota of ${a.workspace.project_quota}`,
    );
  }
  const projectTags = await writeTags(tx, p, 'meshProject', undefined, tags(body, 'spec.tags'));
  const displayName = str(body, 'spec.displayName');
  const [row] = await tx.query<ProjectRow>(
    `insert into projects (workspace, name, display_name, tags, payment_method, substitute_payment_method, created_on, extra) values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
    [
      workspace,
      name,
      displayName,
      projectTags,
      optStr(body, 'spec.paymentMethodIdentifier') ?? null,
      optStr(body, 'spec.substitutePaymentMethodIdentifier') ?? null,
      now.toISOString(),
      extraFields(body, PROJECT_FIELDS),
    ],
  );
  await recordEvent(tx, {
    workspace,
    project: name,
    type: 'PROJECT_CREATED',
    actor: p.username,
    at: now,
    details: { displayName, tags: projectTags },
  });
  return row;
}

export async function updateProject(tx: Tx, p: Principal, full: string, body: unknown, now: Date): Promise<ProjectRow> {
  const [workspace, name] = splitProjectId(full);
  if (str(body, 'metadata.name') !== name || str(body, 'metadata.ownedByWorkspace') !== workspace) {
    throw badRequest(`metadata.name and metadata.ownedByWorkspace must match '${full}': identifiers are immutable`);
  }
  const [before] = await tx.query<ProjectRow>(
    `select * from projects where workspace = $1 and name = $2 and state <> 'DELETED'`,
    [workspace, name],
  );
  if (!before) return createProject(tx, p, body, now);
  if (before.state === 'PENDING_DELETION')
    throw refuse('project-being-deleted', `meshProject '${full}' is being deleted`);
  const a = await accessTo(tx, p, workspace, { lock: true });
  requireManager(a, 'edit projects');
  requireWritable(a);
  const projectTags = await writeTags(tx, p, 'meshProject', before.tags, tags(body, 'spec.tags'));
  const displayName = str(body, 'spec.displayName');
  // PUT is a full rewrite, as on meshStack: a payment method the body leaves out is cleared.
  const [row] = await tx.query<ProjectRow>(
    'update projects set display_name = $3, tags = $4, payment_method = $5, substitute_payment_method = $6, extra = $7 where workspace = $1 and name = $2 returning *',
    [
      workspace,
      name,
      displayName,
      projectTags,
      optStr(body, 'spec.paymentMethodIdentifier') ?? null,
      optStr(body, 'spec.substitutePaymentMethodIdentifier') ?? null,
      extraFields(body, PROJECT_FIELDS),
    ],
  );
  if (displayName !== before.display_name || JSON.stringify(projectTags) !== JSON.stringify(before.tags)) {
    await recordEvent(tx, {
      workspace,
      project: name,
      type: 'PROJECT_UPDATED',
      actor: p.username,
      at: now,
      details: {
        before: { displayName: before.display_name, tags: before.tags },
        after: { displayName, tags: projectTags },
      },
    });
  }
  return row;
}

/** Deletion starts: the project leaves the default list, its bindings go at once, and it is DELETED when its deletion finishes. */
export async function deleteProject(tx: Tx, p: Principal, full: string, now: Date): Promise<void> {
  const [workspace, name] = splitProjectId(full);
  const a = await accessTo(tx, p, workspace, { lock: true });
  requireManager(a, 'delete projects');
  requireWritable(a);
  const [row] = await tx.query(
    `update projects set state = 'PENDING_DELETION', deletion_requested_at = $3 where workspace = $1 and name = $2 and state = 'ACTIVE' returning name`,
    [workspace, name, now.toISOString()],
  );
  if (!row) throw notFound(`meshProject '${full}' not found`);
  await tx.query('delete from project_bindings where workspace = $1 and project = $2', [workspace, name]);
  tx.expiryWatch.noteAt(now.getTime() + (await getSettings(tx)).projectDeletionDelaySeconds * 1000);
  await recordEvent(tx, {
    workspace,
    project: name,
    type: 'PROJECT_DELETION_REQUESTED',
    actor: p.username,
    at: now,
    details: {},
  });
}

/**
 * Finishes the deletions whose tenants are gone (here: whose delay on the sandbox clock passed):
 * DELETED, with a timestamp appended to the identifier, which frees it for a new project.
 */
export async function finishProjectDeletions(tx: Tx, now: Date): Promise<number> {
  const delaySeconds = (await getSettings(tx)).projectDeletionDelaySeconds;
  const due = await tx.query<{ workspace: string; name: string }>(
    `select workspace, name from projects where state = 'PENDING_DELETION' and deletion_requested_at <= $1`,
    [new Date(now.getTime() - delaySeconds * 1000).toISOString()],
  );
  for (const d of due) {
    const renamed = `${d.name}-${now.getTime()}`;
    await tx.query(
      `update projects set state = 'DELETED', deleted_on = $3, name = $4 where workspace = $1 and name = $2`,
      [d.workspace, d.name, now.toISOString(), renamed],
    );
    await recordEvent(tx, {
      workspace: d.workspace,
      project: d.name,
      type: 'PROJECT_DELETED',
      actor: 'meshStack (deletion)',
      at: now,
      details: { identifier: renamed },
    });
  }
  return due.length;
}

/** When the next pending deletion finishes (ms since the epoch), or Infinity. */
export async function nextProjectDeletion(tx: Tx): Promise<number> {
  const delaySeconds = (await getSettings(tx)).projectDeletionDelaySeconds;
  const [{ at }] = await tx.query<{ at: Date | null }>(
    `select min(deletion_requested_at) as at from projects where state = 'PENDING_DELETION'`,
  );
  return at ? new Date(at).getTime() + delaySeconds * 1000 : Infinity;
}
