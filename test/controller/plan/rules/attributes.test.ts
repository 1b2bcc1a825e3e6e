import {
  immutableTags,
  liveTagDefinitions,
  partnerOnlySettings,
  quotaUsage,
  restrictedTags,
} from '../../../../controller/plan/rules/attributes';
import type { TagDefinition } from '../../../../schemas/desired-state.generated';
import type { Step } from '../../../../schemas/plan.generated';
import { OWNER, workspace } from '../../../helpers/desired';
import { liveWorkspace, ruleContext } from '../../../helpers/rule-context';

const rules = (fs: Array<{ rule: string }>) => fs.map((f) => f.rule);
const def = (key: string, spec: Partial<TagDefinition['spec']>): TagDefinition => ({
  metadata: { name: `meshProject.${key}` },
  spec: {
    targetKind: 'meshProject',
    key,
    displayName: key,
    valueType: { string: {} },
    restricted: false,
    mandatory: false,
    immutable: false,
    ...spec,
  },
});
const createProject = (tags: Record<string, string[]>): Step => ({
  id: 'c',
  kind: 'project',
  action: 'create',
  workspace: 'w',
  project: 'p',
  reason: 'missing',
  displayName: 'p',
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
const owner = { username: 'alice', roles: [OWNER] };

describe('restrictedTags', () => {
  const tagDefinitions = [def('tier', { restricted: true })];
  test.each([
    [
      'a project created with a restricted tag by an Owner',
      createProject({ tier: ['gold'] }),
      owner,
      ['restricted-tag'],
    ],
    [
      'a project updated to another restricted value',
      updateProject({ tier: ['a'] }, { tier: ['b'] }),
      owner,
      ['restricted-tag'],
    ],
    ['the same by a partner', createProject({ tier: ['gold'] }), { username: 'p', partner: true }, []],
    ['unrestricted tags', createProject({ other: ['x'] }), owner, []],
  ])('%s', (_name, step, caller, expected) => {
    expect(rules(restrictedTags(ruleContext({ steps: [step], caller, live: { tagDefinitions } })))).toEqual(expected);
  });
});

describe('immutableTags', () => {
  const tagDefinitions = [def('env', { immutable: true })];
  test.each([
    ['set when the project is created', createProject({ env: ['prod'] }), []],
    ['changed afterwards', updateProject({ env: ['dev'] }, { env: ['prod'] }), ['immutable-tag']],
  ])('%s', (_name, step, expected) => {
    expect(rules(immutableTags(ruleContext({ steps: [step], live: { tagDefinitions } })))).toEqual(expected);
  });
});

describe('liveTagDefinitions', () => {
  const tagDefinitions = [def('env', { valueType: { singleSelect: { options: ['dev', 'prod'] } }, mandatory: true })];
  test.each([
    ['a valid value', createProject({ env: ['dev'] }), []],
    ['a value outside the options', createProject({ env: ['qa'] }), ['tag-value']],
    ['a key without a definition', createProject({ env: ['dev'], color: ['red'] }), ['tag-undefined']],
    ['a mandatory key missing', createProject({}), ['tag-mandatory']],
  ])('%s', (_name, step, expected) => {
    expect(rules(liveTagDefinitions(ruleContext({ steps: [step], live: { tagDefinitions } })))).toEqual(expected);
  });
});

describe('partnerOnlySettings', () => {
  const quota: Step = {
    id: 'q',
    kind: 'workspace-quota',
    action: 'update',
    workspace: 'w',
    reason: 'changed',
    before: null,
    after: 3,
  };
  const status: Step = {
    id: 's',
    kind: 'workspace-status',
    action: 'update',
    workspace: 'w',
    reason: 'changed',
    before: 'active',
    after: 'disabled',
  };
  test.each([
    ['a quota by an Owner', [quota], owner, ['quota-needs-partner']],
    ['a status by an Owner', [status], owner, ['status-needs-partner']],
    ['both by a partner', [quota, status], { username: 'p', partner: true }, []],
  ])('%s', (_name, steps, caller, expected) => {
    expect(rules(partnerOnlySettings(ruleContext({ steps, caller })))).toEqual(expected);
  });
});

describe('quotaUsage', () => {
  const withProjects = (n: number, quota: number | null) =>
    liveWorkspace([], {
      projects: Object.fromEntries(
        Array.from({ length: n }, (_, i) => [
          `p${i}`,
          { workspace: 'w', name: `p${i}`, displayName: `p${i}`, tags: {}, bindings: [] },
        ]),
      ),
      status: { name: 'w', status: 'active', approval: 'approved', projectQuota: quota, projectCount: n },
    });
  const quotaStep = (after: number): Step => ({
    id: 'q',
    kind: 'workspace-quota',
    action: 'update',
    workspace: 'w',
    reason: 'changed',
    before: null,
    after,
  });
  test.each([
    ['a declared quota below the live projects', withProjects(2, null), 1, [quotaStep(1)], ['quota-below-usage']],
    ['a declared quota that fits', withProjects(2, null), 2, [quotaStep(2)], []],
    [
      'a new project beyond the live quota (the code does not manage it)',
      withProjects(1, 1),
      undefined,
      [createProject({})],
      ['quota-reached'],
    ],
    ['a new project within the live quota', withProjects(1, 2), undefined, [createProject({})], []],
  ])('%s', (_name, ws, projectQuota, steps, expected) => {
    expect(
      rules(
        quotaUsage(
          ruleContext({ ws, steps, desired: workspace('w', [], projectQuota === undefined ? {} : { projectQuota }) }),
        ),
      ),
    ).toEqual(expected);
  });
});
