import { changedWorkspaces } from '../../../controller/plan/changed';
import { DAY_MS } from '../../../core/expiry';
import { MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';

const NOW = new Date('2026-11-25T12:00:00Z');
const team = (name: string, extra: Array<ReturnType<typeof binding>> = []) =>
  workspace(name, [binding(OWNER, user('alice')), ...extra]);
const base = desired([team('a'), team('b'), team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })])]);

describe('changedWorkspaces (--changed-from)', () => {
  test.each([
    [
      'nothing changed',
      desired([team('a'), team('b'), team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })])]),
      DAY_MS,
      { changed: [], unchanged: ['a', 'b', 'c'] },
    ],
    [
      'a binding added to b',
      desired([
        team('a'),
        team('b', [binding(MEMBER, user('carol'))]),
        team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })]),
      ]),
      DAY_MS,
      { changed: ['b'], unchanged: ['a', 'c'] },
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
      { changed: ['d'], unchanged: ['a', 'b', 'c'] },
    ],
    [
      'an expiry within the horizon, unchanged code',
      desired([team('a'), team('b'), team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })])]),
      365 * DAY_MS,
      { changed: ['c'], unchanged: ['a', 'b'] },
    ],
    [
      'a project changed',
      desired([
        team('a'),
        workspace('b', [binding(OWNER, user('alice'))], { projects: [project('b', 'web', [])] }),
        team('c', [binding(MEMBER, user('erin'), { expiryDate: '2027-06-30' })]),
      ]),
      DAY_MS,
      { changed: ['b'], unchanged: ['a', 'c'] },
    ],
  ])('%s', (_name, current, horizon, expected) => {
    expect(changedWorkspaces(base, current, NOW, horizon)).toEqual(expected);
  });

  test('a changed tag definition or role policy means every workspace', () => {
    const withPolicy = { ...base, rolePolicy: { recertification: [{ role: MEMBER, maxDurationDays: 90 }] } };
    expect(changedWorkspaces(base, withPolicy, NOW, DAY_MS)).toEqual({
      changed: ['a', 'b', 'c'],
      unchanged: [],
      everything: 'role-policy',
    });
  });
});
