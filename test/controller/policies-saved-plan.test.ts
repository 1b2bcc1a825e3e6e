import * as path from 'path';
import { loadPolicyFile } from '../../core/policy/policy-file';
import { applySavedPlan, planAgainst } from '../../controller/run';
import { OWNER, binding, desired, user, workspace } from '../helpers/desired';
import { PARTNER } from '../helpers/sandbox';
import { fakePlatform } from '../helpers/platforms';

const EXAMPLES = loadPolicyFile(path.resolve(__dirname, '../../examples/policies/organisation.policies.yaml'));

describe('a saved plan and the policies that judged it', () => {
  const state = desired([workspace('pol-a', [binding(OWNER, user('alice'), { expiryDate: '2026-12-01' })])]);

  it('is stale when applied under other policies, and applies under the same ones', async () => {
    const platform = fakePlatform();
    const api = platform.client(PARTNER);
    const options = { endpoint: platform.endpoint, policies: [EXAMPLES] };
    const { plan: saved } = await planAgainst(api, state, options);
    expect(saved.refusals).toEqual([]);
    const ctx = { endpoint: platform.endpoint, desired: state };
    await expect(applySavedPlan(api, saved, ctx)).rejects.toThrow(
      `judged by other policies: the saved plan by ${EXAMPLES.source} (sha256 ${EXAMPLES.sha256.slice(0, 12)}), now by none`,
    );
    const report = await applySavedPlan(api, saved, { ...ctx, policies: [EXAMPLES] });
    expect(report.results.map((r) => r.status)).toEqual(report.results.map(() => 'applied'));
    expect(report.results.length).toBeGreaterThan(0);
  });
});
