/**
 * Runs a compiled policy on one object. Every outcome is a verdict: a run-time error (a missing
 * field, a type mismatch) denies, naming the object, so a policy never passes silently nor crashes.
 */
import { type CelInput, celList, celMap, isCelError } from '@bufbuild/cel';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { CompiledPolicy, Program } from './policy';

/**
 * Plain values in, CEL values out: dates become CEL timestamps, undefined fields are left out (so `has()` works).
 * Objects and arrays become CEL maps and lists here, once per object: given plain, the library converts them
 * again on every access, for every policy.
 */
export function celValue(v: unknown): CelInput {
  if (v instanceof Date) return timestampFromDate(v);
  if (Array.isArray(v)) return celList(v.map(celValue));
  if (v && typeof v === 'object') {
    const out = new Map<string, CelInput>();
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out.set(k, celValue(x));
    return celMap(out);
  }
  // Strings, numbers, booleans and null: what YAML and the views hold besides objects, lists and dates.
  return v as CelInput;
}

export type Verdict =
  { readonly outcome: 'allow' | 'skip' } | { readonly outcome: 'deny' | 'error'; readonly message: string };

function run(p: Program, vars: Record<string, unknown>): { value: unknown } | { error: string } {
  try {
    const r = p(vars);
    return isCelError(r) ? { error: r.message } : { value: r };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** `vars` already converted with celValue (once per object, shared by all policies). */
export function evaluatePolicy(policy: CompiledPolicy, vars: Record<string, unknown>): Verdict {
  for (const [i, m] of policy.matchConditions.entries()) {
    const r = run(m, vars);
    if ('error' in r) return { outcome: 'error', message: `matchConditions[${i}]: ${r.error}` };
    if (r.value !== true) return { outcome: 'skip' };
  }
  for (const [i, v] of policy.validations.entries()) {
    const r = run(v.check, vars);
    if ('error' in r) return { outcome: 'error', message: `validations[${i}]: ${r.error}` };
    if (r.value === true) continue;
    if (r.value !== false)
      return { outcome: 'error', message: `validations[${i}] gave ${String(r.value)}, not true or false` };
    const spec = policy.spec.validations[i];
    const custom = v.message ? run(v.message, vars) : undefined;
    const message =
      custom && 'value' in custom && typeof custom.value === 'string'
        ? custom.value
        : (spec.message ?? `failed: ${spec.expression}`);
    return { outcome: 'deny', message };
  }
  return { outcome: 'allow' };
}
