/**
 * meshform_tag_definition: a meshTagDefinition, planned and applied as `meshform apply
 * --tag-definitions-only` does it (creating or changing one needs partner rights). meshform never
 * deletes a tag definition: destroying the resource only stops managing it.
 */
import { tagDefinitionAttributes } from '../../core/terraform-attributes';
import type { PlanOptions } from '../../controller/plan/options';
import { resultLine } from '../../controller/render/text';
import { planAgainst, planThenApply, platformNow } from '../../controller/run';
import type { DesiredState, TagDefinition, TagValueType } from '../../schemas/desired-state.generated';
import { hasUnknown } from '../protocol/values';
import { desiredState } from './desired';
import { VALUE_TYPES } from './tag-definition-schema';
import { type Diagnostic, error, findingDiagnostic, warning } from './diagnostics';
import type { ResourceContext } from './workspace';
import { type Obj, str, text } from './workspace-value';

function valueTypeOf(v: Obj): TagValueType {
  const type = text(v.value_type) as (typeof VALUE_TYPES)[number];
  const dflt = str(v.default_value);
  const options = (Array.isArray(v.options) ? v.options : []) as string[];
  const regex = str(v.validation_regex) !== undefined ? { validationRegex: str(v.validation_regex) } : {};
  switch (type) {
    case 'string':
    case 'email':
      return { [type]: { ...(dflt !== undefined ? { defaultValue: dflt } : {}), ...regex } };
    case 'integer':
    case 'number':
      return { [type]: dflt !== undefined ? { defaultValue: Number(dflt) } : {} };
    case 'singleSelect':
      return {
        singleSelect: {
          options: options as [string, ...string[]],
          ...(dflt !== undefined ? { defaultValue: dflt } : {}),
        },
      };
    case 'multiSelect':
      return {
        multiSelect: {
          options: options as [string, ...string[]],
          ...(dflt !== undefined ? { defaultValue: dflt.split(',') } : {}),
        },
      };
    default:
      throw new Error(`value_type must be one of ${VALUE_TYPES.join(', ')}, got "${type as string}"`);
  }
}

function definitionOf(v: Obj): TagDefinition {
  const kind = text(v.target_kind) as TagDefinition['spec']['targetKind'];
  return {
    metadata: { name: `${kind}.${text(v.key)}` },
    spec: {
      targetKind: kind,
      key: text(v.key),
      displayName: text(v.display_name),
      ...(str(v.description) !== undefined ? { description: str(v.description) } : {}),
      valueType: valueTypeOf(v),
      restricted: v.restricted === true,
      mandatory: v.mandatory === true,
      immutable: v.immutable === true,
      ...(typeof v.sort_order === 'number' ? { sortOrder: v.sort_order } : {}),
      ...(str(v.replication_key) !== undefined ? { replicationKey: str(v.replication_key) } : {}),
    },
  };
}

const tagDefinitionValue = (d: TagDefinition): Obj => ({
  id: d.metadata.name,
  ...(tagDefinitionAttributes(d) as Obj),
});

/** Attributes meshform leaves alone when the code does not set them (the plan merges the declaration over the live definition). */
const UNMANAGED_WHEN_NULL = [
  'description',
  'options',
  'default_value',
  'validation_regex',
  'sort_order',
  'replication_key',
];

/** The desired state of one tag definition, through the constructs; none where its manifest rules fail. */
async function desiredOf(
  ctx: ResourceContext,
  v: Obj,
): Promise<{ state?: DesiredState; now: Date; diagnostics: Diagnostic[] }> {
  const now = await platformNow(ctx.api);
  let definition: TagDefinition;
  try {
    definition = definitionOf(v);
  } catch (e) {
    return { now, diagnostics: [error('meshform: invalid tag definition', (e as Error).message, ['value_type'])] };
  }
  const built = desiredState(ctx.settings, now, [], [definition]);
  const diagnostics = built.findings
    .filter((f) => f.severity === 'error')
    .map((f) => error(`meshform: ${f.rule}`, `${f.message}\nRule: ${f.rule}`));
  return diagnostics.length ? { now, diagnostics } : { state: built.state, now, diagnostics };
}

const planOptions = (ctx: ResourceContext): PlanOptions => ({
  endpoint: ctx.endpoint,
  tagDefinitionsOnly: true,
  ...(ctx.policies ? { policies: ctx.policies } : {}),
});

async function planDefinition(ctx: ResourceContext, v: Obj) {
  const { state, now, diagnostics } = await desiredOf(ctx, v);
  if (!state) return { diagnostics };
  const { plan } = await planAgainst(ctx.api, state, planOptions(ctx), now);
  return {
    plan,
    diagnostics: [
      ...plan.refusals.map((f) => findingDiagnostic(f, 'error')),
      ...plan.warnings.map((f) => findingDiagnostic(f, 'warning')),
    ],
  };
}

export async function readTagDefinition(
  ctx: ResourceContext,
  state: Obj,
): Promise<{ state: Obj | null; diagnostics: Diagnostic[] }> {
  const { plan } = await planDefinition(ctx, state);
  const step = plan?.globalSteps[0];
  if (!step) return { state, diagnostics: [] };
  if (!step.before) return { state: null, diagnostics: [] };
  const live = tagDefinitionValue(step.before as TagDefinition);
  return {
    state: Object.fromEntries(
      Object.entries(live).map(([k, x]) => [k, UNMANAGED_WHEN_NULL.includes(k) && state[k] === null ? null : x]),
    ),
    diagnostics: [],
  };
}

export async function planTagDefinition(
  ctx: ResourceContext,
  prior: Obj | null,
  proposed: Obj | null,
): Promise<{ planned: Obj | null; diagnostics: Diagnostic[] }> {
  if (!proposed) {
    return {
      planned: null,
      diagnostics: prior
        ? [
            warning(
              'meshform does not delete tag definitions',
              `Tag definition ${text(prior.id)} stays on the platform; Terraform only stops managing it. Delete it in meshPanel once nothing carries the tag.`,
            ),
          ]
        : [],
    };
  }
  for (const attr of ['target_kind', 'key'] as const) {
    if (prior && typeof proposed[attr] === 'string' && prior[attr] !== proposed[attr]) {
      return {
        planned: proposed,
        diagnostics: [
          error(
            'meshStack tag definitions are immutable in name',
            `${attr} cannot change from "${text(prior[attr])}" to "${text(proposed[attr])}": declare another meshform_tag_definition.`,
            [attr],
          ),
        ],
      };
    }
  }
  const planned: Obj = {
    ...proposed,
    restricted: proposed.restricted ?? false,
    mandatory: proposed.mandatory ?? false,
    immutable: proposed.immutable ?? false,
  };
  planned.id =
    typeof planned.target_kind === 'string' && typeof planned.key === 'string'
      ? `${planned.target_kind}.${planned.key}`
      : planned.id;
  if (hasUnknown(planned)) return { planned, diagnostics: [] };
  return { planned, diagnostics: (await planDefinition(ctx, planned)).diagnostics };
}

export async function applyTagDefinition(
  ctx: ResourceContext,
  prior: Obj | null,
  planned: Obj | null,
): Promise<{ state: Obj | null; diagnostics: Diagnostic[] }> {
  if (!planned) return { state: null, diagnostics: [] };
  const { state, now, diagnostics } = await desiredOf(ctx, planned);
  if (!state) return { state: prior, diagnostics };
  const outcome = await planThenApply(ctx.api, state, planOptions(ctx), { at: now });
  if (outcome.kind === 'refused')
    return { state: prior, diagnostics: outcome.plan.refusals.map((f) => findingDiagnostic(f, 'error')) };
  const results = outcome.kind === 'declined' ? [] : outcome.report.results;
  if (results.some((r) => r.status !== 'applied'))
    return {
      state: prior,
      diagnostics: [error('meshform: tag definition not applied', results.map(resultLine).join('\n'))],
    };
  return { state: planned, diagnostics: [] };
}

export async function importTagDefinition(
  ctx: ResourceContext,
  id: string,
): Promise<{ state: Obj | null; diagnostics: Diagnostic[] }> {
  const found = (await ctx.api.tagDefinitions.list()).find((d) => d.metadata.name === id);
  if (!found)
    return {
      state: null,
      diagnostics: [
        error(
          'meshform: no such tag definition',
          `The platform has no tag definition "${id}" (ids are <target_kind>.<key>, e.g. meshWorkspace.environment).`,
        ),
      ],
    };
  return { state: tagDefinitionValue(found), diagnostics: [] };
}
