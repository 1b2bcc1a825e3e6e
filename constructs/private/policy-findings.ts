/**
 * The code's policies at synth: judged on the desired objects alone. Nothing is observed and nothing
 * planned yet, so `oldObject`, `step` and `caller` are null (docs/policies.md); a finding is located
 * at the object's construct. A policy that does not compile is left out here: its construct says why.
 */
import type { Finding } from '../../core/errors';
import { judgeDesired } from '../../core/policy/judge';
import { type CompiledPolicy, PolicyError, compilePolicy } from '../../core/policy/policy';
import { ruleMessage } from '../../core/rules';
import type { DesiredState } from '../../schemas/desired-state.generated';

function compiled(state: DesiredState): CompiledPolicy[] {
  return (state.policies ?? []).flatMap((spec) => {
    try {
      return [compilePolicy(spec)];
    } catch (e) {
      if (e instanceof PolicyError) return [];
      throw e;
    }
  });
}

export function synthPolicyFindings(state: DesiredState, now: Date): Finding[] {
  return judgeDesired(state, compiled(state), { now }).map((v) => ({
    severity: v.refuses ? 'error' : 'warning',
    rule: v.rule,
    path: v.subject.path,
    message: ruleMessage(v.rule, v.params),
  }));
}
