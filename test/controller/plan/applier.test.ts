/**
 * A reviewed plan does not depend on who applies it: under 4-eyes, the steps a plan takes (which,
 * in which order, as a reviewer approves them) are the same whichever key plans, a partner's, an
 * Owner's, a Manager's, a Member's or one the platform does not name. Only what the platform will
 * answer that caller (a grant's approval class and approvers, the caller's own rights) differs.
 */
import fc from 'fast-check';
import type { LiveBinding } from '../../../controller/client/types';
import type { Identity } from '../../../controller/client/types';
import type { LiveState, LiveWorkspaceState } from '../../../controller/observe/live-state';
import { plan } from '../../../controller/plan/plan';
import { reviewedStep } from '../../../controller/plan/steps';
import { OWNERSHIP_TAG_DEFINITION } from '../../../core/rules';
import { MANAGER, MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';
import { ownedBy } from '../../helpers/ownership';

const NOW = new Date('2026-11-25T12:00:00Z');
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const ROLES = [OWNER, MANAGER, MEMBER];
const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString().slice(0, 10);

const bindingsArb = fc
  .uniqueArray(
    fc.record({
      role: fc.constantFrom(...ROLES),
      user: fc.constantFrom(...USERS),
      expires: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    }),
    { selector: (b) => `${b.role}|${b.user}`, maxLength: 7 },
  )
  .filter((bs) => bs.filter((b) => b.role === OWNER).length <= 2);

const caseArb = fc.record({
  before: bindingsArb,
  after: bindingsArb,
  projectUsers: fc.subarray(USERS),
  authoritative: fc.boolean(),
  min: fc.integer({ min: 1, max: 3 }),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function liveOf(c: Case, caller: Identity | undefined): LiveState {
  const bindings: LiveBinding[] = c.before.map((b) => ({
    name: `ws-${b.user}-${b.role.replace(/\s/g, '')}`,
    workspace: 'ws',
    subjectKind: 'User',
    subject: b.user,
    role: b.role,
    ...(b.expires === undefined ? {} : { expiryDate: day(b.expires) }),
  }));
  const ws: LiveWorkspaceState = {
    name: 'ws',
    displayName: 'ws',
    tags: ownedBy(),
    bindings,
    projects: { p: { workspace: 'ws', name: 'p', displayName: 'p', tags: {}, bindings: [] } },
    pendingRequests: [],
    deletingProjects: [],
    status: { name: 'ws', status: 'active', approval: 'approved', projectQuota: null, projectCount: 1 },
  };
  return {
    observedAt: NOW.toISOString(),
    platform: {
      version: '2026.34.0',
      fourEyes: { enabled: true, minApprovalCount: c.min },
      recertification: {},
      capabilities: ['role-requests', 'whoami', 'settings', 'project-binding-expiry'],
    },
    ...(caller ? { caller } : {}),
    tagDefinitions: [OWNERSHIP_TAG_DEFINITION],
    workspaces: { ws },
    usersByEmail: {},
    deletedWorkspaces: [],
  };
}

/** Every key that may plan or apply: a partner, each user with the roles the live workspace gives them, and one the platform does not name. */
function callers(c: Case): Array<Identity | undefined> {
  const roles = (u: string) => [...new Set(c.before.filter((b) => b.user === u).map((b) => b.role))];
  return [
    { username: 'partner.admin', partner: true, workspaces: {} },
    ...USERS.map((u) => ({ username: u, partner: false, workspaces: { ws: roles(u) } })),
    undefined,
  ];
}

const reviewed = (c: Case, caller: Identity | undefined) => {
  const d = desired([
    workspace(
      'ws',
      c.after.map((b) => binding(b.role, user(b.user), b.expires === undefined ? {} : { expiryDate: day(b.expires) })),
      {
        additive: !c.authoritative,
        projects: [
          project(
            'ws',
            'p',
            c.projectUsers.map((u) => binding('Project User', user(u))),
          ),
        ],
      },
    ),
  ]);
  const p = plan(d, liveOf(c, caller), { endpoint: 'http://platform' }, NOW);
  return { digest: p.digest, steps: p.workspaces.flatMap((w) => w.steps.map(reviewedStep)) };
};

describe('a plan under 4-eyes, whoever plans it', () => {
  test('has the same steps (and digest) for every caller', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const [first, ...others] = callers(c).map((who) => reviewed(c, who));
        for (const other of others) expect(other).toEqual(first);
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });

  test('a renewal planned by a Manager (the grant waits) and by a partner (it would not) keeps the old binding in both', () => {
    const c: Case = {
      before: [
        { role: OWNER, user: 'alice', expires: undefined },
        { role: MANAGER, user: 'bob', expires: undefined },
        { role: MEMBER, user: 'carol', expires: 10 },
      ],
      after: [
        { role: OWNER, user: 'alice', expires: undefined },
        { role: MANAGER, user: 'bob', expires: undefined },
        { role: MEMBER, user: 'carol', expires: 40 },
      ],
      projectUsers: [],
      authoritative: true,
      min: 2,
    };
    const [partner, , bob] = callers(c);
    expect(reviewed(c, bob)).toEqual(reviewed(c, partner));
  });
});
