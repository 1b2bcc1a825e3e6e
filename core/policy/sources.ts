/**
 * The policies that judge a desired state: the organisation's file(s) and the policies its code
 * declares (the Policy construct, carried in the manifest), each a source with its digest, as the
 * plan's header lists them. Code may add policies, never replace an organisation's.
 */
import { sha256Hex } from '../canonical-json';
import type { DesiredState } from '../../schemas/desired-state.generated';
import { PolicyError, compilePolicy } from './policy';
import type { PolicySource } from './policy-file';

/** The source name of the policies declared in code, in the plan's header. */
const CODE_POLICY_SOURCE = 'code';

/** The manifest's policies, compiled: undefined when the code declares none. */
function codePolicySource(desired: DesiredState): PolicySource | undefined {
  const specs = desired.policies ?? [];
  if (!specs.length) return undefined;
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new PolicyError(`the code declares policy "${s.name}" twice`);
    seen.add(s.name);
  }
  return { source: CODE_POLICY_SOURCE, sha256: sha256Hex(specs), policies: specs.map(compilePolicy) };
}

/** The organisation's sources, then the code's; a code policy named as an organisation policy is an error naming both. */
export function policySources(desired: DesiredState, organisation: readonly PolicySource[] = []): PolicySource[] {
  const code = codePolicySource(desired);
  if (!code) return [...organisation];
  for (const p of code.policies) {
    const owner = organisation.find((o) => o.policies.some((x) => x.spec.name === p.spec.name));
    if (owner)
      throw new PolicyError(
        `policy "${p.spec.name}" is declared in code and in the organisation's ${owner.source}: a policy in code may not replace or weaken an organisation policy; give the code's policy another name`,
      );
  }
  return [...organisation, code];
}
