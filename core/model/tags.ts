/**
 * A tag write as meshStack takes it (meshStack's tag docs; meshstack-api.md 5 and 8): empty lists
 * are dropped and restricted defaults injected, then the definitions of the object's kind hold it
 * (defined keys, values of the value type, mandatory keys: 400), restricted keys are a partner's
 * (403) and immutable keys are set only when the object is created (400).
 */
import type { TagDefinition } from '../../schemas/desired-state.generated';
import {
  type TagTargetKind,
  changedTagKeys,
  definedDefault,
  definitionFor,
  regexProblem,
  tagSetProblems,
  validationRegexOf,
} from '../rules';
import { type Refusal, refusal } from './outcome';
import { type ModelContext, type Tags, isKnown } from './state';

export interface TagWrite {
  readonly kind: TagTargetKind;
  readonly workspace: string;
  readonly project?: string;
  /** The object's tags before; undefined: it is being created. */
  readonly before: Tags | undefined;
  /** Every tag the object is to have ([] = none). */
  readonly requested: Tags;
}

/** The tags the platform stores, or why it refuses them. */
export function writeTags(ctx: ModelContext, w: TagWrite): { tags: Tags } | { refusal: Refusal } {
  const defs = ctx.settings.tagDefinitions;
  const tags: Record<string, readonly string[]> = {};
  for (const [k, v] of Object.entries(w.requested)) if (v.length) tags[k] = v;
  const injected = new Set<string>();
  for (const d of defs.filter((x) => x.spec.targetKind === w.kind && x.spec.restricted && !(x.spec.key in tags))) {
    const values = definedDefault(d);
    if (!values.length) continue;
    tags[d.spec.key] = values;
    if (w.before?.[d.spec.key] === undefined) injected.add(d.spec.key);
  }
  const problem = tagSetProblems(tags, defs, w.kind)[0];
  if (problem?.rule === 'tag-regex-invalid')
    return {
      refusal: refusal('tag-regex-invalid', 400, {
        definition: problem.definition,
        regex: problem.regex,
        problem: problem.detail,
      }),
    };
  if (problem?.rule === 'tag-value')
    return { refusal: refusal('tag-value', 400, { key: problem.key, problem: problem.detail }) };
  if (problem) return { refusal: refusal(problem.rule, 400, { key: problem.key, kind: w.kind }) };
  const before = w.before ?? {};
  const every = Object.fromEntries(
    [...new Set([...Object.keys(before), ...Object.keys(tags)])].map((k) => [k, [...(tags[k] ?? [])]]),
  );
  const copy = Object.fromEntries(Object.entries(before).map(([k, v]) => [k, [...v]]));
  const changed = changedTagKeys(copy, every, [], w.kind).filter((k) => !injected.has(k));
  const flagged = (flag: 'restricted' | 'immutable') =>
    changed.filter((k) => definitionFor(defs, w.kind, k)?.spec[flag] === true);
  const where = { workspace: w.workspace, ...(w.project !== undefined ? { project: w.project } : {}) };
  const restricted = flagged('restricted');
  if (restricted.length && isKnown(ctx.actor) && !ctx.actor.partner)
    return { refusal: refusal('restricted-tag', 403, { ...where, caller: ctx.actor.username, keys: restricted }) };
  const immutable = flagged('immutable');
  if (w.before && immutable.length) return { refusal: refusal('immutable-tag', 400, { ...where, keys: immutable }) };
  return { tags };
}

/**
 * Why the platform refuses a tag definition from this actor, or undefined: definitions are a
 * partner's, and a validation regex must compile (one that does not could vouch for no value).
 */
export function tagDefinitionRefusal(ctx: ModelContext, def: TagDefinition): Refusal | undefined {
  if (isKnown(ctx.actor) && !ctx.actor.partner)
    return refusal('tag-definition-needs-partner', 403, { count: 1, caller: ctx.actor.username });
  const regex = validationRegexOf(def);
  const problem = regex === undefined ? undefined : regexProblem(regex);
  return problem
    ? refusal('tag-regex-invalid', 400, { definition: def.metadata.name, regex: regex!, problem })
    : undefined;
}
