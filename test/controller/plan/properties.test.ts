/**
 * Properties over random desired and observed states, on the in-memory platform: apply(plan) then
 * plan is empty; counted along the plan's own steps, a workspace never has more than two Owners
 * (nor none, once it had one); per step, what the plan predicts (its dry run: the approval class,
 * the Owners after the step) is what the platform then does; and most generated cases are planned,
 * not refused (a plan that refuses too much would otherwise pass unseen).
 */
import fc from 'fast-check';
import { apply } from '../../../controller/apply/apply';
import { FakePlatform } from '../../../controller/client/fake-client';
import { modelContext, simulate, workspaceModel } from '../../../controller/plan/simulate';
import { approvalOf, roleOf } from '../../../controller/plan/steps';
import { stepSummary } from '../../../controller/render/describe';
import type { Step } from '../../../schemas/plan.generated';
import { planAgainst } from '../../../controller/run';
import type { Workspace } from '../../../schemas/desired-state.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const ROLES = [OWNER, MANAGER, MEMBER];

/** A workspace's bindings: unique (role, user) pairs with at most two Owners (the manifest rule). */
const bindingsArb = fc
  .uniqueArray(
    fc.record({
      role: fc.constantFrom(...ROLES),
      user: fc.constantFrom(...USERS),
      expires: fc.option(fc.integer({ min: -5, max: 60 }), { nil: undefined }),
    }),
    {
      selector: (b) => `${b.role}|${b.user}`,
      maxLength: 8,
    },
  )
  .filter((bs) => bs.filter((b) => b.role === OWNER).length <= 2);

const day = (now: Date, n: number) => new Date(now.getTime() + n * 86_400_000).toISOString().slice(0, 10);

function toWorkspace(
  name: string,
  bs: Array<{ role: string; user: string; expires?: number }>,
  projectUsers: string[],
  now: Date,
): Workspace {
  const members = new Set(bs.filter((b) => b.expires === undefined || b.expires >= 0).map((b) => b.user));
  return workspace(
    name,
    bs.map((b) => binding(b.role, user(b.user), b.expires === undefined ? {} : { expiryDate: day(now, b.expires) })),
    {
      projects: [
        project(
          name,
          'p',
          projectUsers.filter((u) => members.has(u)).map((u) => binding('Project User', user(u))),
        ),
      ],
    },
  );
}

const stateArb = fc.record({
  before: bindingsArb,
  after: bindingsArb,
  projectUsersBefore: fc.subarray(USERS),
  projectUsersAfter: fc.subarray(USERS),
  authoritative: fc.boolean(),
});

const RUNS = 200;

/** Distinct Owners after each step of a workspace's plan, counted from the steps, starting with the live Owner bindings. */
function ownersAlong(steps: Step[], live: Array<{ name: string; subject: string }>): number[] {
  const holders = new Map<string, Set<string>>();
  const hold = (subject: string, name: string) =>
    holders.set(subject, new Set([...(holders.get(subject) ?? []), name]));
  for (const b of live) hold(b.subject, b.name);
  const count = () => [...holders.values()].filter((h) => h.size > 0).length;
  const counts = [count()];
  for (const s of steps) {
    if (s.kind !== 'workspace-binding' || roleOf(s) !== OWNER) continue;
    if (s.action === 'create') hold(s.grant.subject.name, s.grant.name);
    else holders.get(s.binding.subject)?.delete(s.binding.name);
    counts.push(count());
  }
  return counts;
}

describe('plan properties', () => {
  test('apply(plan) then plan is empty; along the steps never more than two Owners, nor none; most cases are planned', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(stateArb, async (s) => {
        const platform = new FakePlatform();
        const api = platform.client();
        const now = platform.clock;
        const options = { endpoint: 'memory://' };
        // Observed state: whatever an earlier apply left behind (owners only if they were valid then).
        const first = desired([
          toWorkspace(
            'ws',
            s.before.filter((b) => b.expires === undefined || b.expires >= 0),
            s.projectUsersBefore,
            now,
          ),
        ]);
        const seeded = (await planAgainst(api, first, options, now)).plan;
        if (seeded.refusals.length === 0) await apply(api, seeded);
        const target = desired([
          {
            ...toWorkspace('ws', s.after, s.projectUsersAfter, now),
            spec: {
              ...toWorkspace('ws', s.after, [], now).spec,
              bindingManagement: s.authoritative ? 'authoritative' : 'additive',
            },
          },
        ]);
        const { plan: p, live } = await planAgainst(api, target, options, now);
        if (p.refusals.length) {
          refused++;
          return;
        }
        const liveOwners = (live.workspaces.ws?.bindings ?? []).filter((b) => b.role === OWNER);
        const counts = ownersAlong(p.workspaces[0].steps, liveOwners);
        expect(Math.max(...counts)).toBeLessThanOrEqual(2);
        if (counts[0] > 0 && counts[counts.length - 1] > 0) expect(Math.min(...counts)).toBeGreaterThan(0);
        // The dry run's Owners after each step, and each step's class, against what the platform did.
        const observed = live.workspaces.ws;
        const predictedOwners = simulate(
          workspaceModel('ws', observed),
          modelContext(live, 'ws', observed, now, live.platform.recertification ?? {}),
          p.workspaces[0].steps,
        ).ownerCounts.slice(1);
        const ownersNow = () =>
          new Set(
            platform
              .allWorkspaceBindings()
              .filter((b) => b.workspace === 'ws' && b.role === OWNER)
              .map((b) => b.subject),
          ).size;
        const done: Array<{ status: string; owners: number }> = [];
        const report = await apply(api, p, { onStep: (r) => done.push({ status: r.status, owners: ownersNow() }) });
        expect(report.counts.failed).toBe(0);
        expect(done).toEqual(
          p.workspaces[0].steps.map((step, i) => ({
            status:
              approvalOf(step) === 'needs-approval' || approvalOf(step) === 'already-pending'
                ? 'pending-approval'
                : 'applied',
            owners: predictedOwners[i],
          })),
        );
        const again = (await planAgainst(api, target, options, now)).plan;
        expect(again.workspaces.flatMap((w) => w.steps.map(stepSummary))).toEqual([]);
      }),
      { numRuns: RUNS, seed: 20261125 },
    );
    process.stdout.write(
      `plan properties: ${RUNS} cases, ${refused} refused (${RUNS - refused} planned, applied and checked)\n`,
    );
    expect(refused).toBeLessThan(RUNS / 2);
  });
});
