/**
 * One property over random desired and observed states, run on any platform of test/helpers/platforms
 * (the fake in the unit tier, the sandbox over HTTP in the contract suite): apply(plan) then plan is
 * empty; counted along the plan's own steps, a workspace never has more than two Owners (nor none,
 * once it had one); and per step, what the plan predicts (its dry run: the approval class, the Owners
 * after the step) is what the platform then does.
 */
import fc from 'fast-check';
import { type StepResult, apply } from '../../controller/apply/apply';
import type { ApiClient } from '../../controller/client/api';
import { modelContext, simulate, workspaceModel } from '../../controller/plan/simulate';
import { approvalOf, roleOf } from '../../controller/plan/steps';
import { planAgainst } from '../../controller/run';
import type { Workspace } from '../../schemas/desired-state.generated';
import type { Step } from '../../schemas/plan.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, project, user, workspace } from './desired';
import type { TestPlatform } from './platforms';
import { PARTNER } from './sandbox';
import { stepsLeftAfter } from './convergence';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const ROLES = [OWNER, MANAGER, MEMBER];

type Bindings = Array<{ role: string; user: string; expires?: number }>;

/** A workspace's bindings: unique (role, user) pairs with at most two Owners (the manifest rule). */
const bindingsArb = fc
  .uniqueArray(
    fc.record({
      role: fc.constantFrom(...ROLES),
      user: fc.constantFrom(...USERS),
      expires: fc.option(fc.integer({ min: -5, max: 60 }), { nil: undefined }),
    }),
    { selector: (b) => `${b.role}|${b.user}`, maxLength: 8 },
  )
  .filter((bs) => bs.filter((b) => b.role === OWNER).length <= 2);

/**
 * Who makes the second plan: the partner (grants take effect at once), or alice, an Owner of the
 * workspace before and after (under 4-eyes her user grants wait while another manager exists).
 */
export const caseArb = fc.record({
  before: bindingsArb,
  after: bindingsArb,
  projectUsersBefore: fc.subarray(USERS),
  projectUsersAfter: fc.subarray(USERS),
  authoritative: fc.boolean(),
  actor: fc.constantFrom(PARTNER, 'alice'),
  fourEyes: fc.boolean(),
});
export type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

const day = (now: Date, n: number) => new Date(now.getTime() + n * 86_400_000).toISOString().slice(0, 10);

/** alice's bindings replaced by an Owner binding without expiry, keeping at most one other Owner. */
function withAliceOwner(bs: Bindings): Bindings {
  const others = bs.filter((b) => b.user !== 'alice');
  const owner = others.find((b) => b.role === OWNER);
  return [{ role: OWNER, user: 'alice' }, ...others.filter((b) => b.role !== OWNER || b === owner)];
}

function toWorkspace(name: string, bs: Bindings, projectUsers: string[], now: Date, authoritative = true): Workspace {
  const members = new Set(bs.filter((b) => b.expires === undefined || b.expires >= 0).map((b) => b.user));
  return workspace(
    name,
    bs.map((b) => binding(b.role, user(b.user), b.expires === undefined ? {} : { expiryDate: day(now, b.expires) })),
    {
      additive: !authoritative,
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

const WRITES = ['workspaces', 'projects', 'bindings'] as const;

/**
 * The client with every write followed by `after` (before the write's promise settles): apply
 * reports a step once its writes are done, so what `after` last read is the state the step left.
 */
function readingAfterWrites(api: ApiClient, after: () => Promise<void>): ApiClient {
  const wrap = <T extends object>(group: T): T =>
    new Proxy(group, {
      get: (target, key, receiver) => {
        const v = Reflect.get(target, key, receiver);
        if (typeof v !== 'function' || !['create', 'update', 'delete'].includes(String(key))) return v;
        return async (...args: unknown[]) => {
          const out = await v.apply(target, args);
          await after();
          return out;
        };
      },
    });
  return new Proxy(api, {
    get: (target, key, receiver) => {
      const v = Reflect.get(target, key, receiver);
      return (WRITES as readonly PropertyKey[]).includes(key) ? wrap(v) : v;
    },
  });
}

/** The status apply reports for a step, by the plan's prediction. */
const predictedStatus = (step: Step) =>
  approvalOf(step) === 'needs-approval' || approvalOf(step) === 'already-pending' ? 'pending-approval' : 'applied';

/**
 * Runs one case on the platform in workspace `ws` (fresh: never used before on this platform).
 * Returns 'refused' when the second plan refuses (nothing to hold), else checks and returns 'checked'.
 */
export async function checkPredictions(p: TestPlatform, s: Case, ws: string): Promise<'refused' | 'checked'> {
  const partner = p.client(PARTNER);
  await p.setFourEyes(s.fourEyes, 2);
  const api = p.client(s.actor);
  const now = await p.now();
  const options = { endpoint: p.endpoint };
  const aliceActs = s.actor === 'alice';
  const before = aliceActs ? withAliceOwner(s.before) : s.before;
  const after = aliceActs ? withAliceOwner(s.after) : s.after;
  // Observed state: whatever an earlier apply (by the partner) left behind; Owners only if they were valid then.
  const first = desired([
    toWorkspace(
      ws,
      before.filter((b) => b.expires === undefined || b.expires >= 0),
      s.projectUsersBefore,
      now,
    ),
  ]);
  const seeded = (await planAgainst(partner, first, options, now)).plan;
  if (seeded.refusals.length === 0) await apply(partner, seeded);
  const target = desired([toWorkspace(ws, after, s.projectUsersAfter, now, s.authoritative)]);
  const { plan: planned, live } = await planAgainst(api, target, options, now);
  if (planned.refusals.length) return 'refused';
  const steps = planned.workspaces.find((w) => w.name === ws)?.steps ?? [];
  const liveOwners = (live.workspaces[ws]?.bindings ?? []).filter((b) => b.role === OWNER);
  const counts = ownersAlong(steps, liveOwners);
  expect(Math.max(...counts)).toBeLessThanOrEqual(2);
  if (counts[0] > 0 && counts[counts.length - 1] > 0) expect(Math.min(...counts)).toBeGreaterThan(0);

  // The dry run's Owners after each step, and each step's class, against what the platform did.
  const observed = live.workspaces[ws];
  const predictedOwners = simulate(
    workspaceModel(ws, observed),
    modelContext(live, ws, observed, now, live.platform.recertification ?? {}),
    steps,
  ).ownerCounts.slice(1);
  const ownersNow = async () =>
    new Set(
      (await partner.bindings.listWorkspaceBindings({ workspace: ws }))
        .filter((b) => b.role === OWNER)
        .map((b) => b.subject),
    ).size;
  let owners = await ownersNow();
  const done: Array<{ step: string; status: StepResult['status']; owners: number }> = [];
  const reading = readingAfterWrites(api, async () => void (owners = await ownersNow()));
  const report = await apply(reading, planned, {
    onStep: (r) => done.push({ step: r.step.id, status: r.status, owners }),
  });
  expect(report.counts.failed).toBe(0);
  expect(done).toEqual(
    steps.map((step, i) => ({ step: step.id, status: predictedStatus(step), owners: predictedOwners[i] })),
  );
  // A grant that waits for approval stays a change to make; otherwise the platform now matches the code.
  if (!done.some((d) => d.status === 'pending-approval')) {
    const replan = async () => (await planAgainst(api, target, options, now)).plan;
    expect(await stepsLeftAfter(planned, replan, api)).toEqual([]);
  }
  return 'checked';
}
