/**
 * Organisation policies: CEL expressions (as in Kubernetes' ValidatingAdmissionPolicy) compiled once
 * per policy with @bufbuild/cel. A syntax or type error is a PolicyError naming the policy, the
 * expression and the position, raised before any platform call.
 */
import type * as Cel from '@bufbuild/cel';
import { UsageError } from '../errors';
import { type ReadPath, readPaths } from './reads';
import { type Shape, policyVariables } from './shapes';
import { CelTypeError, checkExpression } from './type-check';

export const POLICY_TARGETS = ['workspace', 'project', 'binding', 'tagDefinition'] as const;
export type PolicyTarget = (typeof POLICY_TARGETS)[number];

export interface PolicySpec {
  readonly name: string;
  readonly target: PolicyTarget;
  readonly action: 'deny' | 'warn';
  readonly matchConditions?: ReadonlyArray<{ readonly name?: string; readonly expression: string }>;
  readonly validations: ReadonlyArray<{
    readonly expression: string;
    readonly message?: string;
    readonly messageExpression?: string;
  }>;
}

/** A planned expression, and the paths of the variables it reads (reads.ts: results are cached by their values). */
export type Program = ((vars: Record<string, unknown>) => Cel.CelResult) & { readonly reads: readonly ReadPath[] };

export interface CompiledPolicy {
  readonly spec: PolicySpec;
  readonly matchConditions: readonly Program[];
  readonly validations: ReadonlyArray<{ readonly check: Program; readonly message?: Program }>;
}

/** A policy that cannot be used: a usage error (exit 2 in `meshform policy test`). */
export class PolicyError extends UsageError {
  constructor(message: string) {
    super(message, 'policy-invalid');
  }
}

/** @bufbuild/cel and its environment, loaded with the first policy compiled: a plan without policies does not load it. */
let loaded: { readonly cel: typeof Cel; readonly env: Cel.CelEnv } | undefined;
function celLoaded(): { readonly cel: typeof Cel; readonly env: Cel.CelEnv } {
  if (!loaded) {
    // Compiling is synchronous: require, not import().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cel = require('@bufbuild/cel') as typeof Cel;
    loaded = { cel, env: cel.celEnv() };
  }
  return loaded;
}

/** 1-based line and column of an offset, for messages. */
function position(source: string, offset: number): string {
  const before = source.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * Parses, type-checks (type-check.ts, against what the target sees) and plans one expression; errors name
 * the policy, the field, the expression and the position.
 */
function compileExpression(
  { name: policy, target }: PolicySpec,
  field: string,
  source: string,
  expected: 'bool' | 'string',
): Program {
  const where = `policy "${policy}": ${field} \`${source}\``;
  const { cel, env } = celLoaded();
  let parsed: ReturnType<typeof Cel.parse>;
  try {
    parsed = cel.parse(source);
  } catch (e) {
    const loc = (e as { location?: { start?: { offset: number } } }).location?.start;
    const reason = ((e as Error).message ?? String(e)).replace(/^<input>:\d+:\d+: /, '');
    throw new PolicyError(
      `${where} is not valid CEL at ${loc ? position(source, loc.offset) : 'its start'}: ${reason}`,
    );
  }
  const variables = policyVariables(target);
  let types: ReadonlyMap<bigint, Shape>;
  try {
    types = checkExpression(env, parsed, variables, expected);
  } catch (e) {
    if (!(e instanceof CelTypeError)) throw e;
    throw new PolicyError(
      `${where} ${e.wording(position(source, parsed.sourceInfo?.positions[e.exprId.toString()] ?? 0))}`,
    );
  }
  const isMap = (e: { id: bigint }) => ['map', 'record'].includes(types.get(e.id)?.kind ?? 'dyn');
  const reads = readPaths(parsed.expr, new Set(Object.keys(variables)), isMap);
  return Object.assign(cel.plan(env, parsed) as (vars: Record<string, unknown>) => Cel.CelResult, { reads });
}

/** Compiles every expression of a policy once; the programs are reused for every object. */
export function compilePolicy(spec: PolicySpec): CompiledPolicy {
  return {
    spec,
    matchConditions: (spec.matchConditions ?? []).map((m, i) =>
      compileExpression(spec, `matchConditions[${i}]`, m.expression, 'bool'),
    ),
    validations: spec.validations.map((v, i) => ({
      check: compileExpression(spec, `validations[${i}].expression`, v.expression, 'bool'),
      ...(v.messageExpression
        ? { message: compileExpression(spec, `validations[${i}].messageExpression`, v.messageExpression, 'string') }
        : {}),
    })),
  };
}
