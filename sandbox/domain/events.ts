/** Workspace and project history, and the outbox of e-mails the seeds mention. */
import type { Tx } from '../db';

/** Event types from meshStack's workspace history, plus the deletion and project events the seeds describe. */
export type EventType =
  | 'CUSTOMER_REGISTERED'
  | 'CUSTOMER_CREATED'
  | 'CUSTOMER_APPROVED'
  | 'CUSTOMER_UPDATED'
  | 'CUSTOMER_DELETED'
  | 'CUSTOMER_QUOTA_EDITED'
  | 'CUSTOMER_STATUS_CHANGED'
  | 'USER_INVITED'
  | 'USER_ACCEPTED_INVITATION'
  | 'USER_INVITATION_CANCELLED'
  | 'USER_REMOVED'
  | 'USER_ROLE_CHANGED'
  | 'USER_ASSIGNED_HIMSELF'
  | 'ROLE_REQUEST_CREATED'
  | 'ROLE_REQUEST_APPROVED'
  | 'ROLE_REQUEST_DECLINED'
  | 'ROLE_REQUEST_CANCELLED'
  | 'PROJECT_CREATED'
  | 'PROJECT_UPDATED'
  | 'PROJECT_DELETION_REQUESTED'
  | 'PROJECT_DELETED'
  | 'PROJECT_USER_ASSIGNED'
  | 'PROJECT_USER_REMOVED';

export interface EventInput {
  readonly workspace: string;
  readonly project?: string;
  readonly type: EventType;
  readonly actor: string;
  readonly at: Date;
  readonly details: Record<string, unknown>;
}

export async function recordEvent(tx: Tx, e: EventInput): Promise<void> {
  await tx.query('insert into events (workspace, project, type, actor, at, details) values ($1, $2, $3, $4, $5, $6)', [
    e.workspace,
    e.project ?? null,
    e.type,
    e.actor,
    e.at.toISOString(),
    e.details,
  ]);
}

export interface EventView {
  readonly id: number;
  readonly workspace: string;
  readonly project: string | null;
  readonly type: EventType;
  readonly actor: string;
  readonly at: string;
  readonly details: Record<string, unknown>;
}

/** The events of one workspace (or one of its projects), or with no workspace those of the whole platform. */
export async function listEvents(tx: Tx, workspace?: string, project?: string): Promise<EventView[]> {
  const rows = await tx.query<{
    id: string;
    workspace: string;
    project: string | null;
    type: EventType;
    actor: string;
    at: Date;
    details: Record<string, unknown>;
  }>(
    workspace === undefined
      ? 'select * from events order by id'
      : project === undefined
        ? 'select * from events where workspace = $1 order by id'
        : 'select * from events where workspace = $1 and project = $2 order by id',
    workspace === undefined ? [] : project === undefined ? [workspace] : [workspace, project],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), at: new Date(r.at).toISOString() }));
}

export async function notify(tx: Tx, recipient: string, subject: string, body: string, at: Date): Promise<void> {
  await tx.query('insert into outbox (recipient, subject, body, at) values ($1, $2, $3, $4)', [
    recipient,
    subject,
    body,
    at.toISOString(),
  ]);
}

/** The e-mail address of a username, or the subject itself when it is an invited e-mail. */
export async function emailOf(tx: Tx, subject: string): Promise<string> {
  const [row] = await tx.query<{ email: string | null }>('select email from users where username = $1', [subject]);
  return row?.email ?? subject;
}
