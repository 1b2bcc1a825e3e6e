/** Side by side with terraform-provider-meshstack: bindings meshform did not create, and a lost ownership tag. */
import { foreignBindings, ownershipTagRemoved } from '../../../../controller/plan/rules/coexistence';
import { workspace } from '../../../helpers/desired';
import { liveBinding, liveWorkspace, removalStep, ruleContext } from '../../../helpers/rule-context';

const said = (rule: typeof foreignBindings, input: Parameters<typeof ruleContext>[0]) =>
  rule(ruleContext(input)).map((f) => ({ rule: f.rule, params: f.params }));

describe('foreign bindings', () => {
  const tf = removalStep('dave', 'Workspace Member', {
    binding: { name: 'tf-dave', subjectKind: 'User', subject: 'dave', role: 'Workspace Member' },
  });
  const ours = removalStep('erin', 'Workspace Member', {
    binding: { name: 'mf-0123456789abcdef01234567-x1', subjectKind: 'User', subject: 'erin', role: 'Workspace Member' },
  });
  test.each<[string, Parameters<typeof ruleContext>[0], unknown[]]>([
    [
      "an authoritative workspace's drift meshform did not create is named",
      { steps: [tf, ours] },
      [{ rule: 'foreign-bindings', params: { workspace: 'w', names: ['tf-dave'] } }],
    ],
    ['drift meshform created is not', { steps: [ours] }, []],
    ['a replaced binding is not drift', { steps: [{ ...tf, reason: 'replaced' }] }, []],
    ['an additive workspace removes nothing', { steps: [tf], desired: workspace('w', [], { additive: true }) }, []],
  ])('%s', (_what, input, expected) => {
    expect(said(foreignBindings, input)).toEqual(expected);
  });
});

describe('a lost ownership tag', () => {
  const made = liveBinding('alice', 'Workspace Owner', { name: 'mf-0123456789abcdef01234567-x1' });
  const panel = liveBinding('alice', 'Workspace Owner', { name: '5f0c1c9e-2b1f-4c55-9a51-0d3c1f6b8e2a' });
  const removal = { stack: 'test', at: '2026-11-20T10:00:00Z', by: 'ApiKey tf-ci', authorType: 'ApiKey' };
  test.each<[string, Parameters<typeof ruleContext>[0], unknown[]]>([
    [
      'the event log names who removed it',
      { ws: liveWorkspace([panel], { ownershipTagRemoved: removal }) },
      [{ rule: 'ownership-tag-removed', params: { workspace: 'w', ...removal } }],
    ],
    [
      'without the event log, bindings meshform made show a stack owned it',
      { ws: liveWorkspace([made]) },
      [{ rule: 'ownership-tag-removed', params: { workspace: 'w' } }],
    ],
    ['a workspace meshform never managed: nothing was lost', { ws: liveWorkspace([panel]) }, []],
    ['the tag is there', { ws: liveWorkspace([made], { tags: { meshformStack: ['test'] } }) }, []],
    ['a new workspace', { ws: null }, []],
    ['a referenced workspace', { ws: liveWorkspace([made]), desired: workspace('w', [], { referenced: true }) }, []],
  ])('%s', (_what, input, expected) => {
    expect(said(ownershipTagRemoved, input)).toEqual(expected);
  });
});
