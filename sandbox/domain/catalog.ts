/** meshTagDefinition (v1) and meshPaymentMethod (v2): partner-managed objects. */
import type { TagDefinition } from '../../schemas/desired-state.generated';
import { validateAgainst } from '../../core/json-schema';
import type { Principal } from '../auth';
import type { Tx } from '../db';
import { badRequest, conflict, notFound } from '../problem';
import type { PaymentMethodRow } from '../representations';
import { accessTo, requireManager, requirePartner, visibleWorkspaces } from './access';
import { optStr, str, tags } from './input';

/** A tag definition body with meshStack's defaults, checked with the schema meshform's manifest uses for it. */
function tagDefinition(body: unknown, name?: string): TagDefinition {
  const raw = (body ?? {}) as { metadata?: unknown; spec?: Record<string, unknown> };
  const spec = Object.assign({ restricted: false, mandatory: false, immutable: false, displayName: raw.spec?.key }, raw.spec);
  const doc = { metadata: raw.metadata, spec } as TagDefinition;
  const problems = validateAgainst('desired-state.schema.json', {
    apiVersion: 'meshform.io/v1',
    kind: 'DesiredState',
    metadata: { name: 'request' },
    rolePolicy: { recertification: [] },
    workspaces: [],
    tagDefinitions: [doc],
  });
  if (problems.length) throw badRequest(`invalid meshTagDefinition: ${problems.map((p) => `${p.path.replace('$.tagDefinitions[0].', '')} ${p.message}`).join('; ')}`);
  const expected = `${doc.spec.targetKind}.${doc.spec.key}`;
  if (doc.metadata.name !== expected || (name !== undefined && name !== expected)) throw badRequest(`metadata.name must be '${expected}' (<targetKind>.<key>)`);
  return doc;
}

export async function listTagDefinitions(tx: Tx): Promise<TagDefinition[]> {
  return (await tx.query<{ doc: TagDefinition }>('select doc from tag_definitions order by name')).map((r) => r.doc);
}

export async function getTagDefinition(tx: Tx, name: string): Promise<TagDefinition> {
  const [row] = await tx.query<{ doc: TagDefinition }>('select doc from tag_definitions where name = $1', [name]);
  if (!row) throw notFound(`meshTagDefinition '${name}' not found`);
  return row.doc;
}

export async function putTagDefinition(tx: Tx, p: Principal, name: string | undefined, body: unknown): Promise<TagDefinition> {
  requirePartner(p, 'manage tag definitions');
  const doc = tagDefinition(body, name);
  const [before] = await tx.query('select 1 from tag_definitions where name = $1', [doc.metadata.name]);
  if (before && name === undefined) throw conflict(`meshTagDefinition '${doc.metadata.name}' already exists`);
  await tx.query('insert into tag_definitions (name, doc) values ($1, $2) on conflict (name) do update set doc = excluded.doc', [doc.metadata.name, doc]);
  return doc;
}

/** Deleting a definition also strips its key from every object of its target kind, as meshStack does. */
export async function deleteTagDefinition(tx: Tx, p: Principal, name: string): Promise<void> {
  requirePartner(p, 'manage tag definitions');
  const [row] = await tx.query<{ doc: TagDefinition }>('delete from tag_definitions where name = $1 returning doc', [name]);
  if (!row) throw notFound(`meshTagDefinition '${name}' not found`);
  const table = row.doc.spec.targetKind === 'meshWorkspace' ? 'workspaces' : 'projects';
  await tx.query(`update ${table} set tags = tags - $1`, [row.doc.spec.key]);
}

export async function listPaymentMethods(tx: Tx, p: Principal, workspace: string | undefined): Promise<PaymentMethodRow[]> {
  const visible = await visibleWorkspaces(tx, p);
  const rows = await tx.query<PaymentMethodRow>('select * from payment_methods where deleted_on is null order by name');
  return rows.filter((m) => (visible === 'all' || visible.includes(m.workspace)) && (workspace === undefined || m.workspace === workspace));
}

export async function getPaymentMethod(tx: Tx, p: Principal, name: string): Promise<PaymentMethodRow> {
  const [m] = await tx.query<PaymentMethodRow>('select * from payment_methods where name = $1', [name]);
  if (!m) throw notFound(`meshPaymentMethod '${name}' not found`);
  await accessTo(tx, p, m.workspace, { includeDeleted: true });
  return m;
}

export async function putPaymentMethod(tx: Tx, p: Principal, name: string | undefined, body: unknown, now: Date): Promise<PaymentMethodRow> {
  const id = name ?? str(body, 'metadata.name');
  const workspace = str(body, 'metadata.ownedByWorkspace');
  requireManager(await accessTo(tx, p, workspace), 'manage payment methods');
  const [before] = await tx.query('select 1 from payment_methods where name = $1', [id]);
  if (before && name === undefined) throw conflict(`meshPaymentMethod '${id}' already exists`);
  const amount = (body as { spec?: { amount?: unknown } }).spec?.amount;
  if (amount !== undefined && amount !== null && typeof amount !== 'number') throw badRequest('spec.amount must be a number');
  const [row] = await tx.query<PaymentMethodRow>(
    `insert into payment_methods (name, workspace, display_name, amount, expiration_date, tags, created_on) values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (name) do update set display_name = excluded.display_name, amount = excluded.amount, expiration_date = excluded.expiration_date, tags = excluded.tags
     returning *`,
    [id, workspace, str(body, 'spec.displayName'), amount ?? null, optStr(body, 'spec.expirationDate') ?? null, tags(body, 'spec.tags'), now.toISOString()],
  );
  return row;
}

export async function deletePaymentMethod(tx: Tx, p: Principal, name: string, now: Date): Promise<void> {
  const m = await getPaymentMethod(tx, p, name);
  requireManager(await accessTo(tx, p, m.workspace), 'manage payment methods');
  await tx.query('update payment_methods set deleted_on = $2 where name = $1 and deleted_on is null', [name, now.toISOString()]);
}
