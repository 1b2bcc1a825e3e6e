/** The ownership rule's table: one stack owns a workspace. */
import { ownership } from '../../../../controller/plan/rules/ownership';
import { workspace } from '../../../helpers/desired';
import { liveWorkspace, ruleContext } from '../../../helpers/rule-context';

const rules = (input: Parameters<typeof ruleContext>[0]) =>
  ownership(ruleContext(input)).map(
    (f) => `${f.rule}${f.params && 'owner' in f.params ? `:${String(f.params.owner)}` : ''}`,
  );

test.each<[string, Parameters<typeof ruleContext>[0], string[]]>([
  ['a new workspace: nothing to take over', { ws: null }, []],
  ['owned by this stack', { ws: liveWorkspace([], { tags: { meshformStack: ['test'] } }) }, []],
  ['owned by no stack: refused', { ws: liveWorkspace([]) }, ['workspace-unowned']],
  ['owned by no stack, adopt in code', { ws: liveWorkspace([]), desired: workspace('w', [], { adopt: true }) }, []],
  ['owned by no stack, --adopt', { ws: liveWorkspace([]), options: { adoptUnowned: true } }, []],
  [
    'owned by no stack, deletion in code',
    { ws: liveWorkspace([]), desired: workspace('w', [], { deletion: 'gone' }) },
    [],
  ],
  [
    'owned by another stack: refused by name',
    { ws: liveWorkspace([], { tags: { meshformStack: ['payments'] } }) },
    ['workspace-owned-elsewhere:payments'],
  ],
  [
    'owned by another stack, even with adopt',
    {
      ws: liveWorkspace([], { tags: { meshformStack: ['payments'] } }),
      desired: workspace('w', [], { adopt: true }),
      options: { adoptUnowned: true },
    },
    ['workspace-owned-elsewhere:payments'],
  ],
  [
    'a referenced workspace is never owned',
    { ws: liveWorkspace([]), desired: workspace('w', [], { referenced: true }) },
    [],
  ],
])('%s', (_what, input, expected) => {
  expect(rules(input)).toEqual(expected);
});
