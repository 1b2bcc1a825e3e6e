/** Findings of a plan: a rule of the catalogue, the workspace, and the rule message's parameters. */
import { type RuleId, type RuleParams, levelOf } from '../../core/rules';
import type { Finding } from '../../schemas/plan.generated';

export function finding<R extends RuleId>(rule: R, params: RuleParams<R>, workspace?: string): Finding {
  return { rule, ...(workspace !== undefined ? { workspace } : {}), params: params };
}

/** Collects a workspace's findings, sorted by the catalogue's level: refusals, warnings, notes. */
export class Findings {
  public readonly refusals: Finding[] = [];
  public readonly warnings: Finding[] = [];
  public readonly notes: Finding[] = [];

  constructor(private readonly workspace?: string) {}

  public add<R extends RuleId>(rule: R, params: RuleParams<R>): void {
    const f = finding(rule, params, this.workspace);
    const level = levelOf(rule);
    if (level === 'refusal' || level === 'error') this.refusals.push(f);
    else if (level === 'warning') this.warnings.push(f);
    else this.notes.push(f);
  }

  public addAll(fs: readonly Finding[]): void {
    for (const f of fs) {
      const level = levelOf(f.rule as RuleId);
      if (level === 'refusal' || level === 'error') this.refusals.push(f);
      else if (level === 'warning') this.warnings.push(f);
      else this.notes.push(f);
    }
  }
}
