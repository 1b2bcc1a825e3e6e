/** fast-check arbitraries that damage a valid JSON document the ways hand edits and broken tools do. */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

export interface Mutation {
  readonly at: number;
  readonly op: 'delete' | 'replace' | 'wrap' | 'unknown-key' | 'empty';
  readonly value: Json;
}

/** Every path in a document, the root first. */
export function pathsOf(doc: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (doc !== null && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

function get(doc: Json, path: Path): Json {
  return path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], doc);
}

/** A copy of `doc` with one mutation applied at one of its paths. */
export function mutate(doc: Json, m: Mutation): Json {
  const copy = structuredClone(doc);
  const paths = pathsOf(copy);
  const path = paths[m.at % paths.length];
  const target = get(copy, path);
  const replaced = (() => {
    switch (m.op) {
      case 'replace':
        return m.value;
      case 'wrap':
        return [target];
      case 'empty':
        return Array.isArray(target) ? [] : typeof target === 'object' && target !== null ? {} : '';
      case 'unknown-key':
        return target !== null && typeof target === 'object' && !Array.isArray(target)
          ? { ...target, 'x-fuzz': m.value }
          : m.value;
      case 'delete':
        return undefined;
    }
  })();
  if (path.length === 0) return replaced === undefined ? null : replaced;
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const key = path[path.length - 1];
  if (replaced === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else (parent as Record<string | number, Json>)[key] = replaced;
  return copy;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'wrap', 'unknown-key', 'empty'),
  value: fc.jsonValue() as fc.Arbitrary<Json>,
});

/** One to three mutations of `doc`. */
export function damaged(doc: Json): fc.Arbitrary<Json> {
  return fc.array(mutationArb, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce((d, m) => mutate(d, m), doc));
}
