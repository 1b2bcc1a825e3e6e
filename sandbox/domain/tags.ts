/**
 * Tag definitions, and what every tag write goes through, as meshStack does it: empty value lists
 * are dropped, restricted tags the writer leaves out get their definition's default, and the
 * definitions' rules (known keys, value types, mandatory, immutable, restricted) are checked.
 */
import type { Principal } from '../auth';
import type { Tx } from '../db';
import { refuse } from './refusals';

export type TargetKind = 'meshWorkspace' | 'meshProject';

/** meshTagDefinition `spec.valueType`: exactly one of these. */
export interface ValueType {
  readonly string?: { readonly defaultValue?: string; readonly validationRegex?: string };
  readonly email?: { readonly defaultValue?: string; readonly validationRegex?: string };
  readonly integer?: { readonly defaultValue?: number };
  readonly number?: { readonly defaultValue?: number };
  readonly singleSelect?: { readonly options: string[]; readonly defaultValue?: string };
  readonly multiSelect?: { readonly options: string[]; readonly defaultValue?: string[] };
}

export interface TagDefinitionDoc {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly targetKind: TargetKind;
    readonly key: string;
    readonly displayName: string;
    readonly description?: string;
    readonly valueType: ValueType;
    readonly sortOrder?: number;
    readonly replicationKey?: string;
    readonly restricted: boolean;
    readonly mandatory: boolean;
    readonly immutable: boolean;
  };
}

export type Tags = Record<string, string[]>;

async function tagDefinitions(tx: Tx, kind?: TargetKind): Promise<TagDefinitionDoc[]> {
  const rows = await tx.query<{ doc: TagDefinitionDoc }>('select doc from tag_definitions order by name');
  return rows.map((r) => r.doc).filter((d) => kind === undefined || d.spec.targetKind === kind);
}

/** The default a definition gives a missing tag, as a value list; undefined when it has none. */
function defaultValues(vt: ValueType): string[] | undefined {
  const one = vt.string?.defaultValue ?? vt.email?.defaultValue ?? vt.singleSelect?.defaultValue;
  if (one !== undefined) return [one];
  const num = vt.integer?.defaultValue ?? vt.number?.defaultValue;
  if (num !== undefined) return [String(num)];
  return vt.multiSelect?.defaultValue?.length ? [...vt.multiSelect.defaultValue] : undefined;
}

/** Why `values` do not fit `vt`, or undefined when they do. */
function valueProblem(vt: ValueType, values: string[]): string | undefined {
  if (vt.multiSelect) {
    const bad = values.filter((v) => !vt.multiSelect!.options.includes(v));
    return bad.length ? `${bad.join(', ')} not among the options ${vt.multiSelect.options.join(', ')}` : undefined;
  }
  if (values.length !== 1) return `expects exactly one value, got ${values.length}`;
  const [v] = values;
  if (vt.singleSelect && !vt.singleSelect.options.includes(v))
    return `'${v}' is not among the options ${vt.singleSelect.options.join(', ')}`;
  if (vt.integer && !/^-?\d+$/.test(v)) return `'${v}' is not an integer`;
  if (vt.number && (v.trim() === '' || !Number.isFinite(Number(v)))) return `'${v}' is not a number`;
  if (vt.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) return `'${v}' is not an e-mail address`;
  const regex = vt.string?.validationRegex ?? vt.email?.validationRegex;
  // Definitions are checked when they are written (catalog.ts): the pattern compiles.
  if (regex !== undefined && !new RegExp(regex).test(v)) return `'${v}' does not match ${regex}`;
  return undefined;
}

/**
 * The tags an object ends up with after a write of `requested`: empty lists dropped, and restricted
 * definitions' defaults injected where the writer left the key out (meshStack's own behaviour, which
 * its Terraform provider works around). Then the checks: a non-partner cannot set or change a
 * restricted tag, immutable ones change only at creation, mandatory ones must be there.
 */
export async function writeTags(
  tx: Tx,
  p: Principal,
  kind: TargetKind,
  before: Tags | undefined,
  requested: Tags,
): Promise<Tags> {
  const defs = await tagDefinitions(tx, kind);
  const after: Tags = {};
  const injected = new Set<string>();
  for (const [key, values] of Object.entries(requested)) if (values.length > 0) after[key] = [...values];
  for (const def of defs) {
    if (!def.spec.restricted || def.spec.key in after) continue;
    const values = defaultValues(def.spec.valueType);
    if (!values) continue;
    after[def.spec.key] = values;
    // Only where the object had no other value: dropping a partner's value is still the writer's change.
    if (before?.[def.spec.key] === undefined) injected.add(def.spec.key);
  }
  if (defs.length === 0) return after;
  const byKey = new Map(defs.map((d) => [d.spec.key, d]));
  const changed = (key: string) => JSON.stringify(before?.[key] ?? null) !== JSON.stringify(after[key] ?? null);
  for (const [key, values] of Object.entries(after)) {
    const def = byKey.get(key);
    if (!def) throw refuse('tag-undefined', `tag '${key}' is not defined for ${kind}`);
    const problem = valueProblem(def.spec.valueType, values);
    if (problem) throw refuse('tag-value', `tag '${key}': ${problem}`);
  }
  for (const def of defs) {
    const key = def.spec.key;
    if (def.spec.mandatory && !(key in after)) throw refuse('tag-mandatory', `tag '${key}' is mandatory for ${kind}`);
    // The platform's own default is not the writer setting a restricted tag.
    if (!changed(key) || injected.has(key)) continue;
    if (def.spec.restricted && !p.isPartner)
      throw refuse('tag-restricted', `tag '${key}' is restricted: only a partner may set it`);
    if (def.spec.immutable && before !== undefined)
      throw refuse('tag-immutable', `tag '${key}' is immutable: it can only be set when the ${kind} is created`);
  }
  return sortedTags(after);
}

function sortedTags(tags: Tags): Tags {
  return Object.fromEntries(
    Object.keys(tags)
      .sort()
      .map((k) => [k, tags[k]]),
  );
}
