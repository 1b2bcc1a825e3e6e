/**
 * fast-check arbitraries for the bodies meshStack's OpenAPI document allows (the subset in
 * test/fixtures/openapi): the less convenient shapes included, optional members left out or not,
 * and members the document does not name added. `needed` narrows a schema to what a client cannot
 * do without (a binding's role, a name that is not empty), still within what the document allows.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  enum?: unknown[];
  nullable?: boolean;
};

const DOC = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'openapi', 'meshstack-openapi-subset.json'), 'utf8'),
) as { components: { schemas: Record<string, Schema> } };

export interface Narrowing {
  /** Members required beyond the document's `required`, by the name of the object holding them. */
  readonly require?: Record<string, string[]>;
  /** Arbitraries for members of these names (the document types them as bare objects or free strings). */
  readonly members?: Record<string, fc.Arbitrary<unknown>>;
}

const text = fc.string({ minLength: 1, maxLength: 12 });
const unknownMember = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).map((k) => `x-${k}`),
  fc.oneof(fc.string(), fc.integer(), fc.boolean()),
  { maxKeys: 2 },
);

function resolve(s: Schema): Schema {
  return s.$ref ? DOC.components.schemas[s.$ref.split('/').pop()!] : s;
}

export function fromSchema(schema: Schema, n: Narrowing = {}, name = ''): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const base = ((): fc.Arbitrary<unknown> => {
    if (s.enum) return fc.constantFrom(...s.enum);
    if (s.oneOf) return fc.oneof(...s.oneOf.map((x) => fromSchema(x, n, name)));
    switch (s.type) {
      case 'string':
        return text;
      case 'integer':
        return fc.integer({ min: 0, max: 10_000 });
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(fromSchema(s.items ?? {}, n, name), { maxLength: 3 });
      default: {
        const props = Object.entries(s.properties ?? {});
        if (!props.length) return fc.dictionary(text, fc.oneof(fc.string(), fc.integer()), { maxKeys: 2 });
        const required = new Set([...(s.required ?? []), ...(n.require?.[name] ?? [])]);
        const record = fc.record(
          Object.fromEntries(props.map(([k, v]) => [k, n.members?.[k] ?? fromSchema(v, n, k)])),
          { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) },
        );
        return fc.tuple(record, unknownMember).map(([known, extra]) => ({ ...extra, ...known }));
      }
    }
  })();
  return s.nullable && !n.members?.[name] ? fc.oneof(base, fc.constant(null)) : base;
}

export function schemaNamed(name: string): Schema {
  return DOC.components.schemas[name];
}
