/** meshTagDefinition (v1) and meshPaymentMethod (v2): partner-managed objects. */
import type { Principal } from '../auth';
import type { Tx } from '../db';
import { badRequest, notFound } from '../problem';
import { refuse } from './refusals';
import type { PaymentMethodRow } from '../representations';
import { accessTo, requireManager, requirePartner, visibleWorkspaces } from './access';
import { optStr, str, tags } from './input';
import type { TagDefinitionDoc, ValueType } from './tags';

const VALUE_TYPES = ['string', 'email', 'integer', 'number', 'singleSelect', 'multiSelect'] as const;
const SPEC_FIELDS = new Set([
  'targetKind',
  'key',
  'displayName',
  'description',
  'valueType',
  'sortOrder',
  'replicationKey',
  'restricted',
  'mandatory',
  'immutable',
]);

function valueType(v: unknown): ValueType {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw badRequest('spec.valueType must be an object with one of ' + VALUE_TYPES.join(', '));
  const keys = Object.keys(v);
  if (keys.length !== 1 || !VALUE_TYPES.includes(keys[0] as (typeof VALUE_TYPES)[number]))
    throw badRequest(
      `spec.valueType must have exactly one of ${VALUE_TYPES.join(', ')}, got ${keys.join(', ') || 'none'}`,
    );
  const inner = (v as Record<string, unknown>)[keys[0]];
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner))
    throw badRequest(`spec.valueType.${keys[0]} must be an object`);
  const o = inner as Record<string, unknown>;
  if (
    (keys[0] === 'singleSelect' || keys[0] === 'multiSelect') &&
    !(Array.isArray(o.options) && o.options.length > 0 && o.options.every((x) => typeof x === 'string'))
  ) {
    throw badRequest(`spec.valueType.${keys[0]}.options must be a non-empty list of strings`);
  }
  if (o.validationRegex !== undefined) {
    // A pattern the sandbox cannot evaluate would pass every value unchecked: refuse it when it is defined.
    try {
      new RegExp(typeof o.validationRegex === 'string' ? o.validationRegex : JSON.stringify(o.validationRegex));
    } catch (e) {
      throw refuse(
        'tag-regex-invalid',
        `spec.valueType.${keys[0]}.validationRegex is not a valid regular expression: ${(e as Error).message}`,
      );
    }
  }
  return v;
}

function flag(spec: Record<string, unknown>, key: string): boolean {
  const v = spec[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw badRequest(`spec.${key} must be a boolean`);
  return v;
}

/** A tag definition body with meshStack's defaults; every field checked, sortOrder and replicationKey kept. */
function tagDefinition(body: unknown, name?: string): TagDefinitionDoc {
  const raw = (body ?? {}) as { spec?: unknown };
  const spec = raw.spec;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw badRequest('spec is required and must be an object');
  const s = spec as Record<string, unknown>;
  const unknownField = Object.keys(s).find((k) => !SPEC_FIELDS.has(k));
  if (unknownField) throw badRequest(`spec.${unknownField} is not a meshTagDefinition field`);
  const targetKind = str(body, 'spec.targetKind');
  if (targetKind !== 'meshWorkspace' && targetKind !== 'meshProject')
    throw badRequest(`spec.targetKind must be meshWorkspace or meshProject, got '${targetKind}'`);
  const key = str(body, 'spec.key');
  if (s.sortOrder !== undefined && s.sortOrder !== null && !Number.isInteger(s.sortOrder))
    throw badRequest('spec.sortOrder must be a whole number');
  const doc: TagDefinitionDoc = {
    metadata: { name: str(body, 'metadata.name') },
    spec: {
      targetKind,
      key,
      displayName: optStr(body, 'spec.displayName') ?? key,
      ...(optStr(body, 'spec.description') !== undefined ? { description: optStr(body, 'spec.description')! } : {}),
      valueType: valueType(s.valueType),
      ...(Number.isInteger(s.sortOrder) ? { sortOrder: s.sortOrder as number } : {}),
      ...(optStr(body, 'spec.replicationKey') !== undefined
        ? { replicationKey: optStr(body, 'spec.replicationKey')! }
        : {}),
      restricted: flag(s, 'restricted'),
      mandatory: flag(s, 'mandatory'),
      immutable: flag(s, 'immutable'),
    },
  };
  const expected = `${targetKind}.${key}`;
  if (doc.metadata.name !== expected || (name !== undefined && name !== expected))
    throw badRequest(`metadata.name must be '${expected}' (<targetKind>.<key>)`);
  return doc;
}

export async function listTagDefinitions(tx: Tx): Promise<TagDefinitionDoc[]> {
  return (await tx.query<{ doc: TagDefinitionDoc }>('select doc from tag_definitions order by name')).map((r) => r.doc);
}

export async function getTagDefinition(tx: Tx, name: string): Promise<TagDefinitionDoc> {
  const [row] = await tx.query<{ doc: TagDefinitionDoc }>('select doc from tag_definitions where name = $1', [name]);
  if (!row) throw notFound(`meshTagDefinition '${name}' not found`);
  return row.doc;
}

export async function putTagDefinition(
  tx: Tx,
  p: Principal,
  name: string | undefined,
  body: unknown,
): Promise<TagDefinitionDoc> {
  requirePartner(p, 'manage tag definitions');
  const doc = tagDefinition(body, name);
  const [before] = await tx.query('select 1 from tag_definitions where name = $1', [doc.metadata.name]);
  if (before && name === undefined)
    throw refuse('tag-definition-exists', `meshTagDefinition '${doc.metadata.name}' already exists`);
  await tx.query(
    'insert into tag_definitions (name, doc) values ($1, $2) on conflict (name) do update set doc = excluded.doc',
    [doc.metadata.name, doc],
  );
  return doc;
}

/** Deleting a definition also strips its key from every object of its target kind, as meshStack does. */
export async function deleteTagDefinition(tx: Tx, p: Principal, name: string): Promise<void> {
  requirePartner(p, 'manage tag definitions');
  const [row] = await tx.query<{ doc: TagDefinitionDoc }>('delete from tag_definitions where name = $1 returning doc', [
    name,
  ]);
  if (!row) throw notFound(`meshTagDefinition '${name}' not found`);
  const table = row.doc.spec.targetKind === 'meshWorkspace' ? 'workspaces' : 'projects';
  await tx.query(`update ${table} set tags = tags - $1`, [row.doc.spec.key]);
}

export async function listPaymentMethods(
  tx: Tx,
  p: Principal,
  workspace: string | undefined,
): Promise<PaymentMethodRow[]> {
  const visible = await visibleWorkspaces(tx, p);
  const rows = await tx.query<PaymentMethodRow>('select * from payment_methods where deleted_on is null order by name');
  return rows.filter(
    (m) =>
      (visible === 'all' || visible.includes(m.workspace)) && (workspace === undefined || m.workspace === workspace),
  );
}

export async function getPaymentMethod(tx: Tx, p: Principal, name: string): Promise<PaymentMethodRow> {
  const [m] = await tx.query<PaymentMethodRow>('select * from payment_methods where name = $1', [name]);
  if (!m) throw notFound(`meshPaymentMethod '${name}' not found`);
  await accessTo(tx, p, m.workspace, { includeDeleted: true });
  return m;
}

/**
 * POST (`name` undefined) creates in the body's workspace; PUT updates the stored one, whose workspace
 * decides who may, and which it never leaves.
 */
export async function putPaymentMethod(
  tx: Tx,
  p: Principal,
  name: string | undefined,
  body: unknown,
  now: Date,
): Promise<PaymentMethodRow> {
  const id = name ?? str(body, 'metadata.name');
  const workspace = str(body, 'metadata.ownedByWorkspace');
  const [before] = await tx.query<{ workspace: string; deleted_on: Date | null }>(
    'select workspace, deleted_on from payment_methods where name = $1',
    [id],
  );
  if (name === undefined) {
    if (before) throw refuse('payment-method-exists', `meshPaymentMethod '${id}' already exists`);
    requireManager(await accessTo(tx, p, workspace), 'manage payment methods');
  } else {
    if (!before || before.deleted_on) throw notFound(`meshPaymentMethod '${id}' not found`);
    if (str(body, 'metadata.name') !== id)
      throw badRequest(`metadata.name must be '${id}', the payment method of this path`);
    requireManager(await accessTo(tx, p, before.workspace), 'manage payment methods');
    if (workspace !== before.workspace)
      throw badRequest(`metadata.ownedByWorkspace cannot change (it is '${before.workspace}')`);
  }
  const amount = (body as { spec?: { amount?: unknown } }).spec?.amount;
  if (amount !== undefined && amount !== null && typeof amount !== 'number')
    throw badRequest('spec.amount must be a number');
  const [row] = await tx.query<PaymentMethodRow>(
    `insert into payment_methods (name, workspace, display_name, amount, expiration_date, tags, created_on) values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (name) do update set display_name = excluded.display_name, amount = excluded.amount, expiration_date = excluded.expiration_date, tags = excluded.tags
     returning *`,
    [
      id,
      workspace,
      str(body, 'spec.displayName'),
      amount ?? null,
      optStr(body, 'spec.expirationDate') ?? null,
      tags(body, 'spec.tags'),
      now.toISOString(),
    ],
  );
  return row;
}

export async function deletePaymentMethod(tx: Tx, p: Principal, name: string, now: Date): Promise<void> {
  const m = await getPaymentMethod(tx, p, name);
  requireManager(await accessTo(tx, p, m.workspace), 'manage payment methods');
  await tx.query('update payment_methods set deleted_on = $2 where name = $1 and deleted_on is null', [
    name,
    now.toISOString(),
  ]);
}
