import { Group, Project, ProjectBinding, ProjectRole, User, Workspace, WorkspaceRole } from '../../constructs';
import { synthOutputs, testStack, validationErrors } from '../helpers/stack';

function teamWorkspace() {
  const stack = testStack();
  const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
  ws.grant(WorkspaceRole.MANAGER, User.fromUsername('bob'));
  return { stack, ws };
}

describe('Project', () => {
  test('renders with ownedByWorkspace, tags (spec.tags in the API) and bindings sorted', () => {
    const { stack, ws } = teamWorkspace();
    ws.grant(WorkspaceRole.MEMBER, Group.fromGroupName('devs'));
    const p = ws.addProject('Web', { identifier: 'web', displayName: 'Web', tags: { environment: ['prod'] } });
    p.grant(ProjectRole.READER, Group.fromGroupName('devs'));
    p.grant(ProjectRole.ADMIN, User.fromUsername('bob'));
    expect(synthOutputs(stack).manifest.workspaces[0].projects).toEqual([
      {
        metadata: { name: 'web', ownedByWorkspace: 'team-a', tags: { environment: ['prod'] } },
        spec: { displayName: 'Web' },
        bindings: [
          { roleRef: { name: 'Project Admin' }, subject: { kind: 'User', name: 'bob' } },
          { roleRef: { name: 'Project Reader' }, subject: { kind: 'Group', name: 'devs' } },
        ],
      },
    ]);
  });

  test('a project can be declared anywhere in the tree with a workspace prop', () => {
    const { stack, ws } = teamWorkspace();
    const p = new Project(stack, 'Elsewhere', { workspace: ws, identifier: 'api' });
    new ProjectBinding(stack, 'Access', { project: p, role: 'Custom Role', subject: User.fromUsername('bob') });
    const project = synthOutputs(stack).manifest.workspaces[0].projects[0];
    expect(project.metadata.name).toBe('api');
    expect(project.bindings).toEqual([{ roleRef: { name: 'Custom Role' }, subject: { kind: 'User', name: 'bob' } }]);
  });

  test('deletion is explicit and carries a reason', () => {
    const { stack, ws } = teamWorkspace();
    ws.addProject('Old', { identifier: 'old', deletion: { reason: 'replaced by web' } });
    expect(synthOutputs(stack).manifest.workspaces[0].projects[0].spec).toEqual({
      displayName: 'old',
      deletion: { reason: 'replaced by web' },
    });
  });

  test('fails when a project binding subject has no role on the workspace', () => {
    const { stack, ws } = teamWorkspace();
    const p = ws.addProject('Web', { identifier: 'web' });
    const b = p.grant(ProjectRole.USER, User.fromUsername('stranger'));
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\[${b.node.path}\\] user "stranger" has role "Project User" on project "web" but no role on workspace "team-a".*rule: project-subject-not-in-workspace`,
        ),
      ),
    ]);
  });

  test('a referenced (additive) workspace only warns about project subjects it does not list', () => {
    const stack = testStack();
    const ws = Workspace.fromWorkspaceName(stack, 'Legacy', 'legacy');
    ws.addProject('P', { identifier: 'p' }).grant(ProjectRole.USER, User.fromUsername('someone'));
    expect(validationErrors(stack)).toEqual([]);
  });

  test('fails on duplicate project identifiers in a workspace', () => {
    const { stack, ws } = teamWorkspace();
    ws.addProject('A', { identifier: 'web' });
    ws.addProject('B', { identifier: 'web' });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(/project identifier "web" is declared twice.*rule: duplicate-identifier/),
    ]);
  });

  test('the same project identifier in two workspaces is fine', () => {
    const stack = testStack();
    new Workspace(stack, 'A', { identifier: 'a' }).addProject('P', { identifier: 'web' });
    new Workspace(stack, 'B', { identifier: 'b' }).addProject('P', { identifier: 'web' });
    expect(validationErrors(stack)).toEqual([]);
  });

  test('fails on an invalid project identifier', () => {
    const { stack, ws } = teamWorkspace();
    ws.addProject('P', { identifier: 'Web.Prod' });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(/^\[test\/Team\/P\] project identifier "Web.Prod" is invalid/),
    ]);
  });
});
