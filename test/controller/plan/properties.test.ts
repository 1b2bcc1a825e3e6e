/**
 * Properties over random desired and observed states, on the in-memory platform:
 * apply(plan) then plan is empty, and no step ever gives a workspace more than two Owners.
 */
import fc from 'fast-check';
import { apply } from '../../../controller/apply/apply';
import { FakePlatform } from '../../../controller/client/fake-client';
import { stepSummary } from '../../../controller/render/describe';
import { planAgainst } from '../../../controller/run';
import type { Workspace } from '../../../schemas/desired-state.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const ROLES = [OWNER, MANAGER, MEMBER];

/** A workspace's bindings: unique (role, user) pairs with at most two Owners (the manifest rule). */
const bindingsArb = fc
  .uniqueArray(fc.record({ role: fc.constantFrom(...ROLES), user: fc.constantFrom(...USERS), expires: fc.option(fc.integer({ min: -5, max: 60 }), { nil: undefined }) }), {
    selector: (b) => `${b.role}|${b.user}`,
    maxLength: 8,
  })
  .filter((bs) => bs.filter((b) => b.role === OWNER).length <= 2);

const day = (now: Date, n: number) => new Date(now.getTime() + n * 86_400_000).toISOString().slice(0, 10);

function toWorkspace(name: string, bs: Array<{ role: string; user: string; expires?: number }>, projectUsers: string[], now: Date): Workspace {
  const members = new Set(bs.filter((b) => b.expires === undefined || b.expires >= 0).map((b) => b.user));
  return workspace(
    name,
    bs.map((b) => binding(b.role, user(b.user), b.expires === undefined ? {} : { expiryDate: day(now, b.expires) })),
    { projects: [project(name, 'p', projectUsers.filter((u) => members.has(u)).map((u) => binding('Project User', user(u))))] },
  );
}

const stateArb = fc.record({
  before: bindingsArb,
  after: bindingsArb,
  projectUsersBefore: fc.subarray(USERS),
  projectUsersAfter: fc.subarray(USERS),
  authoritative: fc.boolean(),
});

describe('plan properties', () => {
  test('apply(plan) then plan is empty, and no workspace ever has more than two Owners', async () => {
    await fc.assert(
      fc.asyncProperty(stateArb, async (s) => {
        const platform = new FakePlatform();
        const api = platform.client();
        const now = platform.clock;
        const options = { endpoint: 'memory://' };
        // Observed state: whatever an earlier apply left behind (owners only if they were valid then).
        const first = desired([toWorkspace('ws', s.before.filter((b) => b.expires === undefined || b.expires >= 0), s.projectUsersBefore, now)]);
        const seeded = (await planAgainst(api, first, options, now)).plan;
        if (seeded.refusals.length === 0) await apply(api, seeded);
        const target = desired([{ ...toWorkspace('ws', s.after, s.projectUsersAfter, now), spec: { ...toWorkspace('ws', s.after, [], now).spec, bindingManagement: s.authoritative ? 'authoritative' : 'additive' } }]);
        const p = (await planAgainst(api, target, options, now)).plan;
        if (p.refusals.length) return; // refused plans apply nothing: nothing to check
        const report = await apply(api, p);
        expect(report.counts.failed).toBe(0);
        const again = (await planAgainst(api, target, options, now)).plan;
        expect(again.workspaces.flatMap((w) => w.steps.map(stepSummary))).toEqual([]);
        expect(platform.maxOwnersSeen).toBeLessThanOrEqual(2);
      }),
      { numRuns: 200, seed: 20261125 },
    );
  });
});
