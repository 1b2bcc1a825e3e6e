/**
 * The platform model's transitions, one table per rule of the seeds (meshWorkspaces, Roles
 * Recertification, the 4-eyes principle, Guide: Emergency Users, Workspace Deletion). Pure: a state
 * in, the new state, the approval class and the refusal out.
 */
import type { TagDefinition } from '../../../schemas/desired-state.generated';
import {
  type ModelBinding,
  type ModelContext,
  type Transition,
  type WorkspaceModel,
  UNKNOWN,
  approve,
  approvers,
  createProject,
  createWorkspace,
  isKnown,
  setQuota,
  setStatus,
  updateProject,
  deleteProject,
  deleteWorkspace,
  expire,
  grant,
  isMember,
  ownerCount,
  remove,
  subjectKey,
} from '../../../core/model';
import { stringTag } from '../../helpers/desired';

const OWNER = 'Workspace Owner';
const MANAGER = 'Workspace Manager';
const MEMBER = 'Workspace Member';
const NOW = new Date('2026-11-25T12:00:00Z');

const user = (subject: string, role: string, extra: Partial<ModelBinding> = {}): ModelBinding => ({
  name: `${subject}-${role}${extra.project ? `-${extra.project}` : ''}`.replace(/\s/g, ''),
  subjectKind: 'User',
  subject,
  role,
  ...extra,
});
const group = (subject: string, role: string): ModelBinding => ({ ...user(subject, role), subjectKind: 'Group' });

function ws(bindings: ModelBinding[], extra: Partial<WorkspaceModel> = {}): WorkspaceModel {
  return {
    name: 'w',
    exists: 'live',
    tags: {},
    quota: null,
    state: { status: 'active', approval: 'approved' },
    bindings,
    projects: [{ name: 'p', state: 'active', tags: {} }],
    requests: [],
    groupMembers: {},
    ...extra,
  };
}

function ctx(actor: string | typeof UNKNOWN, extra: Partial<ModelContext['settings']> = {}): ModelContext {
  return {
    now: NOW,
    actor: actor === UNKNOWN ? UNKNOWN : { username: actor, partner: actor === 'partner' },
    settings: {
      fourEyes: { enabled: false, minApprovalCount: 2 },
      recertification: {},
      restrictCustomerAdminRoleAssignment: false,
      projectRoles: UNKNOWN,
      users: UNKNOWN,
      tagDefinitions: [],
      ...extra,
    },
  };
}

/** The approval class, or the refused rule with its status. */
const verdict = (t: Transition) =>
  t.outcome.class === 'refused' ? `${t.outcome.refusal.rule} ${t.outcome.refusal.status}` : t.outcome.class;

const TEAM = [user('alice', OWNER), user('bob', MANAGER)];

describe('grant: who may, and what the platform refuses', () => {
  test.each([
    ['a Member grants', 'dave', [...TEAM, user('dave', MEMBER)], user('erin', MEMBER), 'caller-rights 403'],
    ['a Manager grants a Member', 'bob', TEAM, user('erin', MEMBER), 'applied'],
    ['a third Owner', 'partner', [user('alice', OWNER), user('dave', OWNER)], user('carol', OWNER), 'owner-limit 409'],
    [
      'a renewal of an Owner (the same user)',
      'partner',
      [user('alice', OWNER), user('dave', OWNER)],
      user('dave', OWNER, { name: 'dave-2', expiryDate: '2026-12-30' }),
      'applied',
    ],
    ['Owner for a group', 'partner', TEAM, group('devs', OWNER), 'owner-group 400'],
    ['a Manager assigns Owner while there is one', 'bob', TEAM, user('carol', OWNER), 'owner-grant-rights 403'],
    ['a Manager assigns Owner while there is none', 'bob', [user('bob', MANAGER)], user('carol', OWNER), 'applied'],
    ['the same binding again', 'partner', TEAM, user('bob', MANAGER, { name: 'other' }), 'binding-exists 409'],
    [
      'a role that is not a workspace role',
      'partner',
      TEAM,
      user('carol', 'Workspace Admin'),
      'unknown-workspace-role 400',
    ],
    [
      'a project role for a non-member',
      'partner',
      TEAM,
      user('erin', 'Project User', { project: 'p' }),
      'project-member-missing 400',
    ],
    ['a project role for a member', 'partner', TEAM, user('bob', 'Project User', { project: 'p' }), 'applied'],
    [
      'a project role the platform lacks',
      'partner',
      TEAM,
      user('bob', 'Project Admn', { project: 'p' }),
      'unknown-project-role 400',
    ],
    [
      'a project role on a missing project',
      'partner',
      TEAM,
      user('bob', 'Project User', { project: 'q' }),
      'project-not-found 404',
    ],
    ['an expiry in the past', 'partner', TEAM, user('carol', MEMBER, { expiryDate: '2026-11-01' }), 'expiry-past 400'],
  ])('%s', (_name, actor, bindings, g, expected) => {
    expect(verdict(grant(ws(bindings), ctx(actor), g))).toBe(expected);
  });

  test('a disabled workspace takes changes from a partner only', () => {
    const disabled = ws(TEAM, { state: { status: 'disabled', approval: 'approved' } });
    expect(verdict(grant(disabled, ctx('alice'), user('carol', MEMBER)))).toBe('workspace-not-writable 403');
    expect(verdict(grant(disabled, ctx('partner'), user('carol', MEMBER)))).toBe('applied');
  });

  test('an unknown user is refused where the users are known', () => {
    const c = ctx('partner', { users: new Set(['alice', 'bob']) });
    expect(verdict(grant(ws(TEAM), c, user('zoe', MEMBER)))).toBe('unknown-subject 400');
    expect(verdict(grant(ws(TEAM), c, { ...user('zoe@x.io', MEMBER), invitation: true }))).toBe('applied');
  });
});

describe('restrictCustomerAdminRoleAssignment (Guide: Emergency Users)', () => {
  test.each([
    [true, 'alice', 'manager-assignment-restricted 403', []],
    [true, 'partner', 'applied', []],
    [false, 'alice', 'applied', []],
    [UNKNOWN, 'alice', 'applied', ['restrictCustomerAdminRoleAssignment']],
  ] as const)('restricted %s, by %s', (restricted, actor, expected, unknowns) => {
    const t = grant(ws(TEAM), ctx(actor, { restrictCustomerAdminRoleAssignment: restricted }), user('carol', MANAGER));
    expect(verdict(t)).toBe(expected);
    expect(t.unknowns).toEqual(unknowns);
  });
});

describe('recertification caps workspace roles only', () => {
  const c = ctx('partner', { recertification: { [MEMBER]: 30, 'Project User': 30 } });
  test('beyond the maximum of a workspace role', () => {
    expect(verdict(grant(ws(TEAM), c, user('carol', MEMBER, { expiryDate: '2027-01-30' })))).toBe(
      'expiry-beyond-recertification 400',
    );
  });
  test('a workspace role without expiry gets today + the maximum', () => {
    const t = grant(ws(TEAM), c, user('carol', MEMBER));
    expect(t.state.bindings.find((b) => b.subject === 'carol')?.expiryDate).toBe('2026-12-25');
  });
  test('a project role named in the settings keeps its expiry, and gets none where it has none', () => {
    const far = grant(ws(TEAM), c, user('bob', 'Project User', { project: 'p', expiryDate: '2027-01-30' }));
    expect(verdict(far)).toBe('applied');
    const none = grant(ws(TEAM), c, user('bob', 'Project User', { project: 'p' }));
    expect(none.state.bindings.find((b) => b.project === 'p')?.expiryDate).toBeUndefined();
  });
});

describe('4-eyes', () => {
  const on = (min: number) => ({ fourEyes: { enabled: true, minApprovalCount: min } });
  test.each([
    ["a Manager's grant waits for the Owner", 'bob', TEAM, {}, 'needs-approval', ['alice']],
    [
      "the only manager's grant (fewer than the minimum) does not",
      'bob',
      [user('bob', MANAGER)],
      {},
      'applied',
      undefined,
    ],
    ["a partner's grant does not", 'partner', TEAM, {}, 'applied', undefined],
    [
      'a group holding Manager counts its members',
      'alice',
      [user('alice', OWNER), group('admins', MANAGER)],
      { admins: ['dave'] },
      'needs-approval',
      ['dave'],
    ],
    [
      'an empty managing group adds nobody',
      'alice',
      [user('alice', OWNER), group('admins', MANAGER)],
      { admins: [] },
      'applied',
      undefined,
    ],
  ])('%s', (_name, actor, bindings, members, expected, who) => {
    const t = grant(ws(bindings, { groupMembers: members }), ctx(actor, on(2)), user('carol', MEMBER));
    expect(verdict(t)).toBe(expected);
    if (t.outcome.class === 'needs-approval') expect(t.outcome.approvers).toEqual(who);
  });

  test('group bindings are not held', () => {
    expect(verdict(grant(ws(TEAM, { groupMembers: { devs: [] } }), ctx('bob', on(2)), group('devs', MEMBER)))).toBe(
      'applied',
    );
  });

  test('a managing group whose members are unknown: the grant is assumed to wait, and the model says why', () => {
    const t = grant(
      ws([user('alice', OWNER), group('admins', MANAGER)], { groupMembers: UNKNOWN }),
      ctx('alice', on(2)),
      user('carol', MEMBER),
    );
    expect(t.outcome).toMatchObject({ class: 'needs-approval', approvers: UNKNOWN });
    expect(t.unknowns).toEqual(['group-members']);
  });

  test('an approval by another manager applies the grant; the requester cannot approve', () => {
    const filed = grant(ws(TEAM), ctx('bob', on(2)), user('carol', MEMBER));
    expect(verdict(approve(filed.state, ctx('bob', on(2)), 'carol-WorkspaceMember'))).toBe('approval-rights 403');
    const approved = approve(filed.state, ctx('alice', on(2)), 'carol-WorkspaceMember');
    expect(verdict(approved)).toBe('applied');
    expect(approved.state.bindings.map((b) => b.subject)).toContain('carol');
    expect(approved.state.requests).toEqual([]);
  });

  test('at approval the rules hold again for the requester: the Owner limit reached meanwhile', () => {
    const filed = grant(ws(TEAM), ctx('bob', on(1)), user('carol', OWNER));
    expect(verdict(filed)).toBe('owner-grant-rights 403');
    const byOwner = grant(ws([user('alice', OWNER), user('dave', MANAGER)]), ctx('alice', on(2)), user('carol', OWNER));
    expect(verdict(byOwner)).toBe('needs-approval');
    const full = { ...byOwner.state, bindings: [...byOwner.state.bindings, user('erin', OWNER)] };
    expect(verdict(approve(full, ctx('dave', on(2)), 'carol-WorkspaceOwner'))).toBe('owner-limit 409');
  });
});

describe('membership: one definition', () => {
  const m = ws([user('alice', OWNER), group('devs', MEMBER)], { groupMembers: { devs: ['erin'] } });
  test.each([
    ['User', 'alice', true],
    ['User', 'erin', true],
    ['User', 'zoe', false],
    ['Group', 'devs', true],
    ['Group', 'ops', false],
  ] as const)('%s %s', (kind, name, expected) => {
    expect(isMember(m, kind, name)).toBe(expected);
  });
  test('only an unread group could make a user a member: unknown, not "no"', () => {
    expect(isMember({ ...m, groupMembers: UNKNOWN }, 'User', 'zoe')).toBe(UNKNOWN);
  });
  test('approvers count group members; Owners are distinct users', () => {
    const two = ws([user('alice', OWNER), user('alice', OWNER, { name: 'again' }), group('admins', MANAGER)], {
      groupMembers: { admins: ['dave', 'alice'] },
    });
    expect(approvers(two)).toEqual(['alice', 'dave']);
    expect(ownerCount(two)).toBe(1);
    expect(approvers({ ...two, groupMembers: UNKNOWN })).toBe(UNKNOWN);
  });
  test('subject keys', () => expect(subjectKey('Group', 'devs')).toBe('Group:devs'));
  test('UNKNOWN is no string: a user, group or role spelled "unknown" is a known value', () => {
    expect(isKnown('unknown')).toBe(true);
    expect(approvers(ws([user('unknown', OWNER)]))).toEqual(['unknown']);
    // @ts-expect-error no string field can hold UNKNOWN
    const name: string = UNKNOWN;
    expect(typeof name).toBe('symbol');
  });
});

describe('removal and expiry (a subject leaves the projects with its last workspace role)', () => {
  const m = ws([...TEAM, user('dave', OWNER), user('carol', MEMBER), user('carol', 'Project User', { project: 'p' })]);
  test.each([
    ['a Manager removes an Owner', 'bob', 'dave-WorkspaceOwner', 'owner-removal-rights 403'],
    ['an Owner removes an Owner', 'alice', 'dave-WorkspaceOwner', 'applied'],
    ['a Member cannot remove', 'carol', 'bob-WorkspaceManager', 'caller-rights 403'],
    ['a binding that is gone already', 'bob', 'nobody', 'applied'],
  ])('%s', (_name, actor, name, expected) => {
    expect(verdict(remove(m, ctx(actor), name))).toBe(expected);
  });

  test("removing carol's last workspace role takes her project role along", () => {
    const t = remove(m, ctx('bob'), 'carol-WorkspaceMember');
    expect(t.state.bindings.some((b) => b.subject === 'carol')).toBe(false);
    expect(t.changes.map((c) => c.kind === 'binding-removed' && c.reason)).toEqual([
      'removed',
      'removed from workspace',
    ]);
  });

  test('expiry removes what is due, in order, with the same cascade', () => {
    const due = ws([
      ...TEAM,
      user('carol', MEMBER, { expiryDate: '2026-11-20' }),
      user('carol', 'Project User', { project: 'p' }),
    ]);
    const t = expire(due, NOW);
    expect(t.state.bindings.map((b) => b.subject)).toEqual(['alice', 'bob']);
    expect(t.changes.map((c) => c.kind === 'binding-removed' && c.reason)).toEqual([
      'expired',
      'removed from workspace',
    ]);
  });
});

describe('deletion (seed: Workspace Deletion)', () => {
  test.each([
    ['a Manager', 'bob', ws(TEAM, { projects: [] }), 'deletion-rights 403'],
    ['an Owner, projects left', 'alice', ws(TEAM), 'workspace-has-projects 409'],
    [
      'an Owner, projects being deleted',
      'alice',
      ws(TEAM, { projects: [{ name: 'p', state: 'deleting', tags: {} }] }),
      'waits',
    ],
    ['an Owner, no projects', 'alice', ws(TEAM, { projects: [] }), 'applied'],
    ['a partner', 'partner', ws(TEAM, { projects: [] }), 'applied'],
  ])('%s', (_name, actor, m, expected) => {
    expect(verdict(deleteWorkspace(m, ctx(actor)))).toBe(expected);
  });

  test('the right comes first: a Manager is refused even while projects are left', () => {
    expect(verdict(deleteWorkspace(ws(TEAM), ctx('bob')))).toBe('deletion-rights 403');
  });

  test("a project's deletion is asynchronous: it is deleting, its bindings are gone, the workspace waits for it", () => {
    const t = deleteProject(ws([...TEAM, user('bob', 'Project User', { project: 'p' })]), ctx('bob'), 'p');
    expect(t.state.projects).toEqual([{ name: 'p', state: 'deleting', tags: {} }]);
    expect(t.state.bindings.some((b) => b.project === 'p')).toBe(false);
    expect(deleteWorkspace(t.state, ctx('alice')).outcome).toEqual({ class: 'waits', for: ['p'] });
  });

  test('a deleted workspace keeps no bindings', () => {
    const t = deleteWorkspace(ws(TEAM, { projects: [] }), ctx('alice'));
    expect(t.state.bindings).toEqual([]);
    expect(t.changes.at(-1)).toEqual({ kind: 'workspace-deleted' });
  });
});

describe('creating and changing workspaces and projects (identifiers, quota, status, tags)', () => {
  const tagDef = (key: string, spec: Partial<TagDefinition['spec']>) => stringTag('meshProject', key, spec);
  const restricted = tagDef('tier', { restricted: true, valueType: { string: { defaultValue: 'std' } } });
  const tags = (actor: string) => ctx(actor, { tagDefinitions: [restricted, tagDef('env', { immutable: true })] });
  test.each([
    [
      'a workspace under a deleted identifier',
      createWorkspace(ws([], { exists: 'deleted' }), ctx('partner'), {}),
      'identifier-deleted 409',
    ],
    [
      'a workspace identifier outside the format',
      createWorkspace(ws([], { name: 'Bad_Name', exists: 'absent' }), ctx('partner'), {}),
      'identifier-format 400',
    ],
    [
      'a project whose identifier is still being deleted',
      createProject(ws(TEAM, { projects: [{ name: 'p', state: 'deleting', tags: {} }] }), ctx('alice'), 'p', {}),
      'identifier-being-deleted 409',
    ],
    ['a project beyond the quota', createProject(ws(TEAM, { quota: 1 }), ctx('alice'), 'q', {}), 'quota-reached 400'],
    [
      'a project where the quota is unknown (the platform will say)',
      createProject(ws(TEAM, { quota: UNKNOWN }), ctx('alice'), 'q', {}),
      'applied',
    ],
    [
      'a project by a Member',
      createProject(ws([...TEAM, user('carol', MEMBER)]), ctx('carol'), 'q', {}),
      'caller-rights 403',
    ],
    ['a quota by an Owner', setQuota(ws(TEAM), ctx('alice'), 3), 'quota-needs-partner 403'],
    ['a quota below the projects in use', setQuota(ws(TEAM), ctx('partner'), 0), 'quota-below-usage 400'],
    ['a status by an Owner', setStatus(ws(TEAM), ctx('alice'), 'disabled'), 'status-needs-partner 403'],
    [
      'a restricted tag by an Owner',
      createProject(ws(TEAM), tags('alice'), 'q', { tier: ['gold'] }),
      'restricted-tag 403',
    ],
    [
      'an immutable tag changed',
      updateProject(
        ws(TEAM, { projects: [{ name: 'p', state: 'active', tags: { env: ['a'] } }] }),
        tags('partner'),
        'p',
        { env: ['b'] },
      ),
      'immutable-tag 400',
    ],
  ])('%s', (_name, t, expected) => {
    expect(verdict(t)).toBe(expected);
  });

  test("a restricted tag's default is injected, and an Owner who leaves it alone is not refused", () => {
    const t = createProject(ws(TEAM), tags('alice'), 'q', {});
    expect(verdict(t)).toBe('applied');
    expect(t.state.projects.find((p) => p.name === 'q')?.tags).toEqual({ tier: ['std'] });
  });
});
