import type { LiveState } from '../../../controller/observe/live-state';
import { changedWorkspaces } from '../../../controller/plan/changed';
import { plan } from '../../../controller/plan/plan';
import { findingMessage } from '../../../controller/render/describe';
import { renderPlanText } from '../../../controller/render/text';
import { DAY_MS } from '../../../core/expiry';
import { MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';

const NOW = new Date('2026-11-25T12:00:00Z');
const emptyLive: LiveState = {
  observedAt: NOW.toISOString(),
  platform: { version: 'x', fourEyes: { enabled: false, minApprovalCount: 2 }, recertification: {}, capabilities: [] },
  tagDefinitions: [],
  workspaces: {},
  deletedWorkspaces: [],
  usersByEmail: {},
};
const team = (name: string, extra: Array<ReturnType<typeof binding>> = []) =>
  workspace(name, [binding(OWNER, user('alice')), ...extra]);
const base = desired([team('a'), team('b'), team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })])]);

describe('changedWorkspaces (--changed-from)', () => {
  test.each([
    [
      'nothing changed',
      desired([team('a'), team('b'), team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })])]),
      DAY_MS,
      { changed: [], unchanged: ['a', 'b', 'c'], removed: [] },
    ],
    [
      'a binding added to b',
      desired([
        team('a'),
        team('b', [binding(MEMBER, user('carol'))]),
        team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })]),
      ]),
      DAY_MS,
      { changed: ['b'], unchanged: ['a', 'c'], removed: [] },
    ],
    [
      'a new workspace',
      desired([
        team('a'),
        team('b'),
        team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })]),
        team('d'),
      ]),
      DAY_MS,
      { changed: ['d'], unchanged: ['a', 'b', 'c'], removed: [] },
    ],
    [
      'an expiry within the horizon, unchanged code',
      desired([team('a'), team('b'), team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })])]),
      365 * DAY_MS,
      { changed: ['c'], unchanged: ['a', 'b'], removed: [] },
    ],
    [
      'a project changed',
      desired([
        team('a'),
        workspace('b', [binding(OWNER, user('alice'))], { projects: [project('b', 'web', [])] }),
        team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })]),
      ]),
      DAY_MS,
      { changed: ['b'], unchanged: ['a', 'c'], removed: [] },
    ],
  ])('%s', (_name, current, horizon, expected) => {
    expect(changedWorkspaces(base, current, NOW, horizon)).toEqual(expected);
  });

  test('a changed tag definition or role policy means every workspace', () => {
    const withPolicy = { ...base, rolePolicy: { recertification: [{ role: MEMBER, maxDurationDays: 90 }] } };
    expect(changedWorkspaces(base, withPolicy, NOW, DAY_MS)).toEqual({
      changed: ['a', 'b', 'c'],
      unchanged: [],
      removed: [],
      everything: 'role-policy',
    });
  });

  // Issue 22: what a pull request takes away is a change too.
  test('a stack rename changes the owner of every workspace: every workspace is planned', () => {
    const renamed = { ...base, metadata: { ...base.metadata, name: 'another-stack' } };
    expect(changedWorkspaces(base, renamed, NOW, DAY_MS)).toEqual({
      changed: ['a', 'b', 'c'],
      unchanged: [],
      removed: [],
      everything: 'stack-name',
    });
  });

  test('workspaces deleted from the code, or whose identifier changed, are named as leaving the code', () => {
    const current = desired([team('a2'), team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })])]);
    expect(changedWorkspaces(base, current, NOW, DAY_MS)).toEqual({
      changed: ['a2'],
      unchanged: ['c'],
      removed: ['a', 'b'],
    });
  });
});

describe('the scoped plan', () => {
  test('says which workspaces leave the code since the base, even when it has no step', () => {
    const current = desired([team('a'), team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })])]);
    const p = plan(
      current,
      emptyLive,
      {
        endpoint: 'http://platform',
        workspaces: [],
        notPlanned: { base: 'base-out/meshform.json', workspaces: ['a', 'c'], removed: ['b'] },
      },
      NOW,
    );
    expect(p.workspaces).toEqual([]);
    const left = p.warnings.filter((w) => w.rule === 'removed-from-code');
    expect(left.map((w) => findingMessage(w))).toEqual([
      expect.stringMatching(/1 workspace\(s\) declared in base-out\/meshform\.json are no longer in the code: b/),
    ]);
    expect(renderPlanText(p, { color: false })).toMatch(/no longer in the code: b/);
  });
});
