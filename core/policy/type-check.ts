/**
 * A static type check of a parsed CEL expression against the variables a policy's target sees
 * (shapes.ts), so a typo or a type error is a clear error at load, not a refusal of every object.
 * @bufbuild/cel 0.6.1 (the newest) has no public checker; its function resolver is public and lists
 * every overload with its argument and result types, so calls are resolved against the very overloads
 * the evaluator runs. Only what is certainly wrong is an error: anything reached through `dyn` passes.
 */
import type { CelEnv, CelType, parse } from '@bufbuild/cel';
import { likelyMeant } from '../rules';
import { DYN, NULL, type Shape } from './shapes';

type Parsed = ReturnType<typeof parse>;
type Expr = NonNullable<Parsed['expr']>;

/** A type error: the expression node it is about, and what is wrong, worded around the node's position. */
export class CelTypeError extends Error {
  constructor(
    message: string,
    readonly exprId: bigint,
    readonly wording: (at: string) => string = (at) => `at ${at}: ${message}`,
  ) {
    super(message);
  }
}

const BOOL: Shape = { kind: 'bool' };
const STRING: Shape = { kind: 'string' };
const INT: Shape = { kind: 'int' };
const TYPE: Shape = { kind: 'type' };
const NUMERIC = new Set(['int', 'uint', 'double']);
/** Type names CEL resolves as identifiers (`type(x) == string`). */
const TYPE_NAMES = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type']);

function describe(s: Shape): string {
  switch (s.kind) {
    case 'list':
      return `list(${describe(s.element)})`;
    case 'map':
      return `map(${describe(s.key)}, ${describe(s.value)})`;
    case 'record':
      return 'map';
    case 'null':
      return 'null';
    default:
      return s.kind;
  }
}

/** The library's overload types in the checker's terms. */
function fromCel(t: CelType): Shape {
  switch (t.kind) {
    case 'list':
      return { kind: 'list', element: fromCel(t.element) };
    case 'map':
      return { kind: 'map', key: fromCel(t.key), value: fromCel(t.value) };
    case 'object':
      return t.name === 'google.protobuf.Timestamp'
        ? { kind: 'timestamp' }
        : t.name === 'google.protobuf.Duration'
          ? { kind: 'duration' }
          : DYN;
    default:
      return t.scalar === 'null_type' ? NULL : { kind: t.scalar };
  }
}

/** Whether a value of `actual` can be passed where an overload takes `param`. */
function fits(actual: Shape, param: Shape): boolean {
  if (actual.kind === 'dyn' || param.kind === 'dyn') return true;
  if (param.kind === 'map')
    return actual.kind === 'record' || (actual.kind === 'map' && fits(actual.value, param.value));
  if (param.kind === 'list') return actual.kind === 'list' && fits(actual.element, param.element);
  return actual.kind === param.kind;
}

/** The type two branches (or list elements) share, else dyn. */
function join(a: Shape, b: Shape): Shape {
  return JSON.stringify(a) === JSON.stringify(b) ? a : DYN;
}

interface Overload {
  readonly target?: Shape;
  readonly args: readonly Shape[];
  readonly result: Shape;
}

/** The overloads of each function the environment evaluates, read once per environment. */
const overloadsOf = new WeakMap<CelEnv, Map<string, Overload[]>>();
function overloads(env: CelEnv): Map<string, Overload[]> {
  let table = overloadsOf.get(env);
  if (!table) {
    table = new Map();
    for (const f of env.funcs) {
      const list = table.get(f.name) ?? [];
      list.push({
        ...(f.target ? { target: fromCel(f.target) } : {}),
        args: f.arguments.map(fromCel),
        result: fromCel(f.result),
      });
      table.set(f.name, list);
    }
    overloadsOf.set(env, table);
  }
  return table;
}

/** Operators as written, for messages. */
const OPERATORS: Record<string, string> = {
  '_+_': '+',
  '_-_': '-',
  '_*_': '*',
  '_/_': '/',
  '_%_': '%',
  '_<_': '<',
  '_<=_': '<=',
  '_>_': '>',
  '_>=_': '>=',
  '_==_': '==',
  '_!=_': '!=',
  '-_': '-',
  '!_': '!',
  '@in': 'in',
  '_&&_': '&&',
  '_||_': '||',
};

const signature = (o: Overload) => `${o.target ? `${describe(o.target)}.` : ''}(${o.args.map(describe).join(', ')})`;

class Checker {
  constructor(
    private readonly env: CelEnv,
    private readonly variables: Readonly<Record<string, Shape>>,
  ) {}

  /** The type found for each node, by id (reads.ts asks whether an operand is a map). */
  readonly types = new Map<bigint, Shape>();

  typeOf(e: Expr, scope: ReadonlyMap<string, Shape>): Shape {
    const t = this.typeOfNode(e, scope);
    this.types.set(e.id, t);
    return t;
  }

  private typeOfNode(e: Expr, scope: ReadonlyMap<string, Shape>): Shape {
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr':
        return constant(k.value.constantKind.case);
      case 'identExpr':
        return this.ident(e, k.value.name, scope);
      case 'selectExpr': {
        const field = this.field(e, this.typeOf(k.value.operand!, scope), k.value.field, k.value.operand!);
        return k.value.testOnly ? BOOL : field;
      }
      case 'callExpr':
        return this.call(e, k.value.function, k.value.target, k.value.args, scope);
      case 'listExpr':
        return {
          kind: 'list',
          element:
            k.value.elements
              .map((x) => this.typeOf(x, scope))
              .reduce<Shape | undefined>((a, b) => (a ? join(a, b) : b), undefined) ?? DYN,
        };
      case 'structExpr': {
        if (k.value.messageName) return DYN;
        let key: Shape | undefined;
        let value: Shape | undefined;
        for (const en of k.value.entries) {
          if (en.keyKind.case !== 'mapKey') return DYN;
          const kt = this.typeOf(en.keyKind.value, scope);
          const vt = this.typeOf(en.value!, scope);
          key = key ? join(key, kt) : kt;
          value = value ? join(value, vt) : vt;
        }
        return { kind: 'map', key: key ?? DYN, value: value ?? DYN };
      }
      case 'comprehensionExpr':
        return this.comprehension(e, k.value, scope);
      default:
        return DYN;
    }
  }

  private ident(e: Expr, name: string, scope: ReadonlyMap<string, Shape>): Shape {
    const t = scope.get(name) ?? this.variables[name];
    if (t) return t;
    if (TYPE_NAMES.has(name)) return TYPE;
    const which = `which is not a variable: use one of ${Object.keys(this.variables).join(', ')}`;
    throw new CelTypeError(`reads "${name}", ${which}`, e.id, (at) => `reads "${name}" at ${at}, ${which}`);
  }

  /** `operand.name` (or `has(operand.name)`): a record's field must be declared. */
  private field(e: Expr, operand: Shape, name: string, operandExpr: Expr): Shape {
    switch (operand.kind) {
      case 'dyn':
        return DYN;
      case 'map':
        return operand.value;
      case 'record': {
        const t = operand.fields[name];
        if (t) return t;
        const known = Object.keys(operand.fields);
        const meant = likelyMeant(name, known);
        throw new CelTypeError(
          `${subjectOf(operandExpr)} has no field "${name}"${meant ? ` (did you mean "${meant}"?)` : ''}; its fields: ${known.join(', ')}`,
          e.id,
        );
      }
      case 'null':
        throw new CelTypeError(`${subjectOf(operandExpr)} is always null for this policy's target`, e.id);
      default:
        throw new CelTypeError(`${subjectOf(operandExpr)} is a ${describe(operand)}, which has no fields`, e.id);
    }
  }

  private call(
    e: Expr,
    fn: string,
    targetExpr: Expr | undefined,
    argExprs: readonly Expr[],
    scope: ReadonlyMap<string, Shape>,
  ): Shape {
    const target = targetExpr ? this.typeOf(targetExpr, scope) : undefined;
    const args = argExprs.map((a) => this.typeOf(a, scope));
    const op = OPERATORS[fn] ?? fn;
    switch (fn) {
      case '_&&_':
      case '_||_':
      case '!_':
      case '@not_strictly_false':
        for (const [i, a] of args.entries())
          if (!fits(a, BOOL))
            throw new CelTypeError(`\`${op}\` needs bool operands, not ${describe(a)}`, argExprs[i].id);
        return BOOL;
      case '_?_:_':
        if (!fits(args[0], BOOL))
          throw new CelTypeError(`the condition of \`? :\` must be a bool, not ${describe(args[0])}`, argExprs[0].id);
        return join(args[1], args[2]);
      case '_[_]':
        return this.index(e, args[0], args[1], argExprs);
      case '_==_':
      case '_!=_':
        if (!comparable(args[0], args[1]))
          throw new CelTypeError(
            `\`${op}\` compares a ${describe(args[0])} with a ${describe(args[1])}, which are never equal`,
            e.id,
          );
        return BOOL;
    }
    const candidates = overloads(this.env).get(fn);
    if (!candidates) throw new CelTypeError(`calls \`${fn}\`, which is not a function CEL knows here`, e.id);
    const shaped = candidates.filter(
      (o) => (o.target !== undefined) === (target !== undefined) && o.args.length === args.length,
    );
    const matching = shaped.filter(
      (o) => (!target || fits(target, o.target!)) && o.args.every((p, i) => fits(args[i], p)),
    );
    if (!matching.length) {
      const got = `${target ? `${describe(target)}.` : ''}(${args.map(describe).join(', ')})`;
      // The overloads for the first operand's type, where there are some: `timestamp > int` lists (timestamp, timestamp).
      const first = target ?? args[0];
      const near = shaped.filter((o) => first && fits(first, o.target ?? o.args[0]) && first.kind !== 'dyn');
      const expected = (near.length ? near : shaped.length ? shaped : candidates).map(signature).join(', ');
      throw new CelTypeError(`\`${op}\` cannot take ${got}; it takes ${expected}`, e.id);
    }
    if (fn === '_+_' && args[0].kind === 'list' && args[1].kind === 'list')
      return { kind: 'list', element: join(args[0].element, args[1].element) };
    return matching.map((o) => o.result).reduce(join);
  }

  private index(e: Expr, on: Shape, key: Shape, argExprs: readonly Expr[]): Shape {
    switch (on.kind) {
      case 'dyn':
        return DYN;
      case 'list':
        if (!fits(key, INT) && key.kind !== 'uint')
          throw new CelTypeError(`a list is indexed by an int, not a ${describe(key)}`, argExprs[1].id);
        return on.element;
      case 'map':
        if (!fits(key, on.key))
          throw new CelTypeError(`this map's keys are ${describe(on.key)}, not ${describe(key)}`, argExprs[1].id);
        return on.value;
      case 'record': {
        const k = argExprs[1].exprKind;
        if (k.case === 'constExpr' && k.value.constantKind.case === 'stringValue')
          return this.field(e, on, k.value.constantKind.value, argExprs[0]);
        if (!fits(key, STRING))
          throw new CelTypeError(`this map's keys are strings, not ${describe(key)}`, argExprs[1].id);
        return DYN;
      }
      default:
        throw new CelTypeError(`${subjectOf(argExprs[0])} is a ${describe(on)}, which cannot be indexed`, e.id);
    }
  }

  private comprehension(
    e: Expr,
    c: Extract<Expr['exprKind'], { case: 'comprehensionExpr' }>['value'],
    scope: ReadonlyMap<string, Shape>,
  ): Shape {
    const range = this.typeOf(c.iterRange!, scope);
    let first: Shape;
    let second: Shape = DYN;
    switch (range.kind) {
      case 'dyn':
        first = DYN;
        break;
      case 'list':
        [first, second] = [c.iterVar2 ? INT : range.element, range.element];
        break;
      case 'map':
        [first, second] = [range.key, range.value];
        break;
      case 'record':
        first = STRING;
        break;
      default:
        throw new CelTypeError(`${subjectOf(c.iterRange!)} is a ${describe(range)}, which cannot be iterated`, e.id);
    }
    const inner = new Map(scope).set(c.iterVar, first);
    if (c.iterVar2) inner.set(c.iterVar2, second);
    let accu = this.typeOf(c.accuInit!, scope);
    // map() and filter() start from []: the step says what the list holds.
    if (accu.kind === 'list' && accu.element.kind === 'dyn')
      accu = this.typeOf(c.loopStep!, new Map(inner).set(c.accuVar, accu));
    inner.set(c.accuVar, accu);
    this.typeOf(c.loopCondition!, inner);
    this.typeOf(c.loopStep!, inner);
    return this.typeOf(c.result!, inner);
  }
}

function constant(kind: string | undefined): Shape {
  switch (kind) {
    case 'boolValue':
      return BOOL;
    case 'int64Value':
      return INT;
    case 'uint64Value':
      return { kind: 'uint' };
    case 'doubleValue':
      return { kind: 'double' };
    case 'stringValue':
      return STRING;
    case 'bytesValue':
      return { kind: 'bytes' };
    case 'nullValue':
      return NULL;
    default:
      return DYN;
  }
}

/** Equality across types is always false: a certain mistake where both types are known. */
function comparable(a: Shape, b: Shape): boolean {
  if (a.kind === 'dyn' || b.kind === 'dyn' || a.kind === 'null' || b.kind === 'null') return true;
  if (NUMERIC.has(a.kind) && NUMERIC.has(b.kind)) return true;
  const mapLike = (s: Shape) => s.kind === 'map' || s.kind === 'record';
  return a.kind === b.kind || (mapLike(a) && mapLike(b));
}

/** Names what a node reads, for messages: `object.subject`, else "the value". */
function subjectOf(e: Expr): string {
  const k = e.exprKind;
  if (k.case === 'identExpr') return k.value.name;
  if (k.case === 'selectExpr' && k.value.operand) {
    const inner = subjectOf(k.value.operand);
    return inner === 'the value' ? inner : `${inner}.${k.value.field}`;
  }
  return 'the value';
}

/**
 * The type of each node of a parsed expression over these variables; throws a CelTypeError (with the node's id)
 * on the first certain mistake, or when the result is not of the expected type (`bool` for a validation).
 */
export function checkExpression(
  env: CelEnv,
  parsed: Parsed,
  variables: Readonly<Record<string, Shape>>,
  expected: 'bool' | 'string',
): ReadonlyMap<bigint, Shape> {
  const expr = parsed.expr;
  const checker = new Checker(env, variables);
  const t = checker.typeOf(expr, new Map());
  if (!fits(t, { kind: expected }))
    throw new CelTypeError(`gives a ${describe(t)}, and must give a ${expected}`, expr.id);
  return checker.types;
}
