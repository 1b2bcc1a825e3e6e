/**
 * The `meshstack` profile answers the least convenient way meshStack's OpenAPI document allows, so
 * that a client written against the convenient one breaks here and not on a real meshStack: no
 * `_embedded` on an empty binding page (optional in those four list schemas), fields the client does
 * not know, optional fields left out rather than null, and an empty list for every defined tag key
 * an object does not carry.
 */
import { createHash } from 'crypto';
import type { Tx } from './db';
import { listTagDefinitions } from './domain/catalog';

/** The four list kinds whose schema makes `_embedded` optional (required: `_links`, `page`). */
const EMBEDDED_OPTIONAL = new Set([
  'meshWorkspaceUserBindings',
  'meshWorkspaceGroupBindings',
  'meshProjectUserBindings',
  'meshProjectGroupBindings',
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Optional fields left out rather than sent as null, as a serializer that skips nulls does. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== null)
      .map(([k, x]) => [k, withoutNulls(x)]),
  );
}

/** One meshObject as the strict profile shows it. */
function strictObject(o: Json, tagKeys: { meshWorkspace: string[]; meshProject: string[] }): Json {
  const out = withoutNulls(o) as Json;
  const metadata = isObject(out.metadata) ? { ...out.metadata } : undefined;
  if (metadata) {
    // A field of a newer platform that this client does not know.
    metadata.uuid = createHash('sha256')
      .update(`${String(out.kind)}:${String(metadata.name)}`)
      .digest('hex')
      .slice(0, 32);
    out.metadata = metadata;
  }
  out.revision = 1;
  const tagsAt = out.kind === 'meshWorkspace' ? metadata : out.kind === 'meshProject' ? (out.spec as Json) : undefined;
  if (tagsAt) {
    const keys = out.kind === 'meshWorkspace' ? tagKeys.meshWorkspace : tagKeys.meshProject;
    const tags = { ...((tagsAt.tags as Json | undefined) ?? {}) };
    for (const key of keys) if (!(key in tags)) tags[key] = [];
    tagsAt.tags = tags;
  }
  return out;
}

/** A response body as the strict profile sends it: a meshObject, or a list of them. */
export async function strictBody(tx: Tx, body: unknown): Promise<unknown> {
  if (!isObject(body)) return body;
  const defs = await listTagDefinitions(tx);
  const tagKeys = {
    meshWorkspace: defs.filter((d) => d.spec.targetKind === 'meshWorkspace').map((d) => d.spec.key),
    meshProject: defs.filter((d) => d.spec.targetKind === 'meshProject').map((d) => d.spec.key),
  };
  if (isObject(body._embedded) && isObject(body.page)) {
    const [key, items] = Object.entries(body._embedded)[0] ?? [];
    if (key && Array.isArray(items) && items.length === 0 && EMBEDDED_OPTIONAL.has(key)) {
      const { _embedded: _left, ...rest } = body;
      return rest;
    }
    return {
      ...body,
      _embedded: { [key]: (items as unknown[]).map((i) => (isObject(i) ? strictObject(i, tagKeys) : i)) },
    };
  }
  return typeof body.kind === 'string' ? strictObject(body, tagKeys) : body;
}
