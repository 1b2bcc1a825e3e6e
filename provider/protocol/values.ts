/**
 * Terraform's values on the wire (docs/plugin-protocol/object-wire-format.md): msgpack, typed by the
 * schema. An unknown value ("known after apply") is msgpack extension 0 (refined unknowns, newer
 * Terraform, extension 12); an object always carries every attribute, null where unset; sets are
 * arrays. Values are decoded into plain JSON-like data with the `UNKNOWN` marker, and encoded from it
 * by their type, so a value built by the provider always has the shape Terraform checks it against.
 */
import { ExtensionCodec, decode, encode } from '@msgpack/msgpack';

export type CtyType =
  'string' | 'number' | 'bool' | ['list' | 'set' | 'map', CtyType] | ['object', Record<string, CtyType>];

/** "Known after apply". */
export const UNKNOWN: unique symbol = Symbol('unknown');

export type Value = null | string | number | boolean | typeof UNKNOWN | Value[] | { [k: string]: Value };

const UNKNOWN_EXT = 0;
const REFINED_UNKNOWN_EXT = 12;

const codec = new ExtensionCodec();
codec.register({
  type: UNKNOWN_EXT,
  encode: (input) => (input === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
codec.register({ type: REFINED_UNKNOWN_EXT, encode: () => null, decode: () => UNKNOWN });

export function isObject(v: Value | undefined): v is { [k: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether any part of `v` is unknown. */
export function hasUnknown(v: Value): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (isObject(v)) return Object.values(v).some(hasUnknown);
  return false;
}

/** A deep copy (structuredClone cannot copy the UNKNOWN marker). */
export function copyValue(v: Value): Value {
  if (Array.isArray(v)) return v.map(copyValue);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  return v;
}

export class ValueTypeError extends Error {
  constructor(
    public readonly path: string,
    message: string,
  ) {
    super(`${path || 'value'}: ${message}`);
  }
}

/**
 * `v` in the exact shape of `type`: objects get every attribute (null where missing, extra keys are
 * an error), numbers stay numbers, collections arrays or maps. Used for what the provider sends and
 * for state read back from JSON (an older state may lack attributes added since).
 */
export function conform(v: Value | undefined, type: CtyType, path = ''): Value {
  if (v === undefined || v === null) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof type === 'string') {
    if (type === 'string' && typeof v === 'string') return v;
    if (type === 'number' && typeof v === 'number') return v;
    if (type === 'number' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    if (type === 'bool' && typeof v === 'boolean') return v;
    throw new ValueTypeError(path, `expected ${type}, got ${JSON.stringify(v)}`);
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(v)) throw new ValueTypeError(path, `expected a ${kind}`);
    return v.map((x, i) => conform(x, inner, `${path}[${i}]`));
  }
  if (!isObject(v)) throw new ValueTypeError(path, `expected ${kind === 'map' ? 'a map' : 'an object'}`);
  if (kind === 'map')
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, conform(x, inner, `${path}[${JSON.stringify(k)}]`)]),
    );
  const attributes = inner as Record<string, CtyType>;
  const extra = Object.keys(v).filter((k) => !(k in attributes));
  if (extra.length) throw new ValueTypeError(path, `unexpected attribute(s) ${extra.join(', ')}`);
  return Object.fromEntries(
    Object.entries(attributes).map(([k, t]) => [k, conform(v[k], t, path ? `${path}.${k}` : k)]),
  );
}

/** `v` without the attributes `type` does not have (state written by an older provider, whose schema had them). */
export function prune(v: Value, type: CtyType): Value {
  if (typeof type === 'string' || v === null || v === UNKNOWN) return v;
  const [kind, inner] = type;
  if ((kind === 'list' || kind === 'set') && Array.isArray(v)) return v.map((x) => prune(x, inner));
  if (kind === 'map' && isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, prune(x, inner)]));
  if (kind === 'object' && isObject(v)) {
    const attributes = inner;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k in attributes)
        .map(([k, x]) => [k, prune(x, attributes[k])]),
    );
  }
  return v;
}

export function encodeValue(v: Value | undefined, type: CtyType): Buffer {
  return Buffer.from(encode(conform(v, type), { extensionCodec: codec }));
}

export function decodeValue(bytes: Uint8Array | undefined, type: CtyType): Value {
  if (!bytes || bytes.length === 0) return null;
  return conform(decode(bytes, { extensionCodec: codec }) as Value, type);
}

/** Terraform's JSON form of a type, as the schema's attribute `type` field carries it. */
export function typeJson(type: CtyType): Buffer {
  return Buffer.from(JSON.stringify(type));
}
