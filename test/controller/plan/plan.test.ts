import type { LiveBinding } from '../../../controller/client/types';
import type { LiveWorkspaceState } from '../../../controller/observe/live-state';
import { bindingName, needsExpiryHistory } from '../../../controller/plan/binding-steps';
import { plan } from '../../../controller/plan/plan';
import { approvalOf } from '../../../controller/plan/steps';
import { findingMessage, stepSummary } from '../../../controller/render/describe';
import type { GrantStep, Plan } from '../../../schemas/plan.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, group, project, user, workspace } from '../../helpers/desired';
import { ownedBy } from '../../helpers/ownership';
import { livePlatform, liveState as live } from '../../helpers/rule-context';

const NOW = new Date('2026-11-25T12:00:00Z');
const OPTIONS = { endpoint: 'http://platform' };

function lb(ws: string, subject: string, role: string, extra: Partial<LiveBinding> = {}): LiveBinding {
  return {
    name: `${ws}-${subject}-${role}`.replace(/\s/g, ''),
    workspace: ws,
    subjectKind: 'User',
    subject,
    role,
    ...extra,
  };
}

/** A live workspace this test stack owns (as meshform leaves the ones it created). */
function liveWs(
  name: string,
  bindings: LiveBinding[],
  { tags, ...extra }: Partial<LiveWorkspaceState> = {},
): LiveWorkspaceState {
  return {
    name,
    displayName: name,
    tags: { ...ownedBy(), ...tags },
    bindings,
    projects: {},
    pendingRequests: [],
    deletingProjects: [],
    status: { name, status: 'active', approval: 'approved', projectQuota: null, projectCount: 0 },
    ...extra,
  };
}

const lines = (p: Plan) => p.workspaces.flatMap((w) => w.steps.map((s) => `${s.action}:${s.reason}:${stepSummary(s)}`));
const notes = (p: Plan, i = 0) => p.workspaces[i].notes.map(findingMessage);
const rules = (p: Plan) => p.refusals.map((r) => r.rule);
const asCaller = (username: string, workspaces: Record<string, string[]> = {}) => ({
  username,
  partner: false,
  workspaces,
});

describe('plan', () => {
  test('is pure: the same inputs give the same plan', () => {
    const d = desired([workspace('a', [binding(OWNER, user('alice'))])]);
    const l = live([liveWs('a', [])]);
    expect(plan(d, l, OPTIONS, NOW)).toEqual(plan(d, l, OPTIONS, NOW));
  });

  test.each([
    [
      'a missing workspace is created with its bindings',
      desired([workspace('a', [binding(OWNER, user('alice'))])]),
      live([]),
      ['create:missing:create workspace a "a"', 'create:missing:grant user alice: Workspace Owner'],
    ],
    [
      'matching state gives no steps',
      desired([workspace('a', [binding(OWNER, user('alice'))])]),
      live([liveWs('a', [lb('a', 'alice', OWNER)])]),
      [],
    ],
    [
      'authoritative: undeclared bindings are drift',
      desired([workspace('a', [binding(OWNER, user('alice'))])]),
      live([liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'eve', MEMBER)])]),
      ['delete:drift:remove user eve: Workspace Member (not in code)'],
    ],
    [
      'additive: undeclared bindings are kept',
      desired([workspace('a', [binding(OWNER, user('alice'))], { additive: true })]),
      live([liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'eve', MEMBER)])]),
      [],
    ],
    [
      'an expired desired binding still on the platform is removed as expired, not drift',
      desired([
        workspace('a', [binding(OWNER, user('alice')), binding(MEMBER, user('eve'), { expiryDate: '2026-11-24' })]),
      ]),
      live([liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'eve', MEMBER, { expiryDate: '2026-11-24' })])]),
      ['delete:expired:remove user eve: Workspace Member until 2026-11-24 (expired)'],
    ],
    [
      'an expired desired binding that is gone is not granted again',
      desired([
        workspace('a', [binding(OWNER, user('alice')), binding(MEMBER, user('eve'), { expiryDate: '2026-11-24' })]),
      ]),
      live([liveWs('a', [lb('a', 'alice', OWNER)])]),
      [],
    ],
    [
      'an undeclared but expired live binding is labelled expired (additive too)',
      desired([workspace('a', [binding(OWNER, user('alice'))], { additive: true })]),
      live([liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'eve', MEMBER, { expiryDate: '2026-11-20' })])]),
      ['delete:expired:remove user eve: Workspace Member until 2026-11-20 (expired)'],
    ],
    [
      'a date-time expiry is compared by the day the API keeps for workspace bindings',
      desired([
        workspace('a', [
          binding(OWNER, user('alice')),
          binding(MEMBER, user('eve'), { expiryDate: '2026-12-01T10:00:00Z' }),
        ]),
      ]),
      live([liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'eve', MEMBER, { expiryDate: '2026-12-01' })])]),
      [],
    ],
    [
      'an expiry the platform assigned (recertification) is not a change',
      desired([workspace('a', [binding(OWNER, user('alice')), binding(MEMBER, user('eve'))])]),
      live([liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'eve', MEMBER, { expiryDate: '2027-05-24' })])], {
        platform: livePlatform({ recertification: { [MEMBER]: 180 } }),
      }),
      [],
    ],
    [
      'display name and tags are updated, with before and after',
      desired([workspace('a', [binding(OWNER, user('alice'))], { displayName: 'New', tags: { cc: ['1'] } })]),
      // The platform has meshform's ownership tag definition, so a workspace tag needs a definition too.
      live([liveWs('a', [lb('a', 'alice', OWNER)], { displayName: 'Old' })], {
        tagDefinitions: [
          {
            metadata: { name: 'meshWorkspace.cc' },
            spec: {
              targetKind: 'meshWorkspace',
              key: 'cc',
              displayName: 'cc',
              valueType: { string: {} },
              restricted: false,
              mandatory: false,
              immutable: false,
            },
          },
        ],
      }),
      ['update:changed:update workspace a: display name; tag cc'],
    ],
    [
      'quota is raised before projects are created',
      desired([
        workspace('a', [binding(OWNER, user('alice'))], {
          projectQuota: 2,
          projects: [project('a', 'p1'), project('a', 'p2')],
        }),
      ]),
      live([
        liveWs('a', [lb('a', 'alice', OWNER)], {
          status: { name: 'a', status: 'active', approval: 'approved', projectQuota: 1, projectCount: 0 },
        }),
      ]),
      [
        'update:changed:set project quota of a: 1 → 2',
        'create:missing:create project p1 "p1"',
        'create:missing:create project p2 "p2"',
      ],
    ],
    [
      'a project grant whose subject has no workspace role yet comes after the workspace grant',
      desired([
        workspace('a', [binding(OWNER, user('alice')), binding(MEMBER, user('eve'))], {
          projects: [project('a', 'p', [binding('Project User', user('eve'))])],
        }),
      ]),
      live([
        liveWs('a', [lb('a', 'alice', OWNER)], {
          projects: { p: { workspace: 'a', name: 'p', displayName: 'p', tags: {}, bindings: [] } },
        }),
      ]),
      ['create:missing:grant user eve: Workspace Member', 'create:missing:grant user eve: Project User on project p'],
    ],
    [
      'project binding removals come before workspace binding removals',
      desired([workspace('a', [binding(OWNER, user('alice'))], { projects: [project('a', 'p')] })]),
      live([
        liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'eve', MEMBER)], {
          projects: {
            p: {
              workspace: 'a',
              name: 'p',
              displayName: 'p',
              tags: {},
              bindings: [lb('a', 'eve', 'Project User', { project: 'p' })],
            },
          },
        }),
      ]),
      [
        'delete:drift:remove user eve: Project User on project p (not in code)',
        'delete:drift:remove user eve: Workspace Member (not in code)',
      ],
    ],
    [
      'an invitation is satisfied by the user who accepted it',
      desired([
        workspace('a', [
          binding(OWNER, user('alice')),
          binding(MEMBER, {
            kind: 'User',
            name: 'frank@x.io',
            invitation: { firstName: 'F', lastName: 'N', email: 'frank@x.io' },
          }),
        ]),
      ]),
      live([liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'frank', MEMBER)])], {
        usersByEmail: { 'frank@x.io': 'frank' },
      }),
      [],
    ],
    [
      'undeclared live projects are never deleted',
      desired([workspace('a', [binding(OWNER, user('alice'))])]),
      live([
        liveWs('a', [lb('a', 'alice', OWNER)], {
          projects: { old: { workspace: 'a', name: 'old', displayName: 'Old', tags: {}, bindings: [] } },
        }),
      ]),
      [],
    ],
  ])('%s', (_name, d, l, expected) => {
    const p = plan(d, l, OPTIONS, NOW);
    expect(p.refusals).toEqual([]);
    expect(lines(p)).toEqual(expected);
  });

  describe('owner ordering', () => {
    test.each([
      [
        'one Owner replaced: add first, then remove',
        ['alice'],
        ['dave'],
        ['grant user dave', 'remove user alice'],
        [1, 2, 1],
      ],
      [
        'two Owners, one replaced: remove first',
        ['alice', 'bob'],
        ['alice', 'dave'],
        ['remove user bob', 'grant user dave'],
        [2, 1, 2],
      ],
      [
        'two Owners both replaced: alternate',
        ['alice', 'bob'],
        ['carol', 'dave'],
        ['remove user alice', 'grant user carol', 'remove user bob', 'grant user dave'],
        [2, 1, 2, 1, 2],
      ],
      ['from none to two', [], ['alice', 'bob'], ['grant user alice', 'grant user bob'], [0, 1, 2]],
    ])('%s', (_name, before, after, order, counts) => {
      const d = desired([
        workspace(
          'a',
          after.map((u) => binding(OWNER, user(u))),
        ),
      ]);
      const l = live([
        liveWs(
          'a',
          before.map((u) => lb('a', u, OWNER)),
        ),
      ]);
      const p = plan(d, l, OPTIONS, NOW);
      expect(p.refusals).toEqual([]);
      expect(p.workspaces[0].steps.map((s) => stepSummary(s).replace(/: Workspace Owner.*/, ''))).toEqual(order);
      let owners = before.length;
      const seen = [owners];
      for (const s of p.workspaces[0].steps) seen.push((owners += s.action === 'create' ? 1 : -1));
      expect(seen).toEqual(counts);
      expect(Math.max(...seen)).toBeLessThanOrEqual(2);
    });
  });

  describe('4-eyes classification', () => {
    const fourEyes = (min = 2) => ({
      version: 'x',
      fourEyes: { enabled: true, minApprovalCount: min },
      recertification: {},
      capabilities: ['role-requests' as const, 'whoami' as const],
    });
    const d = desired([
      workspace('a', [
        binding(OWNER, user('alice')),
        binding(MANAGER, user('bob')),
        binding(MEMBER, user('carol')),
        binding(MEMBER, group('devs')),
      ]),
    ]);
    const base = [lb('a', 'alice', OWNER), lb('a', 'bob', MANAGER)];
    test.each([
      ['partner: auto', { username: 'partner.admin', partner: true, workspaces: {} }, fourEyes(), [], ['auto', 'auto']],
      [
        'manager with another manager: needs approval (users), auto (groups)',
        asCaller('bob', { a: [MANAGER] }),
        fourEyes(),
        [],
        ['needs-approval', 'auto'],
      ],
      ['minimum of one: auto', asCaller('bob', { a: [MANAGER] }), fourEyes(1), [], ['auto', 'auto']],
      [
        'a pending request: already pending',
        asCaller('bob', { a: [MANAGER] }),
        fourEyes(),
        [
          {
            id: 'r1',
            status: 'PENDING' as const,
            workspace: 'a',
            bindingName: 'x',
            subjectKind: 'User' as const,
            subject: 'carol',
            role: MEMBER,
            requestedBy: 'bob',
            requestedAt: '',
            approvals: ['bob'],
          },
        ],
        ['already-pending', 'auto'],
      ],
    ])('%s', (_name, caller, platform, pendingRequests, expected) => {
      const p = plan(d, live([liveWs('a', base, { pendingRequests })], { caller, platform }), OPTIONS, NOW);
      expect(p.workspaces[0].steps.map(approvalOf)).toEqual(expected);
    });

    test('approvers are the other managers and a partner, never the caller', () => {
      const p = plan(
        d,
        live([liveWs('a', base)], { caller: asCaller('bob', { a: [MANAGER] }), platform: fourEyes() }),
        OPTIONS,
        NOW,
      );
      expect((p.workspaces[0].steps[0] as GrantStep).approvers).toEqual(['alice', 'a partner']);
    });

    test('a project grant waits while its subject’s workspace grant waits for approval', () => {
      const dp = desired([
        workspace('a', [...d.workspaces[0].bindings], {
          projects: [project('a', 'p', [binding('Project User', user('carol'))])],
        }),
      ]);
      const l = live(
        [
          liveWs('a', base, {
            projects: { p: { workspace: 'a', name: 'p', displayName: 'p', tags: {}, bindings: [] } },
          }),
        ],
        {
          caller: asCaller('bob', { a: [MANAGER] }),
          platform: fourEyes(),
        },
      );
      const p = plan(dp, l, OPTIONS, NOW);
      expect(p.workspaces[0].steps.some((s) => 'project' in s && s.project === 'p')).toBe(false);
      expect(notes(p)).toContainEqual(
        expect.stringMatching(
          /user "carol" as "Project User" on project "p": waits until the workspace role of carol is approved/,
        ),
      );
    });
  });

  describe('refusals', () => {
    test.each([
      [
        'three Owners',
        desired([
          workspace(
            'a',
            ['x', 'y', 'z'].map((u) => binding(OWNER, user(u))),
          ),
        ]),
        live([liveWs('a', [])]),
        ['owner-limit'],
      ],
      [
        'the last Owner removed',
        desired([workspace('a', [binding(MANAGER, user('alice'))])]),
        live([liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'alice', MANAGER)])]),
        ['last-owner'],
      ],
      [
        // The dry run follows the platform step by step: the quota is set first, then the second project does not fit.
        'quota below the projects it will have',
        desired([
          workspace('a', [binding(OWNER, user('alice'))], {
            projectQuota: 1,
            projects: [project('a', 'p1'), project('a', 'p2')],
          }),
        ]),
        live([liveWs('a', [lb('a', 'alice', OWNER)])]),
        ['quota-reached'],
      ],
      [
        'an apparent identifier change of a project',
        desired([
          workspace('a', [binding(OWNER, user('alice'))], {
            projects: [project('a', 'web-new', [], { displayName: 'Web' })],
          }),
        ]),
        live([
          liveWs('a', [lb('a', 'alice', OWNER)], {
            projects: { web: { workspace: 'a', name: 'web', displayName: 'Web', tags: {}, bindings: [] } },
          }),
        ]),
        ['identifier-change'],
      ],
      [
        'a referenced workspace that does not exist',
        desired([workspace('a', [binding(MEMBER, user('x'))], { referenced: true })]),
        live([]),
        ['referenced-missing'],
      ],
      [
        'deleting a workspace that keeps projects',
        desired([workspace('a', [binding(OWNER, user('alice'))], { deletion: 'gone' })]),
        live([
          liveWs('a', [lb('a', 'alice', OWNER)], {
            projects: { p: { workspace: 'a', name: 'p', displayName: 'p', tags: {}, bindings: [] } },
          }),
        ]),
        ['workspace-has-projects'],
      ],
      [
        'an expiry beyond the platform’s recertification maximum',
        desired([
          workspace('a', [binding(OWNER, user('alice')), binding(MEMBER, user('eve'), { expiryDate: '2027-11-25' })]),
        ]),
        live([liveWs('a', [lb('a', 'alice', OWNER)])], {
          platform: livePlatform({ recertification: { [MEMBER]: 90 } }),
        }),
        ['expiry-beyond-recertification'],
      ],
    ])('%s', (_name, d, l, expected) => {
      expect(rules(plan(d, l, OPTIONS, NOW))).toEqual(expected);
    });

    const manager = asCaller('bob', { a: [MANAGER] });
    test.each([
      [
        'restricted tags without partner rights',
        desired([
          workspace('a', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))], { tags: { secret: ['x'] } }),
        ]),
        {
          tagDefinitions: [
            {
              metadata: { name: 'meshWorkspace.secret' },
              spec: {
                targetKind: 'meshWorkspace' as const,
                key: 'secret',
                displayName: 's',
                valueType: { string: {} },
                restricted: true,
                mandatory: false,
                immutable: false,
              },
            },
          ],
        },
        ['restricted-tag'],
      ],
      [
        // Issue 20: the client threw SyntaxError, then called it a bad value; the platform (Java) may well accept it.
        'a tag value under a live definition whose regex JavaScript cannot compile',
        desired([
          workspace('a', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))], { tags: { env: ['dev'] } }),
        ]),
        {
          tagDefinitions: [
            {
              metadata: { name: 'meshWorkspace.env' },
              spec: {
                targetKind: 'meshWorkspace' as const,
                key: 'env',
                displayName: 'env',
                valueType: { string: { validationRegex: '(?i)^dev$' } },
                restricted: false,
                mandatory: false,
                immutable: false,
              },
            },
          ],
        },
        ['tag-regex-invalid'],
      ],
      [
        'a quota change without partner rights',
        desired([workspace('a', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))], { projectQuota: 3 })]),
        {},
        ['quota-needs-partner'],
      ],
      [
        'an Owner grant by a Manager while there is an Owner',
        desired([
          workspace('a', [binding(OWNER, user('alice')), binding(OWNER, user('carol')), binding(MANAGER, user('bob'))]),
        ]),
        {},
        ['owner-grant-rights'],
      ],
      [
        'removing the caller’s own Manager role',
        desired([workspace('a', [binding(OWNER, user('alice'))])]),
        {},
        ['self-lockout'],
      ],
    ])('%s (caller is a Manager)', (_name, d, extra, expected) => {
      const l = live([liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'bob', MANAGER)])], { caller: manager, ...extra });
      expect(rules(plan(d, l, OPTIONS, NOW))).toEqual(expected);
    });

    test.each([
      [
        'a Member whose plan grants a role',
        [binding(OWNER, user('alice')), binding(MEMBER, user('dave')), binding(MEMBER, user('erin'))],
        ['caller-rights'],
      ],
      ['a Member whose plan has nothing to do', [binding(OWNER, user('alice')), binding(MEMBER, user('dave'))], []],
    ])('%s (caller is only a Member)', (_name, bindings, expected) => {
      const l = live([liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'dave', MEMBER)])], {
        caller: asCaller('dave', { a: [MEMBER] }),
      });
      const p = plan(desired([workspace('a', bindings)]), l, OPTIONS, NOW);
      expect(rules(p)).toEqual(expected);
      if (expected.length)
        expect(findingMessage(p.refusals[0])).toBe(
          'dave holds Workspace Member in "a": only its Workspace Owners and Managers (or a partner) manage access and projects; apply this workspace with such a key.',
        );
    });
  });

  describe('workspace states', () => {
    test('changes to a workspace waiting for approval are refused when the caller is not a partner', () => {
      const l = live(
        [
          liveWs('a', [], {
            status: { name: 'a', status: 'active', approval: 'pending', projectQuota: null, projectCount: 0 },
          }),
        ],
        { caller: asCaller('alice', { a: [OWNER] }) },
      );
      const p = plan(
        desired([workspace('a', [binding(OWNER, user('alice')), binding(MEMBER, user('x'))])]),
        l,
        OPTIONS,
        NOW,
      );
      expect(p.workspaces[0].state).toBe('pending-approval');
      expect(rules(p)).toEqual(['workspace-not-writable']);
      expect(findingMessage(p.refusals[0])).toMatch(/waits for a partner's approval of its registration/);
    });

    test('changes to a disabled workspace are refused for a non-partner; a partner may make them', () => {
      const disabled = {
        status: {
          name: 'a',
          status: 'disabled' as const,
          approval: 'approved' as const,
          projectQuota: null,
          projectCount: 0,
        },
      };
      const d = desired([
        workspace('a', [binding(OWNER, user('alice')), binding(MEMBER, user('x'))], { status: 'disabled' }),
      ]);
      const asOwner = plan(
        d,
        live([liveWs('a', [lb('a', 'alice', OWNER)], disabled)], { caller: asCaller('alice', { a: [OWNER] }) }),
        OPTIONS,
        NOW,
      );
      expect(rules(asOwner)).toEqual(['workspace-not-writable']);
      const asPartner = plan(d, live([liveWs('a', [lb('a', 'alice', OWNER)], disabled)]), OPTIONS, NOW);
      expect(rules(asPartner)).toEqual([]);
      // Nothing to change: nothing refused.
      const unchanged = plan(
        desired([workspace('a', [binding(OWNER, user('alice'))], { status: 'disabled' })]),
        live([liveWs('a', [lb('a', 'alice', OWNER)], disabled)], { caller: asCaller('alice', { a: [OWNER] }) }),
        OPTIONS,
        NOW,
      );
      expect(unchanged.refusals).toEqual([]);
    });

    test('without quota and status endpoints, the plan says what it cannot enforce', () => {
      const l = live([liveWs('a', [lb('a', 'alice', OWNER)])], {
        platform: { version: 'x', fourEyes: { enabled: false, minApprovalCount: 2 }, capabilities: [] },
        caller: undefined,
      });
      const p = plan(
        desired([workspace('a', [binding(OWNER, user('alice'))], { projectQuota: 3, status: 'disabled' })]),
        l,
        OPTIONS,
        NOW,
      );
      expect(notes(p)).toEqual([
        'cannot enforce status: the platform has no workspace status endpoint.',
        'cannot enforce the project quota: the platform has no workspace quota endpoint.',
      ]);
      expect(p.warnings.map(findingMessage)).toEqual([expect.stringMatching(/does not tell who is calling/)]);
    });
  });

  describe('recertification: a lapsed binding is granted again only with a new expiry in code', () => {
    const expired = (subject: string, role: string, expiryDate: string, extra: { project?: string } = {}) => ({
      subjectKind: 'User' as const,
      subject,
      role,
      at: `${expiryDate}T23:59:59.000Z`,
      expiryDate,
      ...extra,
    });
    const team = (bob: { expiryDate?: string } = {}) =>
      desired([
        workspace('a', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'), bob)], {
          projects: [project('a', 'web', [binding('Project User', user('bob'), bob)])],
        }),
      ]);
    const platform = (recertification: Record<string, number> | undefined) => ({
      version: 'x',
      fourEyes: { enabled: false, minApprovalCount: 2 },
      ...(recertification ? { recertification } : {}),
      capabilities: ['events' as const, 'settings' as const, 'project-binding-expiry' as const],
    });
    const observed = (
      expiredBindings: ReturnType<typeof expired>[] | undefined,
      recertification: Record<string, number> | undefined = { [MANAGER]: 30 },
    ) =>
      live(
        [
          liveWs('a', [lb('a', 'alice', OWNER)], {
            projects: { web: { name: 'web', workspace: 'a', displayName: 'web', tags: {}, bindings: [] } },
            ...(expiredBindings ? { expiredBindings } : {}),
          }),
        ],
        { platform: platform(recertification) },
      );
    test.each([
      [
        'the history shows it expired: due, not granted (nor the project role that needs it)',
        team(),
        observed([expired('bob', MANAGER, '2026-11-20')]),
        [],
        [
          /user "bob" as "Workspace Manager": recertification due, the binding expired on 2026-11-20\. .*\(at most 30 days ahead\)/,
          /user "bob" as "Project User" on project "web": not granted, bob has no workspace role since it expired on 2026-11-20/,
        ],
      ],
      [
        'the latest of several expiries is named',
        team(),
        observed([expired('bob', MANAGER, '2026-09-01'), expired('bob', MANAGER, '2026-11-20')]),
        [],
        [/expired on 2026-11-20/, /since it expired on 2026-11-20/],
      ],
      [
        'a new expiry in code grants it again',
        team({ expiryDate: '2026-12-20' }),
        observed([expired('bob', MANAGER, '2026-11-20')]),
        [
          'create:missing:grant user bob: Workspace Manager until 2026-12-20',
          'create:missing:grant user bob: Project User on project web until 2026-12-20',
        ],
        [],
      ],
      [
        'no expiry in the history: a first grant',
        team(),
        observed([]),
        [
          'create:missing:grant user bob: Workspace Manager',
          'create:missing:grant user bob: Project User on project web',
        ],
        // The platform recertifies the role: the reviewer learns when the open grant lapses.
        [
          /user "bob" as "Workspace Manager": the platform gives this binding an expiry, 2026-12-25 \(recertification every 30 days\)/,
        ],
      ],
      [
        'another role expired, not this one',
        team(),
        observed([expired('bob', MEMBER, '2026-11-20')]),
        [
          'create:missing:grant user bob: Workspace Manager',
          'create:missing:grant user bob: Project User on project web',
        ],
        // The platform recertifies the role: the reviewer learns when the open grant lapses.
        [
          /user "bob" as "Workspace Manager": the platform gives this binding an expiry, 2026-12-25 \(recertification every 30 days\)/,
        ],
      ],
      [
        'the platform does not recertify the role: the code decides',
        team(),
        observed([expired('bob', MANAGER, '2026-11-20')], {}),
        [
          'create:missing:grant user bob: Workspace Manager',
          'create:missing:grant user bob: Project User on project web',
        ],
        [],
      ],
      [
        'a past expiry in code: due (workspace role); a project role is just not granted',
        team({ expiryDate: '2026-11-20' }),
        observed([]),
        [],
        [
          /user "bob" as "Workspace Manager": recertification due, the binding expired on 2026-11-20/,
          /user "bob" as "Project User" on project "web": expired 2026-11-20; not granted again/,
        ],
      ],
    ])('%s', (_name, d, l, expectedSteps, expectedNotes) => {
      const p = plan(d, l, OPTIONS, NOW);
      expect(lines(p)).toEqual(expectedSteps);
      expect(notes(p).filter((n) => !n.includes('waits until'))).toEqual(
        expectedNotes.map((r) => expect.stringMatching(r)),
      );
    });

    test('the history is read only where a binding declared without expiry, of a role that may be recertified, is missing', () => {
      const [d] = team().workspaces;
      expect(needsExpiryHistory(d, observed(undefined).workspaces.a, observed(undefined))).toBe(true);
      const withBob = live(
        [liveWs('a', [lb('a', 'alice', OWNER), lb('a', 'bob', MANAGER, { expiryDate: '2026-12-20' })])],
        { platform: platform({ [MANAGER]: 30 }) },
      );
      expect(needsExpiryHistory(d, withBob.workspaces.a, withBob)).toBe(false);
      expect(needsExpiryHistory(d, observed(undefined, {}).workspaces.a, observed(undefined, {}))).toBe(false);
      expect(
        needsExpiryHistory(
          team({ expiryDate: '2026-12-20' }).workspaces[0],
          observed(undefined).workspaces.a,
          observed(undefined),
        ),
      ).toBe(false);
      expect(needsExpiryHistory(d, undefined, observed(undefined))).toBe(false);
    });
  });

  describe('nothing makes every apply fail: bindings on projects that are not there are not granted', () => {
    const proj = { name: 'web', workspace: 'a', displayName: 'web', tags: {}, bindings: [] };
    test.each([
      ['marked for deletion and gone', { deletion: 'retired' }, {}, [], [], []],
      [
        'marked for deletion and still being deleted',
        { deletion: 'retired' },
        { deletingProjects: ['web'] },
        [],
        [],
        [],
      ],
      [
        'marked for deletion and live: deleted, its bindings not granted',
        { deletion: 'retired' },
        { projects: { web: proj } },
        ['delete:declared-deletion:delete project web (retired)'],
        [],
        [],
      ],
      [
        'declared, but deleted on the platform meanwhile: refused (not an apply that fails)',
        {},
        { deletingProjects: ['web'] },
        ['create:missing:create project web "web"'],
        [],
        ['identifier-being-deleted'],
      ],
    ])('%s', (_name, extra, liveExtra, expectedSteps, expectedNotes, expectedRefusals) => {
      const d = desired([
        workspace('a', [binding(OWNER, user('alice'))], {
          projects: [project('a', 'web', [binding('Project User', user('alice'))], extra)],
        }),
      ]);
      const p = plan(d, live([liveWs('a', [lb('a', 'alice', OWNER)], liveExtra)]), OPTIONS, NOW);
      expect(lines(p)).toEqual(expectedSteps);
      expect(notes(p)).toEqual(expectedNotes);
      expect(rules(p)).toEqual(expectedRefusals);
    });
  });

  test('binding names are stable and distinct per workspace, project, subject and role', () => {
    const a = bindingName('ws', undefined, user('bob'), MEMBER);
    expect(bindingName('ws', undefined, user('bob'), MEMBER)).toBe(a);
    expect(
      new Set([
        a,
        bindingName('ws', 'p', user('bob'), MEMBER),
        bindingName('ws', undefined, group('bob'), MEMBER),
        bindingName('ws', undefined, user('bob'), MANAGER),
        bindingName('ws2', undefined, user('bob'), MEMBER),
      ]).size,
    ).toBe(5);
    expect(a).toMatch(/^mf-[0-9a-f]{24}$/);
  });

  test('the summary counts adds, changes, removals, expired and approvals', () => {
    const d = desired([
      workspace(
        'a',
        [
          binding(OWNER, user('alice')),
          binding(MEMBER, user('new')),
          binding(MEMBER, user('old'), { expiryDate: '2026-11-01' }),
        ],
        { displayName: 'A2' },
      ),
    ]);
    const l = live([
      liveWs('a', [
        lb('a', 'alice', OWNER),
        lb('a', 'old', MEMBER, { expiryDate: '2026-11-01' }),
        lb('a', 'drift', MEMBER),
      ]),
    ]);
    expect(plan(d, l, OPTIONS, NOW).summary).toEqual({
      add: 1,
      change: 1,
      remove: 1,
      expired: 1,
      needApproval: 0,
      alreadyPending: 0,
    });
  });
});
