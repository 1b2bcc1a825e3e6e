/**
 * The plan's dry run: the platform's rules (who may change what, the Owner limit, a workspace role
 * before a project role, project roles the platform has, recertification, deletion rights, 4-eyes)
 * are read off the platform model for a workspace's steps. The tables of the plan rules these
 * replaced, plus the cases of issue 20.
 */
import { simulate } from '../../../controller/plan/simulate';
import type { LiveWorkspaceState } from '../../../controller/observe/live-state';
import type { TagDefinition } from '../../../schemas/desired-state.generated';
import type { GrantStep, Step } from '../../../schemas/plan.generated';
import { MANAGER, MEMBER, OWNER, stringTag } from '../../helpers/desired';
import {
  type ContextInput,
  grantStep,
  liveBinding,
  livePlatform,
  liveWorkspace,
  removalStep,
  ruleContext,
} from '../../helpers/rule-context';

const run = (i: ContextInput) => {
  const ctx = ruleContext(i);
  return simulate(ctx.model, ctx.modelContext, ctx.steps);
};
/** The refusals of the dry run (warnings about what the model did not know left aside). */
const refusals = (i: ContextInput) =>
  run(i)
    .findings.filter((f) => f.rule !== 'decision-unknown')
    .map((f) => f.rule);

const withProject = (ws: LiveWorkspaceState): LiveWorkspaceState => ({
  ...ws,
  projects: { p: { workspace: 'w', name: 'p', displayName: 'p', tags: {}, bindings: [] } },
});
const projectGrant = (subject: string, kind: 'User' | 'Group' = 'User', role = 'Project User') =>
  grantStep(subject, role, {
    kind: 'project-binding',
    project: 'p',
    grant: { name: `pg-${subject}`, subject: { kind, name: subject }, role },
  });
const deleteWs: Step = {
  id: 'd',
  kind: 'workspace',
  action: 'delete',
  workspace: 'w',
  reason: 'declared-deletion',
  displayName: 'w',
  deletionReason: 'x',
};
const deleteProject: Step = {
  id: 'dp',
  kind: 'project',
  action: 'delete',
  workspace: 'w',
  project: 'p',
  reason: 'declared-deletion',
  deletionReason: 'x',
};

describe('who may change the workspace (caller-rights, workspace-not-writable)', () => {
  test.each([
    ['a Member with changes', { username: 'dave', roles: [MEMBER] }, [grantStep('erin', MEMBER)], ['caller-rights']],
    ['a Member without changes', { username: 'dave', roles: [MEMBER] }, [], []],
    ['a Manager', { username: 'bob', roles: [MANAGER] }, [grantStep('erin', MEMBER)], []],
    ['someone with no role', { username: 'zoe', roles: [] }, [grantStep('erin', MEMBER)], ['caller-rights']],
    ['a partner', { username: 'p', partner: true }, [grantStep('erin', MEMBER)], []],
  ])('%s', (_name, caller, steps, expected) => {
    expect(refusals({ caller, steps })).toEqual(expected);
  });

  test('an unknown caller is not refused (the plan warns instead)', () => {
    expect(refusals({ steps: [grantStep('erin', MEMBER)] })).toEqual([]);
  });

  const disabled = liveWorkspace([], {
    status: { name: 'w', status: 'disabled', approval: 'approved', projectQuota: null, projectCount: 0 },
  });
  const pending = liveWorkspace([], {
    status: { name: 'w', status: 'active', approval: 'pending', projectQuota: null, projectCount: 0 },
  });
  test.each([
    ['changes to a disabled workspace by its Owner', disabled, { username: 'alice', roles: [OWNER] }, true],
    ['changes to a workspace waiting for approval', pending, { username: 'alice', roles: [OWNER] }, true],
    ['changes by a partner', disabled, { username: 'p', partner: true }, false],
  ])('%s', (_name, ws, caller, refused) => {
    expect(refusals({ ws, caller, steps: [grantStep('erin', MEMBER)] })).toEqual(
      refused ? ['workspace-not-writable'] : [],
    );
  });
});

describe('Owners: the limit at every step, and who assigns and removes the role', () => {
  test('a third Owner is refused, and the count never passes two', () => {
    const ws = liveWorkspace([liveBinding('alice', OWNER), liveBinding('dave', OWNER)]);
    const sim = run({ ws, caller: { username: 'p', partner: true }, steps: [grantStep('carol', OWNER)] });
    expect(sim.findings.map((f) => f.rule)).toEqual(['owner-limit']);
    expect(sim.ownerCounts).toEqual([2, 2]);
  });

  test('a swap keeps the count within the limit on the way', () => {
    const ws = liveWorkspace([liveBinding('alice', OWNER), liveBinding('dave', OWNER)]);
    const sim = run({
      ws,
      caller: { username: 'p', partner: true },
      steps: [removalStep('dave', OWNER), grantStep('carol', OWNER)],
    });
    expect(sim.findings).toEqual([]);
    expect(sim.ownerCounts).toEqual([2, 1, 2]);
  });

  test.each([
    ['a Manager grants Owner while there is one', [liveBinding('alice', OWNER)], ['owner-grant-rights']],
    ['a Manager grants Owner while there is none', [], []],
  ])('%s', (_name, bindings, expected) => {
    const ws = liveWorkspace([...bindings, liveBinding('bob', MANAGER)]);
    expect(refusals({ ws, caller: { username: 'bob' }, steps: [grantStep('carol', OWNER)] })).toEqual(expected);
  });

  test.each([
    ['an Owner grants Owner', { username: 'alice' }],
    ['a partner grants Owner', { username: 'p', partner: true }],
  ])('%s', (_name, caller) => {
    const ws = liveWorkspace([liveBinding('alice', OWNER)]);
    expect(refusals({ ws, caller, steps: [grantStep('carol', OWNER)] })).toEqual([]);
  });

  const ws = liveWorkspace([liveBinding('alice', OWNER), liveBinding('dave', OWNER), liveBinding('bob', MANAGER)]);
  test.each([
    ['a Manager removes an Owner', { username: 'bob' }, removalStep('dave', OWNER), ['owner-removal-rights']],
    ['an Owner removes an Owner', { username: 'alice' }, removalStep('dave', OWNER), []],
    ['a Manager removes a Member', { username: 'bob' }, removalStep('carol', MEMBER), []],
  ])('%s', (_name, caller, step, expected) => {
    expect(refusals({ ws, caller, steps: [step] })).toEqual(expected);
  });

  test('a Manager "removes" an Owner whose binding expired: the platform removed it already', () => {
    const expired = liveWorkspace([
      liveBinding('alice', OWNER),
      liveBinding('dave', OWNER, { expiryDate: '2026-11-01' }),
      liveBinding('bob', MANAGER),
    ]);
    const step = removalStep('dave', OWNER, { reason: 'expired' });
    expect(refusals({ ws: expired, caller: { username: 'bob' }, steps: [step] })).toEqual([]);
  });
});

describe('project roles need a workspace role, and a role the platform has', () => {
  const partner = { username: 'p', partner: true };
  test.each([
    ['a project role for a live member', liveWorkspace([liveBinding('erin', MEMBER)]), [projectGrant('erin')], []],
    [
      'for someone granted a workspace role in the same plan',
      liveWorkspace([]),
      [grantStep('erin', MEMBER), projectGrant('erin')],
      [],
    ],
    [
      'for someone whose workspace role the plan removes',
      liveWorkspace([liveBinding('erin', MEMBER)]),
      [removalStep('erin', MEMBER), projectGrant('erin')],
      ['project-member-missing'],
    ],
    ['for someone without any workspace role', liveWorkspace([]), [projectGrant('erin')], ['project-member-missing']],
    [
      'for a member through a group',
      liveWorkspace([{ ...liveBinding('devs', MEMBER), subjectKind: 'Group' }], { groupMembers: { devs: ['erin'] } }),
      [projectGrant('erin')],
      [],
    ],
    [
      'for a bound group',
      liveWorkspace([{ ...liveBinding('devs', MEMBER), subjectKind: 'Group' }], { groupMembers: { devs: [] } }),
      [projectGrant('devs', 'Group')],
      [],
    ],
    [
      'a role the platform does not have',
      liveWorkspace([liveBinding('erin', MEMBER)]),
      [projectGrant('erin', 'User', 'Project Admn')],
      ['unknown-project-role'],
    ],
  ])('%s', (_name, ws, steps, expected) => {
    expect(refusals({ ws: withProject(ws), caller: partner, steps })).toEqual(expected);
  });

  test('a group whose members were not read: not refused, and the plan says what it did not know', () => {
    const ws = withProject(liveWorkspace([{ ...liveBinding('devs', MEMBER), subjectKind: 'Group' }]));
    const sim = run({ ws, caller: partner, steps: [projectGrant('erin')] });
    expect(sim.findings.map((f) => [f.rule, (f.params as { groups?: string[] }).groups])).toEqual([
      ['group-members-unread', ['devs']],
    ]);
  });
});

describe('recertification caps workspace roles only (seed: Roles Recertification)', () => {
  const withExpiry = (step: GrantStep, expiryDate: string): GrantStep => ({
    ...step,
    grant: { ...step.grant, expiryDate },
  });
  const ws = withProject(liveWorkspace([liveBinding('carol', MEMBER)]));
  test.each([
    ['within the maximum', withExpiry(grantStep('erin', MEMBER), '2026-12-20'), { [MEMBER]: 30 }, []],
    [
      'beyond it',
      withExpiry(grantStep('erin', MEMBER), '2027-01-30'),
      { [MEMBER]: 30 },
      ['expiry-beyond-recertification'],
    ],
    ['no maximum for the role', withExpiry(grantStep('erin', MEMBER), '2099-01-01'), {}, []],
    [
      'a project role named in the settings is not capped',
      withExpiry(projectGrant('carol'), '2027-01-30'),
      { 'Project User': 30 },
      [],
    ],
  ])('%s', (_name, step, recertification, expected) => {
    expect(refusals({ ws, caller: { username: 'p', partner: true }, steps: [step], recertification })).toEqual(
      expected,
    );
  });
});

describe('deleting a workspace (seed: Workspace Deletion)', () => {
  test.each([
    ['a Manager deletes', { username: 'bob', roles: [MANAGER] }, ['deletion-rights']],
    ['an Owner deletes', { username: 'alice', roles: [OWNER] }, []],
    ['a partner deletes', { username: 'p', partner: true }, []],
  ])('%s', (_name, caller, expected) => {
    expect(refusals({ caller, steps: [deleteWs] })).toEqual(expected);
  });

  test("a Manager's deletion is refused even while its projects are still to go (issue 20)", () => {
    const ws = withProject(liveWorkspace([liveBinding('bob', MANAGER)]));
    expect(refusals({ ws, caller: { username: 'bob' }, steps: [deleteProject, deleteWs] })).toEqual([
      'deletion-rights',
    ]);
  });

  test("an Owner's deletion waits for the projects' deletion: the step says for which", () => {
    const ws = withProject(liveWorkspace([liveBinding('alice', OWNER)]));
    const sim = run({ ws, caller: { username: 'alice' }, steps: [deleteProject, deleteWs] });
    expect(sim.findings).toEqual([]);
    expect(sim.steps[1]).toMatchObject({ kind: 'workspace', action: 'delete', waitsFor: ['p'] });
  });

  test('once the projects are gone, the deletion does not wait', () => {
    const sim = run({ caller: { username: 'alice', roles: [OWNER] }, steps: [deleteWs] });
    expect(sim.steps[0]).not.toHaveProperty('waitsFor');
  });
});

describe('4-eyes: approval class and approvers read off the model', () => {
  const fourEyes = (ws: LiveWorkspaceState, username: string) =>
    run({
      ws,
      caller: { username },
      steps: [grantStep('carol', MEMBER)],
      live: {
        platform: livePlatform({ fourEyes: { enabled: true, minApprovalCount: 2 } }),
      },
    }).steps[0] as GrantStep;

  test('a group holding Workspace Manager counts its members as approvers (issue 20)', () => {
    const ws = liveWorkspace(
      [liveBinding('alice', OWNER), { ...liveBinding('admins', MANAGER), subjectKind: 'Group' }],
      {
        groupMembers: { admins: ['dave'] },
      },
    );
    expect(fourEyes(ws, 'alice')).toMatchObject({ approval: 'needs-approval', approvers: ['dave', 'a partner'] });
  });

  test('an Owner alone (fewer approvers than the minimum) grants at once', () => {
    expect(fourEyes(liveWorkspace([liveBinding('alice', OWNER)]), 'alice')).toMatchObject({ approval: 'auto' });
  });

  test('a managing group whose members were not read: the grant is assumed to wait', () => {
    const ws = liveWorkspace([
      liveBinding('alice', OWNER),
      { ...liveBinding('admins', MANAGER), subjectKind: 'Group' },
    ]);
    expect(fourEyes(ws, 'alice')).toMatchObject({ approval: 'needs-approval', approvers: ['a partner'] });
  });

  const unreadGroups = (ws: LiveWorkspaceState) =>
    run({
      ws,
      caller: { username: 'alice' },
      steps: [grantStep('carol', MEMBER)],
      live: {
        platform: livePlatform({ fourEyes: { enabled: true, minApprovalCount: 2 } }),
      },
    });
  const admins = { ...liveBinding('admins', MANAGER), subjectKind: 'Group' as const };

  test.each([
    ['the groups read do not include the bound group (the key sees only some)', { groupMembers: {} }],
    ["the key could not read the groups' members (403, or a Member's key)", { unread: ['group-members' as const] }],
  ])(
    'a managing group whose members are unknown because %s: the grant is assumed to wait, and the plan says which group',
    (_name, extra) => {
      const sim = unreadGroups(liveWorkspace([liveBinding('alice', OWNER), admins], extra));
      expect(sim.steps[0]).toMatchObject({ approval: 'needs-approval', approvers: ['a partner'] });
      expect(sim.findings).toEqual([
        {
          rule: 'group-members-unread',
          workspace: 'w',
          params: { workspace: 'w', step: 'g-carol-Workspace Member', groups: ['admins'] },
        },
      ]);
    },
  );
});

describe('tags, quota, status and identifiers (the plan rules they replaced: attributes.ts, projects.ts)', () => {
  const def = (key: string, spec: Partial<TagDefinition['spec']>) => stringTag('meshProject', key, spec);
  const createProject = (tags: Record<string, string[]>, project = 'p'): Step => ({
    id: `c-${project}`,
    kind: 'project',
    action: 'create',
    workspace: 'w',
    project,
    reason: 'missing',
    displayName: project,
    tags,
  });
  const updateProject = (before: Record<string, string[]>, after: Record<string, string[]>): Step => ({
    id: 'u',
    kind: 'project',
    action: 'update',
    workspace: 'w',
    project: 'p',
    reason: 'changed',
    before: { displayName: 'p', tags: before },
    after: { displayName: 'p', tags: after },
  });
  const withTags = (tags: Record<string, string[]>): LiveWorkspaceState => ({
    ...liveWorkspace([liveBinding('alice', OWNER)]),
    projects: { p: { workspace: 'w', name: 'p', displayName: 'p', tags, bindings: [] } },
  });
  const owner = { username: 'alice', roles: [OWNER] };
  const partner = { username: 'p', partner: true };

  test.each([
    [
      'a project created with a restricted tag by an Owner',
      [def('tier', { restricted: true })],
      null,
      createProject({ tier: ['gold'] }),
      owner,
      ['restricted-tag'],
    ],
    [
      'a restricted tag changed by an Owner',
      [def('tier', { restricted: true })],
      { tier: ['a'] },
      updateProject({ tier: ['a'] }, { tier: ['b'] }),
      owner,
      ['restricted-tag'],
    ],
    [
      'the same by a partner',
      [def('tier', { restricted: true })],
      null,
      createProject({ tier: ['gold'] }),
      partner,
      [],
    ],
    [
      'an immutable tag set at creation',
      [def('env', { immutable: true })],
      null,
      createProject({ env: ['prod'] }),
      partner,
      [],
    ],
    [
      'an immutable tag changed afterwards',
      [def('env', { immutable: true })],
      { env: ['dev'] },
      updateProject({ env: ['dev'] }, { env: ['prod'] }),
      partner,
      ['immutable-tag'],
    ],
    [
      'a value outside the options',
      [def('env', { valueType: { singleSelect: { options: ['dev'] } } })],
      null,
      createProject({ env: ['qa'] }),
      partner,
      ['tag-value'],
    ],
    [
      'a key without a definition',
      [def('env', {})],
      null,
      createProject({ env: ['dev'], color: ['red'] }),
      partner,
      ['tag-undefined'],
    ],
    ['a mandatory key missing', [def('env', { mandatory: true })], null, createProject({}), partner, ['tag-mandatory']],
    [
      "a definition's regex JavaScript cannot compile",
      [def('env', { valueType: { string: { validationRegex: '(?i)^dev$' } } })],
      null,
      createProject({ env: ['dev'] }),
      partner,
      ['tag-regex-invalid'],
    ],
    [
      'a regex that matches',
      [def('env', { valueType: { string: { validationRegex: '^dev$' } } })],
      null,
      createProject({ env: ['dev'] }),
      partner,
      [],
    ],
  ])('%s', (_name, tagDefinitions, tags, step, caller, expected) => {
    const ws = tags ? withTags(tags) : liveWorkspace([liveBinding('alice', OWNER)]);
    expect(refusals({ ws, steps: [step], caller, live: { tagDefinitions } })).toEqual(expected);
  });

  const quota = (after: number): Step => ({
    id: 'q',
    kind: 'workspace-quota',
    action: 'update',
    workspace: 'w',
    reason: 'changed',
    before: null,
    after,
  });
  const status: Step = {
    id: 's',
    kind: 'workspace-status',
    action: 'update',
    workspace: 'w',
    reason: 'changed',
    before: 'active',
    after: 'disabled',
  };
  const withProjects = (n: number, projectQuota: number | null, deletingProjects: string[] = []) =>
    liveWorkspace([liveBinding('alice', OWNER)], {
      projects: Object.fromEntries(
        Array.from({ length: n }, (_, i) => [
          `p${i}`,
          { workspace: 'w', name: `p${i}`, displayName: `p${i}`, tags: {}, bindings: [] },
        ]),
      ),
      deletingProjects,
      status: { name: 'w', status: 'active', approval: 'approved', projectQuota, projectCount: n },
    });
  test.each([
    ['a quota by an Owner', withProjects(0, null), [quota(3)], owner, ['quota-needs-partner']],
    ['a status by an Owner', withProjects(0, null), [status], owner, ['status-needs-partner']],
    ['both by a partner', withProjects(0, null), [quota(3), status], partner, []],
    ['a quota below the live projects', withProjects(2, null), [quota(1)], partner, ['quota-below-usage']],
    ['a quota that fits', withProjects(2, null), [quota(2)], partner, []],
    ['a new project beyond the live quota', withProjects(1, 1), [createProject({}, 'new')], partner, ['quota-reached']],
    ['a new project within the live quota', withProjects(1, 2), [createProject({}, 'new')], partner, []],
    ['a new project after the quota is raised', withProjects(1, 1), [quota(2), createProject({}, 'new')], partner, []],
    [
      'an identifier still being deleted',
      withProjects(0, null, ['p']),
      [createProject({}, 'p')],
      partner,
      ['identifier-being-deleted'],
    ],
  ])('%s', (_name, ws, steps, caller, expected) => {
    expect(refusals({ ws, steps, caller })).toEqual(expected);
  });

  const createWorkspace: Step = {
    id: 'cw',
    kind: 'workspace',
    action: 'create',
    workspace: 'w',
    reason: 'missing',
    displayName: 'w',
    tags: {},
  };
  test("a deleted workspace's identifier is never used again", () => {
    expect(refusals({ ws: null, steps: [createWorkspace], live: { deletedWorkspaces: ['w'] } })).toEqual([
      'identifier-deleted',
    ]);
    expect(refusals({ ws: null, steps: [createWorkspace] })).toEqual([]);
  });

  test('deleting a workspace whose project is not marked for deletion', () => {
    expect(refusals({ ws: withProjects(1, null), steps: [deleteWs], caller: owner })).toEqual([
      'workspace-has-projects',
    ]);
  });
});
