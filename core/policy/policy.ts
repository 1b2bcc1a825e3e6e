/**
 * Organisation policies: CEL expressions (as in Kubernetes' ValidatingAdmissionPolicy) compiled once
 * per policy with @bufbuild/cel. A syntax error or an unknown variable is a PolicyError naming the
 * policy, the expression and the position, raised before any platform call.
 */
import { type CelResult, celEnv, parse, plan } from '@bufbuild/cel';
import { UsageError } from '../errors';

export const POLICY_TARGETS = ['workspace', 'project', 'binding', 'tagDefinition'] as const;
export type PolicyTarget = (typeof POLICY_TARGETS)[number];

/** The variables every expression sees (docs/policies.md describes their shape). */
const POLICY_VARIABLES = ['object', 'oldObject', 'step', 'caller', 'workspace', 'project', 'now'] as const;

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

export type Program = (vars: Record<string, unknown>) => CelResult;

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

const env = celEnv();

/** 1-based line and column of an offset, for messages. */
function position(source: string, offset: number): string {
  const before = source.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

type Expr = ReturnType<typeof parse>['expr'];

/** Identifiers an expression reads that no variable and no comprehension declares: typos caught before any evaluation. */
function freeIdentifiers(e: Expr | undefined, bound: ReadonlySet<string>, out: Map<string, bigint>): void {
  if (!e) return;
  const k = e.exprKind;
  switch (k.case) {
    case 'identExpr':
      if (!bound.has(k.value.name)) out.set(k.value.name, e.id);
      return;
    case 'selectExpr':
      return freeIdentifiers(k.value.operand, bound, out);
    case 'callExpr':
      freeIdentifiers(k.value.target, bound, out);
      for (const a of k.value.args) freeIdentifiers(a, bound, out);
      return;
    case 'listExpr':
      for (const a of k.value.elements) freeIdentifiers(a, bound, out);
      return;
    case 'structExpr':
      for (const en of k.value.entries) {
        if (en.keyKind.case === 'mapKey') freeIdentifiers(en.keyKind.value, bound, out);
        freeIdentifiers(en.value, bound, out);
      }
      return;
    case 'comprehensionExpr': {
      const c = k.value;
      freeIdentifiers(c.iterRange, bound, out);
      freeIdentifiers(c.accuInit, bound, out);
      const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter(Boolean));
      for (const x of [c.loopCondition, c.loopStep, c.result]) freeIdentifiers(x, inner, out);
      return;
    }
    default:
      return;
  }
}

const VARIABLES = new Set<string>(POLICY_VARIABLES);

/** Parses and plans one expression; errors name the policy, the field, the expression and the position. */
function compileExpression(policy: string, field: string, source: string): Program {
  const where = `policy "${policy}": ${field} \`${source}\``;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (e) {
    const loc = (e as { location?: { start?: { offset: number } } }).location?.start;
    const reason = ((e as Error).message ?? String(e)).replace(/^<input>:\d+:\d+: /, '');
    throw new PolicyError(
      `${where} is not valid CEL at ${loc ? position(source, loc.offset) : 'its start'}: ${reason}`,
    );
  }
  const free = new Map<string, bigint>();
  freeIdentifiers(parsed.expr, VARIABLES, free);
  for (const [name, id] of free) {
    const offset = parsed.sourceInfo?.positions[id.toString()] ?? 0;
    throw new PolicyError(
      `${where} reads "${name}" at ${position(source, offset)}, which is not a variable: use one of ${POLICY_VARIABLES.join(', ')}`,
    );
  }
  return plan(env, parsed) as Program;
}

/** Compiles every expression of a policy once; the programs are reused for every object. */
export function compilePolicy(spec: PolicySpec): CompiledPolicy {
  return {
    spec,
    matchConditions: (spec.matchConditions ?? []).map((m, i) =>
      compileExpression(spec.name, `matchConditions[${i}]`, m.expression),
    ),
    validations: spec.validations.map((v, i) => ({
      check: compileExpression(spec.name, `validations[${i}].expression`, v.expression),
      ...(v.messageExpression
        ? { message: compileExpression(spec.name, `validations[${i}].messageExpression`, v.messageExpression) }
        : {}),
    })),
  };
}
