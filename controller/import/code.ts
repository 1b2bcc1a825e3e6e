/**
 * The one emitter `meshform import` writes code through. Platform data never becomes code by
 * itself: a string becomes an escaped literal, a name a fresh identifier, a property key a literal
 * where it is not a plain name, and a tag definition's value type is written only in the shape
 * meshform knows (kinds and option keys from the table below, never from the data); anything else
 * is refused with the definition named, and nothing is written.
 */
import { MeshformError } from '../../core/errors';
import type { TagValueType } from '../../schemas/desired-state.generated';

const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private protected public static yield await any boolean constructor declare get module require number set string symbol type from of undefined arguments eval'.split(
    ' ',
  ),
);

/** A single-quoted string literal: quotes, backslashes, control and line-separator characters escaped. */
export function literal(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it escapes
  return `'${s.replace(/[\\'\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '\\' ? '\\\\' : c === "'" ? "\\'" : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`;
}

/** Platform text on one line: control characters and JavaScript's line terminators (U+2028/9) become spaces. */
// eslint-disable-next-line no-control-regex -- control characters are what it replaces
export const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');

/** A comment's text: one line, nothing that ends or nests a comment. */
export const commentText = (s: string) => oneLine(s).replace(/\*\//g, '* /');

/** A valid, unused TypeScript identifier from any text (`payments-prod` → `paymentsProd`, `42` → `_42`). */
export function identifier(text: string, taken: Set<string>, suffix = ''): string {
  const words = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let base =
    words
      .map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1)))
      .join('') + suffix;
  if (!base) base = 'unnamed';
  if (/^[0-9]/.test(base)) base = `_${base}`;
  if (RESERVED.has(base)) base = `${base}_`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

/**
 * An object literal's key. `__proto__` is computed: written plain or quoted, it would set the
 * object's prototype instead of a key.
 */
export function propertyKey(k: string): string {
  if (k === '__proto__') return `[${literal(k)}]`;
  return /^[A-Za-z_$][\w$]*$/.test(k) && !RESERVED.has(k) ? k : literal(k);
}

/** An object literal from own entries whose values are already code. */
export const objectCode = (entries: Array<[string, string]>) =>
  `{ ${entries.map(([k, v]) => `${propertyKey(k)}: ${v}`).join(', ')} }`;

/** A number as code, -0 included; anything but a finite number is refused by the caller's check. */
const numberCode = (n: number) => (Object.is(n, -0) ? '-0' : String(n));

const unwritable = (where: string, problem: string) =>
  new MeshformError(
    'import-unwritable',
    `${where}: ${problem}; meshform writes no code for what it does not know, and nothing was written`,
    'terminal',
  );

/** A whole number as code (a quota, a number of days). */
export function integerCode(n: number, where: string): string {
  if (!Number.isSafeInteger(n)) throw unwritable(where, 'not a whole number');
  return String(n);
}

type Slot = 'string' | 'integer' | 'number' | 'strings';
const isSlot: Record<Slot, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isSafeInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  strings: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
};
const slotCode = (v: unknown) =>
  typeof v === 'string'
    ? literal(v)
    : typeof v === 'number'
      ? numberCode(v)
      : `[${(v as string[]).map(literal).join(', ')}]`;

const TEXT = new Map<string, Slot>([
  ['defaultValue', 'string'],
  ['validationRegex', 'string'],
]);
/** The value types meshform writes: kind → its option keys and their types; selects take (options, default). */
const VALUE_TYPES = new Map<string, { readonly select: boolean; readonly slots: ReadonlyMap<string, Slot> }>([
  ['string', { select: false, slots: TEXT }],
  ['email', { select: false, slots: TEXT }],
  ['integer', { select: false, slots: new Map([['defaultValue', 'integer']]) }],
  ['number', { select: false, slots: new Map([['defaultValue', 'number']]) }],
  [
    'singleSelect',
    {
      select: true,
      slots: new Map([
        ['options', 'strings'],
        ['defaultValue', 'string'],
      ]),
    },
  ],
  [
    'multiSelect',
    {
      select: true,
      slots: new Map([
        ['options', 'strings'],
        ['defaultValue', 'strings'],
      ]),
    },
  ],
]);

/** `TagValueType.<kind>(...)` for a value type of the known shape; `where` names the definition in the error. */
export function valueTypeCode(vt: TagValueType, where: string): string {
  const kinds = typeof vt === 'object' && vt !== null ? Object.keys(vt) : [];
  const kind = kinds.length === 1 ? kinds[0] : undefined;
  const known = kind === undefined ? undefined : VALUE_TYPES.get(kind);
  if (kind === undefined || !known)
    throw unwritable(where, `the value type is not one of ${[...VALUE_TYPES.keys()].join(', ')}`);
  const settings: unknown = (vt as Record<string, unknown>)[kind];
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings))
    throw unwritable(where, `the value type ${kind} has no settings object`);
  const own = Object.entries(settings);
  for (const [k, v] of own) {
    const slot = known.slots.get(k);
    if (!slot) throw unwritable(where, `the value type ${kind} has an unknown setting ${JSON.stringify(k)}`);
    if (!isSlot[slot](v)) throw unwritable(where, `the value type ${kind}'s ${k} is not of type ${slot}`);
  }
  const value = new Map(own);
  if (known.select) {
    const options = value.get('options') as string[] | undefined;
    if (!options?.length) throw unwritable(where, `the value type ${kind} has no options`);
    const dflt = value.has('defaultValue') ? `, ${slotCode(value.get('defaultValue'))}` : '';
    return `TagValueType.${kind}(${slotCode(options)}${dflt})`;
  }
  const entries = [...known.slots.keys()]
    .filter((k) => value.has(k))
    .map((k): [string, string] => [k, slotCode(value.get(k))]);
  return `TagValueType.${kind}(${entries.length ? objectCode(entries) : ''})`;
}
