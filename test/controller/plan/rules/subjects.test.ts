import { unknownSubjects } from '../../../../controller/plan/rules/subjects';
import { MEMBER, OWNER } from '../../../helpers/desired';
import { grantStep, liveBinding, liveWorkspace, ruleContext } from '../../../helpers/rule-context';

describe('unknownSubjects', () => {
  const ws = liveWorkspace([liveBinding('alice', OWNER)], { groupMembers: { 'payments-devs': ['carol'] } });
  const groupGrant = (name: string) =>
    grantStep(name, MEMBER, { grant: { name: `n-${name}`, subject: { kind: 'Group', name }, role: MEMBER } });
  test.each([
    [
      'an unknown user, with the likely name',
      [grantStep('alcie', MEMBER)],
      ['alcie'],
      ['unknown-subject: User alcie → alice'],
    ],
    [
      'an unknown user far from any known name',
      [grantStep('zzyzx', MEMBER)],
      ['zzyzx'],
      ['unknown-subject: User zzyzx'],
    ],
    ['a user the platform has', [grantStep('carol', MEMBER)], [], []],
    [
      'two grants to one unknown user: one warning',
      [grantStep('alcie', MEMBER), grantStep('alcie', 'Project User', { kind: 'project-binding', project: 'web' })],
      ['alcie'],
      ['unknown-subject: User alcie → alice'],
    ],
    [
      'an unknown group of the workspace',
      [groupGrant('payments-dev')],
      [],
      ['unknown-subject: Group payments-dev → payments-devs'],
    ],
    ['a group the workspace has', [groupGrant('payments-devs')], [], []],
  ])('%s', (_name, steps, unknownUsers, expected) => {
    const base = ruleContext({ ws, steps });
    const ctx = { ...base, live: { ...base.live, unknownUsers } };
    expect(
      unknownSubjects(ctx).map((f) => {
        const p = f.params as { subject: { kind: string; name: string }; meant?: string };
        return `${f.rule}: ${p.subject.kind} ${p.subject.name}${p.meant ? ` → ${p.meant}` : ''}`;
      }),
    ).toEqual(expected);
  });

  test('where the groups were not read, no group is called unknown', () => {
    const ctx = ruleContext({ ws: liveWorkspace([liveBinding('alice', OWNER)]), steps: [groupGrant('whatever')] });
    expect(unknownSubjects(ctx)).toEqual([]);
  });
});
