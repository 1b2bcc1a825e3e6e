/**
 * meshProjectRole (v1): the project roles a platform offers. Bindings name a role by its display
 * name (`spec.name`); meshStack starts with Project Admin, Project User and Project Reader, and an
 * administrator may add more. A binding with any other role is refused.
 */
import type { Principal } from '../auth';
import type { Tx } from '../db';
import { badRequest, notFound } from '../problem';
import { refuse } from './refusals';
import { requirePartner } from './access';
import { identifier, optStr, str, tags } from './input';

export interface ProjectRoleRow {
  name: string;
  display_name: string;
  description: string | null;
  rank: number;
  tags: Record<string, string[]>;
}

/** The roles a fresh meshStack has (identifier, display name, rank). */
export const DEFAULT_PROJECT_ROLE_ROWS = [
  ['project-admin', 'Project Admin', 300],
  ['project-user', 'Project User', 200],
  ['project-reader', 'Project Reader', 100],
] as const;

export async function listProjectRoles(tx: Tx): Promise<ProjectRoleRow[]> {
  return tx.query<ProjectRoleRow>(
    'select name, display_name, description, rank::float8 as rank, tags from project_roles where deleted_at is null order by rank desc, name',
  );
}

export async function getProjectRole(tx: Tx, name: string): Promise<ProjectRoleRow> {
  const [row] = (await listProjectRoles(tx)).filter((r) => r.name === name);
  if (!row) throw notFound(`meshProjectRole '${name}' not found`);
  return row;
}

function rank(body: unknown): number {
  const v = (body as { spec?: { rank?: unknown } } | undefined)?.spec?.rank;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest('spec.rank must be a number');
  return v;
}

export async function putProjectRole(
  tx: Tx,
  p: Principal,
  name: string | undefined,
  body: unknown,
): Promise<ProjectRoleRow> {
  requirePartner(p, 'manage meshProjectRoles');
  const id = identifier(body, 'metadata.name');
  if (name !== undefined && id !== name) throw badRequest(`metadata.name '${id}' does not match the path '${name}'`);
  const displayName = str(body, 'spec.name');
  const [existing] = await tx.query<{ name: string }>(
    'select name from project_roles where name = $1 and deleted_at is null',
    [id],
  );
  if (name === undefined && existing) throw refuse('project-role-exists', `meshProjectRole '${id}' already exists`);
  if (name !== undefined && !existing) throw notFound(`meshProjectRole '${name}' not found`);
  const [clash] = await tx.query<{ name: string }>(
    'select name from project_roles where display_name = $1 and name <> $2 and deleted_at is null',
    [displayName, id],
  );
  if (clash)
    throw refuse('project-role-name-taken', `meshProjectRole '${clash.name}' already has the name '${displayName}'`);
  await tx.query(
    `insert into project_roles (name, display_name, description, rank, tags) values ($1, $2, $3, $4, $5)
     on conflict (name) do update set display_name = $2, description = $3, rank = $4, tags = $5, deleted_at = null`,
    [id, displayName, optStr(body, 'spec.description') ?? null, rank(body), tags(body, 'metadata.tags')],
  );
  return getProjectRole(tx, id);
}

export async function deleteProjectRole(tx: Tx, p: Principal, name: string, now: Date): Promise<void> {
  requirePartner(p, 'manage meshProjectRoles');
  await getProjectRole(tx, name);
  await tx.query('update project_roles set deleted_at = $2 where name = $1', [name, now.toISOString()]);
}

/** A binding's role must be a project role of the platform (by display name). */
export async function requireProjectRole(tx: Tx, role: string): Promise<void> {
  const roles = await listProjectRoles(tx);
  if (!roles.some((r) => r.display_name === role))
    throw refuse(
      'project-role-unknown',
      `roleRef.name '${role}' is not a meshProjectRole of this platform; the project roles are ${roles.map((r) => `'${r.display_name}'`).join(', ')}`,
    );
}
