import { Testing } from '../../constructs/cdktf';
import {
  BindingManagement,
  Group,
  MeshStack,
  ProjectRole,
  User,
  Workspace,
  WorkspaceBinding,
  WorkspaceRole,
} from '../../constructs';
import { synthOutputs, testStack, validationErrors } from '../helpers/stack';

describe('Workspace', () => {
  test('renders identifier, display name, status, tags, quota and bindings in meshStack shape', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const ws = new Workspace(stack, 'Team', {
      identifier: 'team-a',
      displayName: 'Team A',
      projectQuota: 3,
      tags: { costCenter: '4058' },
    });
    ws.grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
    ws.grant(WorkspaceRole.MEMBER, Group.fromGroupName('devs'), { expiryDate: '2027-01-31', reason: 'project work' });
    // THEN
    expect(synthOutputs(stack).manifest.workspaces).toEqual([
      {
        metadata: { name: 'team-a', tags: { costCenter: ['4058'] } },
        spec: {
          ownership: 'owned',
          bindingManagement: 'authoritative',
          displayName: 'Team A',
          status: 'active',
          projectQuota: 3,
        },
        bindings: [
          {
            roleRef: { name: 'Workspace Member' },
            subject: { kind: 'Group', name: 'devs' },
            expiryDate: '2027-01-31',
            reason: 'project work',
          },
          { roleRef: { name: 'Workspace Owner' }, subject: { kind: 'User', name: 'alice' } },
        ],
        projects: [],
      },
    ]);
  });

  test('defaults: display name is the identifier, status active, authoritative, no quota', () => {
    const stack = testStack();
    new Workspace(stack, 'Team', { identifier: 'team-b' });
    expect(synthOutputs(stack).manifest.workspaces[0].spec).toEqual({
      ownership: 'owned',
      bindingManagement: 'authoritative',
      displayName: 'team-b',
      status: 'active',
    });
  });

  test('fromWorkspaceName references an existing workspace, additive by default, without owning its attributes', () => {
    const stack = testStack();
    const ws = Workspace.fromWorkspaceName(stack, 'Legacy', 'legacy-ws');
    ws.grant(WorkspaceRole.MEMBER, User.fromUsername('dave'));
    expect(Workspace.isWorkspace(ws)).toBe(true);
    expect(synthOutputs(stack).manifest.workspaces[0]).toEqual({
      metadata: { name: 'legacy-ws', tags: {} },
      spec: { ownership: 'referenced', bindingManagement: 'additive' },
      bindings: [{ roleRef: { name: 'Workspace Member' }, subject: { kind: 'User', name: 'dave' } }],
      projects: [],
    });
  });

  test('fromWorkspaceName can be made authoritative', () => {
    const stack = testStack();
    Workspace.fromWorkspaceName(stack, 'Legacy', 'legacy-ws', { bindingManagement: BindingManagement.AUTHORITATIVE });
    expect(synthOutputs(stack).manifest.workspaces[0].spec.bindingManagement).toBe('authoritative');
  });

  test('invited users are bound by e-mail with their invitation', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-c' });
    ws.grant(WorkspaceRole.MEMBER, User.invite({ firstName: 'Eve', lastName: 'New', email: 'eve@example.com' }));
    expect(synthOutputs(stack).manifest.workspaces[0].bindings[0].subject).toEqual({
      kind: 'User',
      name: 'eve@example.com',
      invitation: { firstName: 'Eve', lastName: 'New', email: 'eve@example.com' },
    });
  });

  test('isWorkspace is false for other values', () => {
    expect(Workspace.isWorkspace({ workspaceName: 'x' })).toBe(false);
    expect(Workspace.isWorkspace(undefined)).toBe(false);
  });

  test('binding ids come from their content, so order of grants does not change construct paths', () => {
    const a = testStack();
    const wa = new Workspace(a, 'T', { identifier: 't' });
    const b1 = wa.grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
    const b = testStack();
    const wb = new Workspace(b, 'T', { identifier: 't' });
    wb.grant(WorkspaceRole.MEMBER, User.fromUsername('zed'));
    const b2 = wb.grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
    expect(b1.node.path).toBe(b2.node.path);
  });

  test('fails with more than two Workspace Owners, naming the construct and the rule', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    for (const u of ['alice', 'bob', 'carol']) ws.grant(WorkspaceRole.OWNER, User.fromUsername(u));
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^\[test\/Team\] .*3 Workspace Owners \(alice, bob, carol\).*at most 2.*rule: owner-limit/,
    );
  });

  test('fails when the Owner role is given to a group', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    const b = ws.grant(WorkspaceRole.OWNER, Group.fromGroupName('admins'));
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(new RegExp(`^\\[${b.node.path}\\] .*only be given to users.*rule: owner-group`)),
    ]);
  });

  test.each([
    ['uppercase', 'Team-A'],
    ['underscore', 'team_a'],
    ['leading dash', '-team'],
    ['trailing dash', 'team-'],
    ['too long', 'a'.repeat(33)],
    ['empty', ''],
  ])('fails on an invalid identifier (%s)', (_name, identifier) => {
    const stack = testStack();
    new Workspace(stack, 'Team', { identifier });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(/^\[test\/Team\] workspace identifier .* is invalid.*rule: identifier-format/),
    ]);
  });

  test.each([['a'], ['team-a'], ['a1-b2-c3'], ['x'.repeat(32)]])('accepts the identifier %s', (identifier) => {
    const stack = testStack();
    new Workspace(stack, 'Team', { identifier });
    expect(validationErrors(stack)).toEqual([]);
  });

  test('fails on duplicate workspace identifiers, reporting the second declaration', () => {
    const stack = testStack();
    new Workspace(stack, 'One', { identifier: 'same' });
    new Workspace(stack, 'Two', { identifier: 'same' });
    const errors = validationErrors(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/identifier "same" is declared twice.*rule: duplicate-identifier/);
  });

  test('fails on the same role granted twice to the same subject', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    ws.grant(WorkspaceRole.MEMBER, User.fromUsername('bob'));
    expect(() => ws.grant(WorkspaceRole.MEMBER, User.fromUsername('bob'))).toThrow(
      /user "bob" is already granted "Workspace Member" on workspace "team-a"/,
    );
  });

  test('grants have readable construct ids: role, subject kind and name (a hash only where the name needs escaping)', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    const web = ws.addProject('Web', { identifier: 'web' });
    const ids = [
      ws.grant(WorkspaceRole.MEMBER, User.fromUsername('alice')),
      ws.grant(WorkspaceRole.MANAGER, Group.fromGroupName('payments-devs')),
      ws.grant(WorkspaceRole.MEMBER, User.invite({ email: 'frank@example.com', firstName: 'Frank', lastName: 'X' })),
      web.grant(ProjectRole.READER, User.fromUsername('alice')),
      web.grant('Project Admin', User.fromUsername('al/ice')),
      web.grant('Project Admin', User.fromUsername('al ice')),
    ].map((b) => b.node.id);
    expect(ids.slice(0, 4)).toEqual([
      'WorkspaceMember-user-alice',
      'WorkspaceManager-group-payments-devs',
      'WorkspaceMember-user-frank@example.com',
      'ProjectReader-user-alice',
    ]);
    // Two names that escape alike stay two constructs.
    expect(ids[4]).toMatch(/^ProjectAdmin-user-al-ice-[0-9a-f]{8}$/);
    expect(ids[5]).toMatch(/^ProjectAdmin-user-al-ice-[0-9a-f]{8}$/);
    expect(ids[4]).not.toBe(ids[5]);
  });

  test('reports all errors of an app at once', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'Bad_Id', projectQuota: 0 });
    for (const u of ['a', 'b', 'c']) ws.grant(WorkspaceRole.OWNER, User.fromUsername(u));
    ws.addProject('P', { identifier: 'p' });
    const rules = validationErrors(stack).map((e) => /rule: ([\w-]+)/.exec(e)?.[1]);
    expect(rules.sort()).toEqual(['identifier-format', 'owner-limit', 'quota-below-projects']);
  });

  test('fails when a workspace of another stack is used', () => {
    const app = Testing.app();
    const ws = new Workspace(new MeshStack(app, 'a'), 'T', { identifier: 't' });
    const other = new MeshStack(app, 'b');
    expect(
      () =>
        new WorkspaceBinding(other, 'B', {
          workspace: ws,
          role: WorkspaceRole.MEMBER,
          subject: User.fromUsername('x'),
        }),
    ).toThrow(/belongs to stack a; declare it in this stack with Workspace.fromWorkspaceName/);
  });
});
