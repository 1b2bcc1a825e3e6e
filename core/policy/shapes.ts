/**
 * The one declaration of what a policy sees: the CEL type of every variable, per target. The views of
 * objects.ts are typed from it (a field it does not declare does not compile) and the type checker reads
 * it, so what an expression is checked against and what it is evaluated on cannot drift apart.
 */
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type { PolicyTarget } from './policy';

export type Shape =
  | { readonly kind: 'dyn' | 'null' | 'int' | 'uint' | 'double' | 'bool' | 'string' | 'bytes' | 'type' }
  | { readonly kind: 'timestamp' | 'duration' }
  | { readonly kind: 'list'; readonly element: Shape }
  | { readonly kind: 'map'; readonly key: Shape; readonly value: Shape }
  /** A map with known keys (absent ones are left out, for `has()`); `nullable`: the variable may be null. */
  | { readonly kind: 'record'; readonly fields: Readonly<Record<string, Shape>>; readonly nullable?: boolean };

const scalar = <K extends 'dyn' | 'null' | 'double' | 'bool' | 'string' | 'timestamp'>(kind: K) => ({ kind }) as const;
export const DYN = scalar('dyn');
export const NULL = scalar('null');
const STRING = scalar('string');
const BOOL = scalar('bool');
/** JSON and YAML numbers are CEL doubles (`object.quota <= 50` compares across numeric types). */
const NUMBER = scalar('double');
const TIMESTAMP = scalar('timestamp');
const list = <E extends Shape>(element: E) => ({ kind: 'list', element }) as const;
const map = <V extends Shape>(value: V) => ({ kind: 'map', key: STRING, value }) as const;
const record = <F extends Record<string, Shape>>(fields: F) => ({ kind: 'record', fields }) as const;
const nullable = <F extends Record<string, Shape>>(fields: F) => ({ kind: 'record', fields, nullable: true }) as const;

const TAGS = map(list(STRING));

export const BINDING = record({
  role: STRING,
  subject: record({ kind: STRING, name: STRING, email: STRING }),
  expiry: TIMESTAMP,
  expiryDate: STRING,
  reason: STRING,
  workspace: STRING,
  project: STRING,
});

export const WORKSPACE = record({
  name: STRING,
  displayName: STRING,
  tags: TAGS,
  quota: NUMBER,
  status: STRING,
  deleted: BOOL,
  owners: list(STRING),
});

export const PROJECT = record({ name: STRING, workspace: STRING, displayName: STRING, tags: TAGS, deleted: BOOL });

/** A tag definition's name and every field of its spec (`satisfies`: a spec field added to the schema must be declared). */
export const TAG_DEFINITION = record({
  name: STRING,
  targetKind: STRING,
  key: STRING,
  displayName: STRING,
  description: STRING,
  // One of several variants ({string: …}, {singleSelect: …}, …): left dynamic.
  valueType: DYN,
  restricted: BOOL,
  mandatory: BOOL,
  immutable: BOOL,
  sortOrder: NUMBER,
  replicationKey: STRING,
} satisfies Record<'name' | keyof TagDefinition['spec'], Shape>);

/** The live objects (`oldObject`), as observed. */
const LIVE_WORKSPACE = record({ name: STRING, displayName: STRING, tags: TAGS });
const LIVE_BINDING = record({
  name: STRING,
  workspace: STRING,
  project: STRING,
  subjectKind: STRING,
  subject: STRING,
  role: STRING,
  expiryDate: STRING,
});
const LIVE_PROJECT = record({
  workspace: STRING,
  name: STRING,
  displayName: STRING,
  tags: TAGS,
  state: STRING,
  bindings: list(LIVE_BINDING),
});

export const STEP = nullable({ kind: STRING, action: STRING, reason: STRING });
export const CALLER = nullable({ username: STRING, partner: BOOL });

const orNull = (s: { readonly kind: 'record'; readonly fields: Readonly<Record<string, Shape>> }): Shape => ({
  ...s,
  nullable: true,
});

/** Each variable an expression of a policy of this target sees, and its type. */
export function policyVariables(target: PolicyTarget): Readonly<Record<string, Shape>> {
  const object = { workspace: WORKSPACE, project: PROJECT, binding: BINDING, tagDefinition: TAG_DEFINITION }[target];
  const oldObject = {
    workspace: LIVE_WORKSPACE,
    project: LIVE_PROJECT,
    binding: LIVE_BINDING,
    tagDefinition: undefined,
  }[target];
  return {
    object,
    oldObject: oldObject ? orNull(oldObject) : NULL,
    step: target === 'tagDefinition' ? NULL : STEP,
    caller: CALLER,
    workspace: target === 'tagDefinition' ? NULL : target === 'workspace' ? WORKSPACE : orNull(WORKSPACE),
    project: target === 'project' ? PROJECT : target === 'binding' ? orNull(PROJECT) : NULL,
    now: TIMESTAMP,
  };
}

type Optional<F> = { -readonly [K in keyof F]?: ValueOf<F[K]> };
/** The plain value of a shape, for typing the views: a record's fields are optional, as absent ones are left out. */
export type ValueOf<S> = S extends { kind: 'string' }
  ? string
  : S extends { kind: 'double' }
    ? number
    : S extends { kind: 'bool' }
      ? boolean
      : S extends { kind: 'timestamp' }
        ? Date
        : S extends { kind: 'list'; element: infer E }
          ? readonly ValueOf<E>[]
          : S extends { kind: 'map'; value: infer V }
            ? Readonly<Record<string, ValueOf<V>>>
            : S extends { kind: 'record'; fields: infer F }
              ? Optional<F>
              : unknown;

/**
 * The fields of a value that its shape declares, and only those (recursively): what the plan hands a policy of
 * a live object, a step or the caller, so that it sees exactly what the checker checked against.
 */
export function declared(shape: Shape, v: unknown): unknown {
  if (v === null || v === undefined || shape.kind === 'null') return null;
  if (shape.kind === 'list' && Array.isArray(v)) return v.map((x) => declared(shape.element, x));
  if (shape.kind !== 'record' || typeof v !== 'object') return v;
  const from = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(shape.fields)) if (from[k] !== undefined) out[k] = declared(s, from[k]);
  return out;
}
