/**
 * Messages to workspace users ("Send messages to workspace users" in meshStack's workspace
 * documentation), as meshStack's API has them (`v1-preview`): a meshCommunicationDefinition holds
 * the message (title, message, type ACTION_REQUIRED or NOTIFICATION, due date), and one
 * meshCommunication per target workspace sends it. Only a partner sends messages; the workspace's
 * users are told by e-mail unless the definition skips it.
 *
 * The panel's read modes ("all must read", "single read only") have no field in the API: an
 * ACTION_REQUIRED communication is resolved once for its workspace, a NOTIFICATION is shown to all.
 */
import { randomUUID } from 'crypto';
import type { Principal } from '../auth';
import type { Tx } from '../db';
import { badRequest, notFound } from '../problem';
import { accessTo, requirePartner, rolesOf } from './access';
import { emailOf, notify } from './events';
import { optBool, optDate, requireObject, str } from './input';

const COMMUNICATION_TYPES = ['ACTION_REQUIRED', 'NOTIFICATION'] as const;
/** Longer than other strings: a message is a paragraph or two of markdown. */
const MAX_MESSAGE = 10_000;

export interface DefinitionRow {
  readonly uuid: string;
  readonly doc: { displayName: string; communication: Record<string, unknown> };
  readonly created_by: string;
  readonly created_on: string | Date;
}

export interface CommunicationRow {
  readonly uuid: string;
  readonly definition: string;
  readonly target_kind: string;
  readonly target_name: string;
  readonly created_by: string;
  readonly created_on: string | Date;
}

function message(body: unknown): string {
  const v = (((body as { spec?: { communication?: { message?: unknown } } }).spec ?? {}).communication ?? {}).message;
  if (typeof v !== 'string' || v.trim() === '') throw badRequest('spec.communication.message is required');
  if (v.length > MAX_MESSAGE) throw badRequest(`spec.communication.message must be at most ${MAX_MESSAGE} characters`);
  return v;
}

export async function createDefinition(tx: Tx, p: Principal, body: unknown, now: Date): Promise<DefinitionRow> {
  requirePartner(p, 'send messages to workspace users');
  requireObject(body);
  const type = str(body, 'spec.communication.type');
  if (!(COMMUNICATION_TYPES as readonly string[]).includes(type))
    throw badRequest(`spec.communication.type must be one of ${COMMUNICATION_TYPES.join(', ')}, got "${type}"`);
  const title = str(body, 'spec.communication.title');
  const dueDate = optDate(body, 'spec.communication.dueDate');
  const skip = optBool(body, 'spec.communication.skipEmailNotifications');
  const doc = {
    displayName: str(body, 'spec.displayName'),
    communication: {
      title,
      message: message(body),
      type,
      ...(dueDate ? { dueDate } : {}),
      ...(skip !== undefined ? { skipEmailNotifications: skip } : {}),
    },
  };
  const [row] = await tx.query<DefinitionRow>(
    'insert into communication_definitions (uuid, doc, created_by, created_on) values ($1, $2, $3, $4) returning *',
    [randomUUID(), doc, p.username, now.toISOString()],
  );
  return row;
}

async function definitionRow(tx: Tx, uuid: string): Promise<DefinitionRow> {
  const [row] = await tx.query<DefinitionRow>('select * from communication_definitions where uuid = $1', [uuid]);
  if (!row) throw notFound(`meshCommunicationDefinition '${uuid}' not found`);
  return row;
}

/** A definition, for a partner or a user of a workspace it was sent to (they read the message). */
export async function getDefinition(tx: Tx, p: Principal, uuid: string): Promise<DefinitionRow> {
  const row = await definitionRow(tx, uuid);
  if (p.isPartner) return row;
  const targets = await tx.query<{ target_name: string }>(
    `select distinct target_name from communications where definition = $1 and target_kind = 'meshWorkspace'`,
    [uuid],
  );
  for (const t of targets) if ((await rolesOf(tx, p.username, t.target_name)).size) return row;
  throw notFound(`meshCommunicationDefinition '${uuid}' not found`);
}

export async function listDefinitions(tx: Tx, p: Principal): Promise<DefinitionRow[]> {
  requirePartner(p, 'list message definitions');
  return tx.query<DefinitionRow>('select * from communication_definitions order by created_on, uuid');
}

/** Sends a definition's message to one workspace, and e-mails its users unless the definition says not to. */
export async function createCommunication(tx: Tx, p: Principal, body: unknown, now: Date): Promise<CommunicationRow> {
  requirePartner(p, 'send messages to workspace users');
  requireObject(body);
  const kind = str(body, 'spec.targetMeshObjectRef.kind');
  const target = str(body, 'spec.targetMeshObjectRef.name');
  // meshStack also targets tenants; the sandbox has none.
  if (kind !== 'meshWorkspace') throw badRequest(`spec.targetMeshObjectRef.kind must be meshWorkspace, got "${kind}"`);
  const definition = await definitionRow(tx, str(body, 'spec.communicationDefinitionRef.uuid'));
  const ws = (await accessTo(tx, p, target)).workspace;
  const [row] = await tx.query<CommunicationRow>(
    `insert into communications (uuid, definition, target_kind, target_name, created_by, created_on)
     values ($1, $2, $3, $4, $5, $6) returning *`,
    [randomUUID(), definition.uuid, kind, target, p.username, now.toISOString()],
  );
  if (definition.doc.communication.skipEmailNotifications !== true) {
    const users = await tx.query<{ subject: string }>(
      `select distinct subject from workspace_bindings where workspace = $1 and subject_kind = 'user' order by subject`,
      [target],
    );
    for (const u of users)
      await notify(
        tx,
        await emailOf(tx, u.subject),
        `${ws.display_name}: ${String(definition.doc.communication.title)}`,
        String(definition.doc.communication.message),
        now,
      );
  }
  return row;
}

export async function getCommunication(tx: Tx, p: Principal, uuid: string): Promise<CommunicationRow> {
  const [row] = await tx.query<CommunicationRow>('select * from communications where uuid = $1', [uuid]);
  if (!row) throw notFound(`meshCommunication '${uuid}' not found`);
  await accessTo(tx, p, row.target_name);
  return row;
}

/** The messages sent to one workspace (its users may read them), or with no workspace all of them (a partner). */
export async function listCommunications(tx: Tx, p: Principal, workspace?: string): Promise<CommunicationRow[]> {
  if (workspace === undefined) {
    requirePartner(p, 'list the messages of every workspace');
    return tx.query<CommunicationRow>('select * from communications order by created_on, uuid');
  }
  await accessTo(tx, p, workspace);
  return tx.query<CommunicationRow>(
    `select * from communications where target_kind = 'meshWorkspace' and target_name = $1 order by created_on, uuid`,
    [workspace],
  );
}

const iso = (d: string | Date) => new Date(d).toISOString();

export function definitionJson(d: DefinitionRow, base: string) {
  return {
    apiVersion: 'v1-preview',
    kind: 'meshCommunicationDefinition',
    metadata: { uuid: d.uuid, createdOn: iso(d.created_on) },
    spec: d.doc,
    _links: { self: { href: `${base}/api/meshobjects/meshcommunicationdefinitions/${d.uuid}` } },
  };
}

export function communicationJson(c: CommunicationRow, base: string) {
  return {
    apiVersion: 'v1-preview',
    kind: 'meshCommunication',
    metadata: { uuid: c.uuid, createdOn: iso(c.created_on) },
    spec: {
      targetMeshObjectRef: { kind: c.target_kind, name: c.target_name },
      communicationDefinitionRef: { uuid: c.definition },
    },
    _links: { self: { href: `${base}/api/meshobjects/meshcommunications/${c.uuid}` } },
  };
}
