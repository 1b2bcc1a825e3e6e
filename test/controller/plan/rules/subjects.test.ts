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

  // A plan judges every workspace: gathering the known users of the whole estate for each one made a plan of
  // 10,000 workspaces quadratic (bench/policies.ts). They are gathered only for a likely name, once per live state.
  test("the estate's known users are read only for an unknown user, and once per live state", () => {
    let reads = 0;
    const other = liveWorkspace([liveBinding('alice', OWNER)]);
    const counted = Object.defineProperty({ ...other }, 'bindings', {
      get: () => {
        reads++;
        return other.bindings;
      },
    });
    const base = ruleContext({ ws: liveWorkspace([]), steps: [grantStep('carol', MEMBER)] });
    const live = { ...base.live, workspaces: { ...base.live.workspaces, other: counted } };
    expect(unknownSubjects({ ...base, live })).toEqual([]);
    expect(reads).toBe(0);
    const unknown = { ...live, unknownUsers: ['alcie'] };
    for (const name of ['w', 'v']) {
      const [f] = unknownSubjects({ ...base, name, live: unknown, steps: [grantStep('alcie', MEMBER)] });
      expect(f.params).toMatchObject({ meant: 'alice' });
    }
    expect(reads).toBe(1);
  });
});
