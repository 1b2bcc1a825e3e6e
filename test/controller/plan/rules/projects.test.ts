import { identifierChange, projectsVisible, referencedExists } from '../../../../controller/plan/rules/projects';
import type { Step } from '../../../../schemas/plan.generated';
import { MEMBER, OWNER, binding, project, user, workspace } from '../../../helpers/desired';
import { liveWorkspace, ruleContext } from '../../../helpers/rule-context';

const rules = (fs: Array<{ rule: string }>) => fs.map((f) => f.rule);
const createProject = (name: string, displayName = name): Step => ({
  id: `c-${name}`,
  kind: 'project',
  action: 'create',
  workspace: 'w',
  project: name,
  reason: 'missing',
  displayName,
  tags: {},
});
const liveProject = (name: string, displayName = name) => ({
  [name]: { workspace: 'w', name, displayName, tags: {}, bindings: [] },
});

describe('identifierChange', () => {
  test.each([
    [
      'a new project with the display name of an undeclared live one',
      workspace('w', [], { projects: [project('w', 'web-new', [], { displayName: 'Web' })] }),
      createProject('web-new', 'Web'),
      ['identifier-change'],
    ],
    [
      'a new project with a display name of its own',
      workspace('w', [], { projects: [project('w', 'web-new', [], { displayName: 'New' })] }),
      createProject('web-new', 'New'),
      [],
    ],
  ])('%s', (_name, desired, step, expected) => {
    expect(
      rules(
        identifierChange(
          ruleContext({ desired, steps: [step], ws: liveWorkspace([], { projects: liveProject('web', 'Web') }) }),
        ),
      ),
    ).toEqual(expected);
  });
});

describe('referencedExists', () => {
  test.each([
    [
      'a referenced workspace that does not exist',
      workspace('w', [binding(MEMBER, user('x'))], { referenced: true }),
      null,
      ['referenced-missing'],
    ],
    [
      'a referenced workspace that exists',
      workspace('w', [binding(MEMBER, user('x'))], { referenced: true }),
      liveWorkspace([]),
      [],
    ],
    ['an owned workspace not created yet', workspace('w', []), null, []],
  ])('%s', (_name, desired, ws, expected) => {
    expect(rules(referencedExists(ruleContext({ desired, ws })))).toEqual(expected);
  });
});

describe('projectsVisible', () => {
  const declared = workspace('w', [binding(OWNER, user('alice'))], {
    projects: [project('w', 'web', []), project('w', 'api', [])],
  });
  test.each([
    ['every project read (an Owner, Manager or partner key)', liveWorkspace([], { projects: liveProject('web') }), []],
    [
      'a Member key that sees web only: api is unknown',
      liveWorkspace([], { projects: liveProject('web'), unread: ['projects'] }),
      [{ workspace: 'w', projects: ['api'], caller: 'dave' }],
    ],
    [
      'a Member key that sees both',
      liveWorkspace([], { projects: { ...liveProject('web'), ...liveProject('api') }, unread: ['projects'] }),
      [],
    ],
  ])('%s', (_case, ws, expected) => {
    const found = projectsVisible(
      ruleContext({ desired: declared, ws, caller: { username: 'dave', roles: [MEMBER] } }),
    );
    expect(rules(found)).toEqual(expected.map(() => 'projects-not-visible'));
    expect(found.map((f) => f.params)).toEqual(expected);
  });
});
