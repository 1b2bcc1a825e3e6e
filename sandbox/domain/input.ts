/** Reading request bodies: each missing or mistyped field is a 400 that names the field. */
import { badRequest } from '../problem';

type Json = Record<string, unknown>;

function at(body: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Json)[k] : undefined), body);
}

/** A request body that must be a JSON object. */
export function requireObject(body: unknown): Json {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('request body must be a JSON object');
  return body as Json;
}

export function str(body: unknown, path: string): string {
  const v = at(body, path);
  if (typeof v !== 'string' || v.length === 0) throw badRequest(`${path} is required and must be a non-empty string`);
  if (v.length > 255) throw badRequest(`${path} must be at most 255 characters`);
  if (LONE_SURROGATE.test(v)) throw badRequest(`${path} is not text: it holds half of a UTF-16 surrogate pair`);
  return v;
}

/** Half of a surrogate pair: no character, and the database refuses to store it. */
const LONE_SURROGATE = /\p{Cs}/u;

export function optStr(body: unknown, path: string): string | undefined {
  const v = at(body, path);
  if (v === undefined || v === null) return undefined;
  return str(body, path);
}

export function optBool(body: unknown, path: string): boolean | undefined {
  const v = at(body, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${path} must be a boolean`);
  return v;
}

export function tags(body: unknown, path: string): Record<string, string[]> {
  const v = at(body, path);
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw badRequest(`${path} must be an object of key -> list of strings`);
  for (const [k, vals] of Object.entries(v as Json)) {
    if (!Array.isArray(vals) || vals.some((x) => typeof x !== 'string'))
      throw badRequest(`${path}.${k} must be a list of strings`);
    if ([k, ...(vals as string[])].some((x) => LONE_SURROGATE.test(x)))
      throw badRequest(`${path}.${k} is not text: it holds half of a UTF-16 surrogate pair`);
  }
  return v as Record<string, string[]>;
}

const IDENTIFIER = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function identifier(body: unknown, path: string): string {
  const v = str(body, path);
  if (!IDENTIFIER.test(v) || v.length > 32)
    throw badRequest(
      `${path} "${v}" is not a valid identifier (lowercase letters, digits, dashes; at most 32 characters)`,
    );
  return v;
}

/** A binding's name, as meshStack's (1–45 characters): letters, digits, dots, dashes, underscores; no path, no blank. */
export function bindingName(body: unknown, path: string): string {
  const v = str(body, path);
  if (!/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(v) || v.length > 45)
    throw badRequest(
      `${path} ${JSON.stringify(v)} is not a valid binding name (letters, digits, dots, dashes, underscores, starting and ending with a letter or digit; at most 45 characters)`,
    );
  return v;
}

/** An expiry day (YYYY-MM-DD); meshStack rejects anything else. */
export function optDate(body: unknown, path: string): string | undefined {
  const v = optStr(body, path);
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v)
    throw badRequest(`${path} must be a date YYYY-MM-DD, got "${v}"`);
  return v;
}

/**
 * Fields of `metadata` and `spec` that the sandbox has no column for: stored as they came and
 * returned on every read, as a newer meshStack would keep fields this client does not know. A PUT
 * replaces them like everything else (full rewrite).
 */
export function extraFields(
  body: unknown,
  known: { metadata: readonly string[]; spec: readonly string[] },
): { metadata?: Json; spec?: Json } {
  const out: { metadata?: Json; spec?: Json } = {};
  for (const part of ['metadata', 'spec'] as const) {
    const section = at(body, part);
    if (section === null || typeof section !== 'object' || Array.isArray(section)) continue;
    const extra = Object.fromEntries(Object.entries(section as Json).filter(([k]) => !known[part].includes(k)));
    if (Object.keys(extra).length) out[part] = extra;
  }
  return out;
}
