/** meshUser (v2), meshWorkspaceUserGroup (v1, read-only) and invitation acceptance at first login. */
import { randomUUID } from 'crypto';
import type { Principal } from '../auth';
import type { Tx } from '../db';
import { notFound } from '../problem';
import { refuse } from './refusals';
import type { GroupRow, UserRow } from '../representations';
import { accessTo, requirePartner, visibleWorkspaces } from './access';
import { recordEvent } from './events';
import { optStr, str, tags } from './input';

/**
 * Users the principal may see (a partner every one; others themselves and the users of workspaces
 * they see), filtered. The filters are SQL, so that a lookup by username costs the same in an estate
 * of ten workspaces and of thousands.
 */
export async function listUsers(
  tx: Tx,
  p: Principal,
  f: { workspace?: string; role?: string; username?: string; email?: string },
): Promise<UserRow[]> {
  const visible = await visibleWorkspaces(tx, p);
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  const bound = (cond: string) =>
    `exists (select 1 from workspace_bindings b where b.subject_kind = 'user' and b.subject = u.username${cond})`;
  const where = [
    ...(f.username !== undefined ? [`u.username = ${param(f.username)}`] : []),
    ...(f.email !== undefined ? [`u.email = ${param(f.email)}`] : []),
    ...(visible === 'all'
      ? []
      : [`(u.username = ${param(p.username)} or ${bound(` and b.workspace = any(${param(visible)}::text[])`)})`]),
    // The role filter names a role held in the filtered workspace where both are given.
    ...(f.workspace !== undefined || f.role !== undefined
      ? [
          bound(
            `${f.workspace !== undefined ? ` and b.workspace = ${param(f.workspace)}` : ''}${f.role !== undefined ? ` and b.role = ${param(f.role)}` : ''}`,
          ),
        ]
      : []),
  ];
  return tx.query<UserRow>(
    `select u.* from users u${where.length ? ` where ${where.join(' and ')}` : ''} order by u.username`,
    params,
  );
}

export async function getUser(tx: Tx, p: Principal, username: string): Promise<UserRow> {
  const [u] = await listUsers(tx, p, { username });
  if (!u) throw notFound(`meshUser '${username}' not found`);
  return u;
}

export async function putUser(
  tx: Tx,
  p: Principal,
  username: string | undefined,
  body: unknown,
  now: Date,
): Promise<UserRow> {
  requirePartner(p, 'manage meshUsers');
  const name = username ?? str(body, 'metadata.name');
  const [before] = await tx.query<UserRow>('select * from users where username = $1', [name]);
  if (before && username === undefined) throw refuse('user-exists', `meshUser '${name}' already exists`);
  const values = [
    name,
    str(body, 'spec.email'),
    str(body, 'spec.firstName'),
    str(body, 'spec.lastName'),
    optStr(body, 'spec.euid') ?? null,
    tags(body, 'spec.tags'),
  ];
  const [user] = before
    ? await tx.query<UserRow>(
        'update users set email = $2, first_name = $3, last_name = $4, euid = $5, tags = $6 where username = $1 returning *',
        values,
      )
    : await tx.query<UserRow>(
        'insert into users (username, email, first_name, last_name, euid, tags, uuid, created_on) values ($1, $2, $3, $4, $5, $6, $7, $8) returning *',
        [...values, randomUUID(), now.toISOString()],
      );
  return user;
}

export async function deleteUser(tx: Tx, p: Principal, username: string): Promise<void> {
  requirePartner(p, 'manage meshUsers');
  const [bound] = await tx.query(`select 1 from workspace_bindings where subject_kind = 'user' and subject = $1`, [
    username,
  ]);
  if (bound) throw refuse('user-still-bound', `meshUser '${username}' still has workspace roles; remove them first`);
  const [row] = await tx.query('delete from users where username = $1 and not is_partner returning username', [
    username,
  ]);
  if (!row) throw notFound(`meshUser '${username}' not found`);
}

/**
 * First login of a user: pending invitations to their e-mail are accepted, and the bindings made
 * for the e-mail now name the username.
 */
export async function acceptInvitations(tx: Tx, username: string, now: Date): Promise<string[]> {
  const [user] = await tx.query<UserRow>('select * from users where username = $1', [username]);
  if (!user) throw notFound(`meshUser '${username}' not found`);
  if (!user.email) return [];
  const invites = await tx.query<{ workspace: string }>(
    `update invitations set status = 'ACCEPTED' where email = $1 and status = 'PENDING' returning workspace`,
    [user.email],
  );
  for (const { workspace } of invites) {
    // A role the user already holds directly is not doubled: the invitation's binding goes (a doubled Owner would block a real second one).
    await tx.query(
      `delete from workspace_bindings i where i.workspace = $1 and i.subject_kind = 'user' and i.subject = $2
       and exists (select 1 from workspace_bindings d where d.workspace = i.workspace and d.subject_kind = 'user' and d.subject = $3 and d.role = i.role)`,
      [workspace, user.email, username],
    );
    await tx.query(
      `delete from project_bindings i where i.workspace = $1 and i.subject_kind = 'user' and i.subject = $2
       and exists (select 1 from project_bindings d where d.workspace = i.workspace and d.project = i.project and d.subject_kind = 'user' and d.subject = $3 and d.role = i.role)`,
      [workspace, user.email, username],
    );
    await tx.query(
      `update workspace_bindings set subject = $3 where workspace = $1 and subject_kind = 'user' and subject = $2`,
      [workspace, user.email, username],
    );
    await tx.query(
      `update project_bindings set subject = $3 where workspace = $1 and subject_kind = 'user' and subject = $2`,
      [workspace, user.email, username],
    );
    await recordEvent(tx, {
      workspace,
      type: 'USER_ACCEPTED_INVITATION',
      actor: username,
      at: now,
      details: { email: user.email },
    });
  }
  return invites.map((i) => i.workspace);
}

export async function listGroups(tx: Tx, p: Principal, workspace: string | undefined): Promise<GroupRow[]> {
  const visible = await visibleWorkspaces(tx, p);
  const rows = await tx.query<GroupRow>('select * from user_groups order by workspace, name');
  return rows.filter(
    (g) =>
      (visible === 'all' || visible.includes(g.workspace)) && (workspace === undefined || g.workspace === workspace),
  );
}

export async function getGroup(tx: Tx, p: Principal, full: string): Promise<GroupRow> {
  const i = full.indexOf('.');
  const [workspace, name] = i > 0 ? [full.slice(0, i), full.slice(i + 1)] : ['', full];
  await accessTo(tx, p, workspace);
  const [g] = await tx.query<GroupRow>('select * from user_groups where workspace = $1 and name = $2', [
    workspace,
    name,
  ]);
  if (!g) throw notFound(`meshWorkspaceUserGroup '${full}' not found`);
  return g;
}
