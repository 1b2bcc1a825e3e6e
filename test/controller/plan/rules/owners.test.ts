import { lastOwner } from '../../../../controller/plan/rules/owners';
import { ruleContext } from '../../../helpers/rule-context';

const rules = (fs: Array<{ rule: string }>) => fs.map((f) => f.rule);

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
