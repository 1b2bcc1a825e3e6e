/**
 * What an expression reads: the paths from its variables (`object.role`, `project.tags`, `now`) whose
 * values alone decide its result. A plan judges 100,000 bindings with a few policies whose inputs repeat
 * (a match condition reads one role): the plan caches each result by the values at these paths.
 */
import type { parse } from '@bufbuild/cel';

type Expr = NonNullable<ReturnType<typeof parse>['expr']>;

/**
 * A path from a variable and what of it is read: its value, only whether it is null (`project != null`), or
 * only whether the map holding it has the key (`"restricted" in workspace.tags`).
 */
export interface ReadPath {
  readonly path: readonly string[];
  readonly read: 'value' | 'null' | 'key';
}

const isNull = (e: Expr) => e.exprKind.case === 'constExpr' && e.exprKind.value.constantKind.case === 'nullValue';

const constantString = (e: Expr) =>
  e.exprKind.case === 'constExpr' && e.exprKind.value.constantKind.case === 'stringValue'
    ? e.exprKind.value.constantKind.value
    : undefined;

/**
 * The paths an expression reads from the variables named (comprehension variables shadow them). `isMap`
 * says whether a node is certainly a map (its checked type), where `"k" in m` and `m["k"]` read one key.
 */
export function readPaths(expr: Expr, variables: ReadonlySet<string>, isMap: (e: Expr) => boolean): ReadPath[] {
  const found = new Map<string, ReadPath>();
  const add = (path: readonly string[], read: ReadPath['read']) =>
    found.set(`${read} ${JSON.stringify(path)}`, { path, read });
  const rooted = (e: Expr, shadowed: ReadonlySet<string>): string[] | undefined => {
    const k = e.exprKind;
    if (k.case === 'identExpr')
      return variables.has(k.value.name) && !shadowed.has(k.value.name) ? [k.value.name] : undefined;
    if (k.case === 'callExpr' && k.value.function === '_[_]') {
      const [on, key] = k.value.args;
      const field = constantString(key);
      const operand = field !== undefined && isMap(on) ? rooted(on, shadowed) : undefined;
      return operand && [...operand, field!];
    }
    if (k.case !== 'selectExpr' || !k.value.operand) return undefined;
    const operand = rooted(k.value.operand, shadowed);
    return operand && [...operand, k.value.field];
  };
  const walk = (e: Expr | undefined, shadowed: ReadonlySet<string>): void => {
    if (!e) return;
    const path = rooted(e, shadowed);
    if (path) return void add(path, 'value');
    const k = e.exprKind;
    switch (k.case) {
      case 'selectExpr':
        return walk(k.value.operand, shadowed);
      case 'callExpr': {
        const [a, b] = k.value.args;
        const compared =
          (k.value.function === '_==_' || k.value.function === '_!=_') && (isNull(a) ? b : isNull(b) && a);
        const nullTested = compared ? rooted(compared, shadowed) : undefined;
        if (nullTested) return void add(nullTested, 'null');
        const key = k.value.function === '@in' ? constantString(a) : undefined;
        const map = key !== undefined && isMap(b) ? rooted(b, shadowed) : undefined;
        if (map) return void add([...map, key!], 'key');
        walk(k.value.target, shadowed);
        for (const x of k.value.args) walk(x, shadowed);
        return;
      }
      case 'listExpr':
        for (const x of k.value.elements) walk(x, shadowed);
        return;
      case 'structExpr':
        for (const en of k.value.entries) {
          if (en.keyKind.case === 'mapKey') walk(en.keyKind.value, shadowed);
          walk(en.value, shadowed);
        }
        return;
      case 'comprehensionExpr': {
        const c = k.value;
        walk(c.iterRange, shadowed);
        walk(c.accuInit, shadowed);
        const inner = new Set([...shadowed, c.iterVar, c.iterVar2, c.accuVar].filter(Boolean));
        for (const x of [c.loopCondition, c.loopStep, c.result]) walk(x, inner);
        return;
      }
      default:
        return;
    }
  };
  walk(expr, new Set());
  return [...found.values()];
}
