/**
 * Policies declared in code (the manifest's `policies`) in the plan: judged as the organisation's,
 * listed in the header as the source "code" with their digest, never replacing an organisation
 * policy; a bad one fails before any platform call.
 */
import * as path from 'path';
import { planAgainst } from '../../controller/run';
import { findingMessage } from '../../controller/render/describe';
import { checkDesiredState } from '../../core/manifest-file';
import { isInvalidFileError } from '../../core/errors';
import { sha256Hex } from '../../core/canonical-json';
import { loadPolicyFile } from '../../core/policy/policy-file';
import type { Policy } from '../../schemas/desired-state.generated';
import { OWNER, binding, desired, user, workspace } from '../helpers/desired';
import { PARTNER } from '../helpers/sandbox';
import { fakePlatform } from '../helpers/platforms';

const EXAMPLES = loadPolicyFile(path.resolve(__dirname, '../../examples/policies/organisation.policies.yaml'));
const NOW = new Date('2026-11-25T12:00:00Z');

const codePolicy = (over: Partial<Policy> = {}): Policy => ({
  name: 'owner-ticket',
  target: 'binding',
  action: 'deny',
  matchConditions: [{ expression: 'object.role == "Workspace Owner"' }],
  validations: [{ expression: 'has(object.reason)', message: 'an Owner is granted with a reason' }],
  ...over,
});
const state = (policies: Policy[]) =>
  desired([workspace('cp-a', [binding(OWNER, user('alice'), { expiryDate: '2026-12-01' })])], { policies });

async function planned(policies: Policy[], organisation = [EXAMPLES]) {
  const platform = fakePlatform();
  const api = platform.client(PARTNER);
  return planAgainst(api, state(policies), { endpoint: platform.endpoint, policies: organisation }, NOW);
}

describe('policies declared in code, in the plan', () => {
  it('judge as the organisation policies do, and the header lists them as "code" with their digest, after the file', async () => {
    const policies = [codePolicy()];
    const { plan } = await planned(policies);
    expect(plan.refusals.map((f) => [f.rule, findingMessage(f)])).toEqual([
      [
        'policy:owner-ticket',
        'binding User:alice "Workspace Owner" in workspace cp-a: an Owner is granted with a reason',
      ],
    ]);
    expect(plan.policies).toEqual([
      { source: EXAMPLES.source, sha256: EXAMPLES.sha256, names: EXAMPLES.policies.map((p) => p.spec.name) },
      { source: 'code', sha256: sha256Hex(policies), names: ['owner-ticket'] },
    ]);
  });

  it('a warn policy in code is a warning; without a policy file the code is the only source', async () => {
    const { plan } = await planned([codePolicy({ action: 'warn' })], []);
    expect(plan.refusals).toEqual([]);
    expect(plan.warnings.map((f) => f.rule)).toEqual(['policy:owner-ticket']);
    expect(plan.policies?.map((p) => p.source)).toEqual(['code']);
  });

  it('a code policy named as an organisation policy is an error naming both, before any platform call', async () => {
    const platform = fakePlatform();
    const api = platform.client(PARTNER);
    const weaker = codePolicy({ name: 'owner-expiry', action: 'warn' });
    await expect(
      planAgainst(api, state([weaker]), { endpoint: platform.endpoint, policies: [EXAMPLES] }, NOW),
    ).rejects.toThrow(
      `policy "owner-expiry" is declared in code and in the organisation's ${EXAMPLES.source}: a policy in code may not replace or weaken an organisation policy`,
    );
    expect(api.stats.total).toBe(0);
  });

  it('a code policy that does not compile fails before any platform call, naming it', async () => {
    const platform = fakePlatform();
    const api = platform.client(PARTNER);
    const broken = codePolicy({ validations: [{ expression: 'objcet.reason == "x"' }] });
    await expect(planAgainst(api, state([broken]), { endpoint: platform.endpoint }, NOW)).rejects.toThrow(
      'policy "owner-ticket": validations[0].expression `objcet.reason == "x"` reads "objcet"',
    );
    expect(api.stats.total).toBe(0);
  });

  it('a manifest whose policy is not the schema is refused at load, naming the JSON path', () => {
    const data = state([{ ...codePolicy(), target: 'user' } as unknown as Policy]);
    let problems: string[] = [];
    try {
      checkDesiredState(data, 'meshform.json', NOW);
    } catch (e) {
      if (!isInvalidFileError(e)) throw e;
      problems = e.problems.map((p) => `${p.path} ${p.rule}`);
    }
    expect(problems).toEqual(['$.policies[0].target schema:enum']);
  });
});
