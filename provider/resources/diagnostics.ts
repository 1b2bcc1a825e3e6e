/** Diagnostics as the provider returns them: Terraform prints the summary, the detail and the attribute. */
import { RULES } from '../../core/rules';
import type { Finding as PlanFinding } from '../../schemas/plan.generated';
import { findingMessage } from '../../controller/render/describe';

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  /** Attribute names and list indexes, from the resource's root. */
  readonly path?: ReadonlyArray<string | number>;
}

export const error = (summary: string, detail: string, path?: ReadonlyArray<string | number>): Diagnostic => ({
  severity: 'error',
  summary,
  detail,
  ...(path ? { path } : {}),
});
export const warning = (summary: string, detail: string): Diagnostic => ({ severity: 'warning', summary, detail });

/** `allow` names a refusal's override flag without its prefix: `--allow-self-lockout` is "self-lockout". */
const allowName = (flag: string) => flag.replace(/^--allow-/, '');
const optionName = (allow: string) => `allow${allow.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`;

/** What `allow` may say: every override flag of the catalogue of the form --allow-…. */
export const ALLOWABLE: readonly string[] = [
  ...new Set(
    Object.values(RULES).flatMap((r) =>
      (r as { override?: string }).override?.startsWith('--allow-')
        ? [allowName((r as { override: string }).override)]
        : [],
    ),
  ),
].sort();

/** The plan options `allow` turns on (allowLastOwnerRemoval, …). */
export function overrideOf(
  allowed: readonly string[],
): Partial<Record<'allowLastOwnerRemoval' | 'allowSelfLockout' | 'allowFewerApprovers', boolean>> {
  return Object.fromEntries(allowed.filter((a) => ALLOWABLE.includes(a)).map((a) => [optionName(a), true]));
}

/** A plan finding as a diagnostic: the rule's words, its id, and in Terraform's terms how to override it. */
export function findingDiagnostic(f: PlanFinding, severity: Diagnostic['severity']): Diagnostic {
  const rule = RULES[f.rule as keyof typeof RULES] as { override?: string } | undefined;
  const allow = rule?.override?.startsWith('--allow-') ? allowName(rule.override) : undefined;
  const remedy = allow
    ? `\nIf that is intended, add allow = ["${allow}"] to the resource (meshform's ${rule!.override}).`
    : '';
  return {
    severity,
    summary: `meshform: ${f.rule}${f.workspace ? ` (${f.workspace})` : ''}`,
    detail: `${findingMessage(f)}${remedy}\nRule: ${f.rule}`,
  };
}
