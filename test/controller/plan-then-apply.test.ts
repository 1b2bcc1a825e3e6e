/** The one workflow of apply, reconcile and the provider: plan, stop where the plan says so, else apply. */
import { DigestMismatchError } from '../../core/errors';
import { planThenApply } from '../../controller/run';
import { OWNER, binding, desired, user, workspace } from '../helpers/desired';
import { fakePlatform } from '../helpers/platforms';
import { PARTNER } from '../helpers/sandbox';

describe('planThenApply', () => {
  const state = desired([workspace('pta', [binding(OWNER, user('alice'))])]);

  test('declined at the question: nothing is applied; confirmed: applied, and then nothing is left to change', async () => {
    const platform = fakePlatform();
    const api = platform.client(PARTNER);
    const shown: number[] = [];
    const options = { endpoint: platform.endpoint };
    const declined = await planThenApply(api, state, options, {
      onPlan: (p) => shown.push(p.workspaces[0].steps.length),
      confirm: () => Promise.resolve(false),
    });
    expect(declined.kind).toBe('declined');
    expect(await api.workspaces.read('pta')).toBeUndefined();
    const applied = await planThenApply(api, state, options, { confirm: () => Promise.resolve(true) });
    expect(applied.kind).toBe('applied');
    expect(applied.kind === 'applied' && applied.report.counts.failed).toBe(0);
    expect((await api.workspaces.read('pta'))?.displayName).toBe('pta');
    const again = await planThenApply(api, state, options, {
      confirm: () => Promise.reject(new Error('nothing to ask')),
    });
    expect(again.kind).toBe('unchanged');
    expect(shown).toEqual([declined.plan.workspaces[0].steps.length]);
  });

  test('a refused plan stops before the question; another plan than the reviewed digest is not applied', async () => {
    const platform = fakePlatform();
    const api = platform.client(PARTNER);
    const three = desired([
      workspace('pta', [binding(OWNER, user('alice')), binding(OWNER, user('bob')), binding(OWNER, user('carol'))]),
    ]);
    const refused = await planThenApply(
      api,
      three,
      { endpoint: platform.endpoint },
      {
        confirm: () => Promise.reject(new Error('a refused plan asks nothing')),
      },
    );
    expect(refused.kind).toBe('refused');
    expect(refused.plan.refusals.map((r) => r.rule)).toContain('owner-limit');
    await expect(
      planThenApply(api, state, { endpoint: platform.endpoint }, { expectDigest: 'sha256:reviewed' }),
    ).rejects.toBeInstanceOf(DigestMismatchError);
    expect(await api.workspaces.read('pta')).toBeUndefined();
  });
});
