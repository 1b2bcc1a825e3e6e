import { lastOwner, ownerGrantRights, ownerLimit, ownerRemovalRights } from '../../../../controller/plan/rules/owners';
import { MANAGER, OWNER } from '../../../helpers/desired';
import { grantStep, liveBinding, liveWorkspace, removalStep, ruleContext } from '../../../helpers/rule-context';

const rules = (fs: Array<{ rule: string }>) => fs.map((f) => f.rule);

describe('ownerLimit', () => {
  test.each([
    ['two at most along the way', [1, 2, 1, 2], []],
    ['three at some step', [2, 3, 2], ['owner-limit']],
    ['none at all', [0], []],
  ])('%s', (_name, counts, expected) => {
    expect(rules(ownerLimit(ruleContext({ ownerCounts: counts })))).toEqual(expected);
  });
});

describe('lastOwner', () => {
  test.each([
    ['the last Owner removed', [1, 0], {}, ['last-owner']],
    ['the last Owner removed, with the override', [1, 0], { allowLastOwnerRemoval: true }, []],
    ['a swap keeps one on the way', [1, 2, 1], {}, []],
    ['a workspace that never had one', [0, 0], {}, []],
  ])('%s', (_name, counts, options, expected) => {
    expect(rules(lastOwner(ruleContext({ ownerCounts: counts, options })))).toEqual(expected);
  });

  test('a workspace not created yet has no Owner to lose', () => {
    expect(lastOwner(ruleContext({ ws: null, ownerCounts: [1, 0] }))).toEqual([]);
  });
});

describe('ownerGrantRights', () => {
  test.each([
    ['a Manager grants Owner while there is one', { username: 'bob', roles: [MANAGER] }, [1], ['owner-grant-rights']],
    ['a Manager grants Owner while there is none', { username: 'bob', roles: [MANAGER] }, [0], []],
    ['an Owner grants Owner', { username: 'alice', roles: [OWNER] }, [1], []],
    ['a partner grants Owner', { username: 'p', partner: true }, [1], []],
  ])('%s', (_name, caller, counts, expected) => {
    expect(
      rules(ownerGrantRights(ruleContext({ caller, ownerCounts: counts, steps: [grantStep('carol', OWNER)] }))),
    ).toEqual(expected);
  });
});

describe('ownerRemovalRights', () => {
  const ws = liveWorkspace([liveBinding('alice', OWNER), liveBinding('dave', OWNER), liveBinding('bob', MANAGER)]);
  test.each([
    [
      'a Manager removes an Owner',
      { username: 'bob', roles: [MANAGER] },
      removalStep('dave', OWNER),
      ['owner-removal-rights'],
    ],
    ['an Owner removes an Owner', { username: 'alice', roles: [OWNER] }, removalStep('dave', OWNER), []],
    [
      'a Manager removes an expired Owner (the platform does it anyway)',
      { username: 'bob', roles: [MANAGER] },
      removalStep('dave', OWNER, { reason: 'expired' }),
      [],
    ],
    ['a Manager removes a Member', { username: 'bob', roles: [MANAGER] }, removalStep('carol', 'Workspace Member'), []],
  ])('%s', (_name, caller, step, expected) => {
    expect(rules(ownerRemovalRights(ruleContext({ ws, caller, steps: [step] })))).toEqual(expected);
  });
});
