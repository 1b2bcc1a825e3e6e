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

export const error = (summary: string, detail: string, path?: ReadonlyArray<string | number>): Diagnostic => ({ severity: 'error', summary, detail, ...(path ? { path } : {}) });
export const warning = (summary: string, detail: string): Diagnostic => ({ severity: 'warning', summary, detail });

/** The resource attribute that overrides a refusal, for the flags of `meshform plan`. */
const ALLOW: Record<string, string> = {
  '--allow-last-owner-removal': 'last-owner-removal',
  '--allow-self-lockout': 'self-lockout',
  '--allow-fewer-approvers': 'fewer-approvers',
};

export function overrideOf(allowed: readonly string[]): { allowLastOwnerRemoval: boolean; allowSelfLockout: boolean; allowFewerApprovers: boolean } {
  return { allowLastOwnerRemoval: allowed.includes('last-owner-removal'), allowSelfLockout: allowed.includes('self-lockout'), allowFewerApprovers: allowed.includes('fewer-approvers') };
}

/** A plan finding as a diagnostic: the rule's words, its id, and in Terraform's terms how to override it. */
export function findingDiagnostic(f: PlanFinding, severity: Diagnostic['severity']): Diagnostic {
  const rule = RULES[f.rule as keyof typeof RULES] as { override?: string } | undefined;
  const allow = rule?.override ? ALLOW[rule.override] : undefined;
  const remedy = allow ? `\nIf that is intended, add allow = ["${allow}"] to the resource (meshform's ${rule!.override}).` : '';
  return { severity, summary: `meshform: ${f.rule}${f.workspace ? ` (${f.workspace})` : ''}`, detail: `${findingMessage(f)}${remedy}\nRule: ${f.rule}` };
}
