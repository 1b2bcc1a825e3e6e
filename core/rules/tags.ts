/**
 * Tag definitions' rules (meshStack's tag docs): keys must be defined once any definition exists,
 * values must fit the value type, mandatory keys must be set, restricted keys only by a partner,
 * immutable keys only at creation. meshStack injects restricted defaults and drops empty lists.
 */
import type { TagDefinition } from '../../schemas/desired-state.generated';

export type TagTargetKind = 'meshWorkspace' | 'meshProject';

/** What is wrong with one key of a tag set. */
export type TagProblem =
  | { readonly rule: 'tag-undefined' | 'tag-mandatory'; readonly key: string }
  | { readonly rule: 'tag-value'; readonly key: string; readonly detail: string }
  | {
      readonly rule: 'tag-regex-invalid';
      readonly key: string;
      readonly definition: string;
      readonly regex: string;
      readonly detail: string;
    };

/** Why `values` do not fit the definition's value type, or undefined when they do. */
function tagValueProblem(def: TagDefinition, key: string, values: string[]): TagProblem | undefined {
  const value = (detail: string): TagProblem => ({ rule: 'tag-value', key, detail });
  const vt = def.spec.valueType;
  if (vt.multiSelect) {
    const bad = values.filter((v) => !vt.multiSelect!.options.includes(v));
    return bad.length
      ? value(`${bad.map((v) => `"${v}"`).join(', ')} not among the options ${vt.multiSelect.options.join(', ')}.`)
      : undefined;
  }
  if (values.length !== 1) return value(`expects exactly one value, got ${values.length}.`);
  const v = values[0];
  if (vt.singleSelect)
    return vt.singleSelect.options.includes(v)
      ? undefined
      : value(`"${v}" is not among the options ${vt.singleSelect.options.join(', ')}.`);
  if (vt.integer) return /^-?\d+$/.test(v) ? undefined : value(`"${v}" is not an integer.`);
  if (vt.number) return v.trim() !== '' && Number.isFinite(Number(v)) ? undefined : value(`"${v}" is not a number.`);
  if (vt.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) return value(`"${v}" is not an e-mail address.`);
  const regex = validationRegexOf(def);
  if (regex === undefined) return undefined;
  // A pattern JavaScript cannot compile (Java syntax a real meshStack accepts) cannot vouch for the value: its own rule, never a throw.
  const invalid = regexProblem(regex);
  if (invalid) return { rule: 'tag-regex-invalid', key, definition: def.metadata.name, regex, detail: invalid };
  return new RegExp(regex).test(v) ? undefined : value(`"${v}" does not match ${regex}.`);
}

/** Why a tag definition's validationRegex does not compile as a JavaScript regular expression, or undefined. */
export function regexProblem(regex: string): string | undefined {
  try {
    new RegExp(regex);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The definition's validation regex, where its value type has one. */
export function validationRegexOf(def: TagDefinition): string | undefined {
  return def.spec.valueType.string?.validationRegex ?? def.spec.valueType.email?.validationRegex;
}

/** The value the platform gives a restricted tag nobody set; [] when the definition has no default. */
export function definedDefault(def: TagDefinition): string[] {
  const vt = def.spec.valueType;
  const one = vt.string?.defaultValue ?? vt.email?.defaultValue ?? vt.singleSelect?.defaultValue;
  if (one !== undefined) return [one];
  const num = vt.integer?.defaultValue ?? vt.number?.defaultValue;
  return num !== undefined ? [String(num)] : [...(vt.multiSelect?.defaultValue ?? [])];
}

export function definitionFor(
  defs: readonly TagDefinition[],
  kind: TagTargetKind,
  key: string,
): TagDefinition | undefined {
  return defs.find((d) => d.spec.targetKind === kind && d.spec.key === key);
}

const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/**
 * What a write of `declared` tag keys changes on an object whose tags are `live`: only declared keys
 * count, `[]` means absent, and an injected restricted default is not "removed" by a `[]` (the
 * platform would inject it again).
 */
export function changedTagKeys(
  live: Record<string, string[]>,
  declared: Record<string, string[]>,
  defs: readonly TagDefinition[],
  kind: TagTargetKind,
): string[] {
  return Object.keys(declared)
    .sort()
    .filter((key) => {
      const want = declared[key];
      const have = live[key] ?? [];
      if (same(want, have)) return false;
      const def = definitionFor(defs, kind, key);
      return !(want.length === 0 && def?.spec.restricted && same(have, definedDefault(def)));
    });
}

/** Problems of a full set of tags against the definitions of `kind` (none when `kind` has no definitions: the platform checks per kind). */
export function tagSetProblems(
  tags: Readonly<Record<string, readonly string[]>>,
  defs: readonly TagDefinition[],
  kind: TagTargetKind,
): TagProblem[] {
  const own = defs.filter((d) => d.spec.targetKind === kind);
  if (own.length === 0) return [];
  const out: TagProblem[] = [];
  for (const [key, values] of Object.entries(tags)) {
    if (values.length === 0) continue;
    const def = own.find((d) => d.spec.key === key);
    if (!def) out.push({ rule: 'tag-undefined', key });
    else {
      const problem = tagValueProblem(def, key, [...values]);
      if (problem) out.push(problem);
    }
  }
  for (const def of own)
    if (def.spec.mandatory && !tags[def.spec.key]?.length && !(def.spec.restricted && definedDefault(def).length))
      out.push({ rule: 'tag-mandatory', key: def.spec.key });
  return out;
}
