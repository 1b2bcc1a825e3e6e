/**
 * Runs a compiled policy on one object. Every outcome is a verdict: a run-time error (a missing
 * field, a type mismatch) denies, naming the object, so a policy never passes silently nor crashes.
 */
import { type CelInput, celList, celMap, isCelError } from '@bufbuild/cel';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { CompiledPolicy, Program } from './policy';
import type { ReadPath } from './reads';

/**
 * Plain values in, CEL values out: dates become CEL timestamps, undefined fields are left out (so `has()` works).
 * Objects and arrays become CEL maps and lists here, once per object: given plain, the library converts them
 * again on every access, for every policy.
 */
export function celValue(v: unknown): CelInput {
  if (v instanceof Date) return timestampFromDate(v);
  if (Array.isArray(v)) return celList(v.map(celValue));
  if (v && typeof v === 'object') {
    const out = new Map<string, CelInput>();
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out.set(k, celValue(x));
    return celMap(out);
  }
  // Strings, numbers, booleans and null: what YAML and the views hold besides objects, lists and dates.
  return v as CelInput;
}

export type Verdict =
  { readonly outcome: 'allow' | 'skip' } | { readonly outcome: 'deny' | 'error'; readonly message: string };

type Result = { readonly value: unknown } | { readonly error: string };
/** A tree of results: one level per read of the expression, keyed by the read's value (keyPart). */
type Node = Map<unknown, unknown>;

/**
 * A plan's cache of results: an expression's result for the values of what it reads (reads.ts), shared by
 * all the objects of one plan, whose inputs repeat (a match condition reads one role of 100,000 bindings).
 */
export interface ResultCache {
  /** The variables of the object being judged as plain values (views, Dates), for the keys. */
  plain: object;
  readonly results: Map<Program, Node>;
  /** An object read (a workspace's tags) stands for its content: one token per content, found by identity. */
  readonly tokenOf: WeakMap<object, object>;
  readonly tokens: Map<string, object>;
}

export const resultCache = (): ResultCache => ({
  plain: {},
  results: new Map(),
  tokenOf: new WeakMap(),
  tokens: new Map(),
});

function run(p: Program, vars: Record<string, unknown>): Result {
  try {
    const r = p(vars);
    return isCelError(r) ? { error: r.message } : { value: r };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const ABSENT = Symbol('absent');

/** The key of one read: a scalar as it is, an object's content token, ABSENT, or only whether it is null or set. */
function keyPart(cache: ResultCache, { path, read }: ReadPath): unknown {
  let v: unknown = cache.plain;
  for (let i = 0; i < path.length; i++) {
    // Where the path stops (at a null, at a string) decides the error: a symbol no value can equal.
    if (v === null || typeof v !== 'object')
      return Symbol.for(`policy read stops at ${i}: ${v === null ? 'null' : typeof v}`);
    // Own properties only: a tag named "constructor" is not Object's member (nor the other way round).
    v = Object.hasOwn(v, path[i]) ? (v as Record<string, unknown>)[path[i]] : undefined;
  }
  // celValue leaves undefined fields out: a key whose value is undefined is not in the map.
  if (read === 'key') return v !== undefined;
  if (read === 'null') return v !== null && v !== undefined;
  if (v === undefined) return ABSENT;
  if (v === null || typeof v !== 'object') return v;
  let token = cache.tokenOf.get(v);
  if (!token) {
    // A Date's content cannot be mistaken for an object's or a list's JSON, which starts with { or [.
    const content = v instanceof Date ? `date ${v.getTime()}` : JSON.stringify(v);
    token = cache.tokens.get(content) ?? {};
    cache.tokens.set(content, token);
    cache.tokenOf.set(v, token);
  }
  return token;
}

function runCached(p: Program, vars: () => Record<string, unknown>, cache: ResultCache | undefined): Result {
  if (!cache) return run(p, vars());
  let node = cache.results.get(p);
  if (!node) cache.results.set(p, (node = new Map()));
  for (const read of p.reads) {
    const k = keyPart(cache, read);
    let next = node.get(k) as Node | undefined;
    if (!next) node.set(k, (next = new Map()));
    node = next;
  }
  let r = node.get(ABSENT) as Result | undefined;
  if (!r) node.set(ABSENT, (r = run(p, vars())));
  return r;
}

/**
 * `vars`: the variables converted with celValue, or a function that converts them (called only when an
 * expression runs). With a cache, its `plain` holds the same variables unconverted.
 */
export function evaluatePolicy(
  policy: CompiledPolicy,
  vars: Record<string, unknown> | (() => Record<string, unknown>),
  cache?: ResultCache,
): Verdict {
  const cel = typeof vars === 'function' ? vars : () => vars;
  // Index loops: this runs for every object of a plan, and most stop at the first match condition.
  for (let i = 0; i < policy.matchConditions.length; i++) {
    const r = runCached(policy.matchConditions[i], cel, cache);
    if ('error' in r) return { outcome: 'error', message: `matchConditions[${i}]: ${r.error}` };
    if (r.value !== true) return { outcome: 'skip' };
  }
  for (let i = 0; i < policy.validations.length; i++) {
    const v = policy.validations[i];
    const r = runCached(v.check, cel, cache);
    if ('error' in r) return { outcome: 'error', message: `validations[${i}]: ${r.error}` };
    if (r.value === true) continue;
    if (r.value !== false)
      return { outcome: 'error', message: `validations[${i}] gave ${String(r.value)}, not true or false` };
    const spec = policy.spec.validations[i];
    const custom = v.message ? runCached(v.message, cel, cache) : undefined;
    const message =
      custom && 'value' in custom && typeof custom.value === 'string'
        ? custom.value
        : (spec.message ?? `failed: ${spec.expression}`);
    return { outcome: 'deny', message };
  }
  return { outcome: 'allow' };
}
