import { fewerApprovers, selfLockout } from '../../../../controller/plan/rules/caller';
import { MANAGER, MEMBER, OWNER } from '../../../helpers/desired';
import {
  grantStep,
  liveBinding,
  livePlatform,
  liveWorkspace,
  removalStep,
  ruleContext,
} from '../../../helpers/rule-context';

const rules = (fs: Array<{ rule: string }>) => fs.map((f) => f.rule);

describe('selfLockout', () => {
  const ws = liveWorkspace([liveBinding('alice', OWNER), liveBinding('bob', MANAGER)]);
  test.each([
    ['removing the caller’s only management role', [removalStep('bob', MANAGER)], {}, ['self-lockout']],
    ['with the override', [removalStep('bob', MANAGER)], { allowSelfLockout: true }, []],
    ['replaced by another management role', [grantStep('bob', OWNER), removalStep('bob', MANAGER)], {}, []],
    ['removing someone else', [removalStep('alice', OWNER)], {}, []],
  ])('%s', (_name, steps, options, expected) => {
    expect(
      rules(selfLockout(ruleContext({ ws, caller: { username: 'bob', roles: [MANAGER] }, steps, options }))),
    ).toEqual(expected);
  });
});

describe('selfLockout through a group', () => {
  const admins = liveBinding('admins', MANAGER, { subjectKind: 'Group' });
  const removeAdmins = removalStep('admins', MANAGER, {
    binding: { name: admins.name, subjectKind: 'Group', subject: 'admins', role: MANAGER },
  });
  const ws = (extra = {}) => liveWorkspace([liveBinding('alice', OWNER), admins], extra);
  test.each([
    ['removing the group the caller manages through', ws({ groupMembers: { admins: ['bob'] } }), {}, ['self-lockout']],
    ['with the override', ws({ groupMembers: { admins: ['bob'] } }), { allowSelfLockout: true }, []],
    ['a group the caller is not in', ws({ groupMembers: { admins: ['carol'] } }), {}, []],
    [
      '… while another group, whose members the key cannot read, may keep the caller in',
      liveWorkspace([liveBinding('alice', OWNER), admins, liveBinding('ops', MANAGER, { subjectKind: 'Group' })], {
        groupMembers: { admins: ['carol'] },
      }),
      {},
      [],
    ],
    [
      'a group the caller is in, while another unread group may keep it in',
      liveWorkspace([liveBinding('alice', OWNER), admins, liveBinding('ops', MANAGER, { subjectKind: 'Group' })], {
        groupMembers: { admins: ['bob'] },
      }),
      {},
      ['self-lockout-unknown'],
    ],
    ['a group whose members the key cannot read', ws({ unread: ['group-members'] }), {}, ['self-lockout-unknown']],
    ['… with the override', ws({ unread: ['group-members'] }), { allowSelfLockout: true }, []],
  ])('%s', (_name, live, options, expected) => {
    expect(
      rules(
        selfLockout(
          ruleContext({ ws: live, caller: { username: 'bob', roles: [MANAGER] }, steps: [removeAdmins], options }),
        ),
      ),
    ).toEqual(expected);
  });

  test('the refusal names the groups it could not read', () => {
    const [f] = selfLockout(
      ruleContext({
        ws: ws({ unread: ['group-members'] }),
        caller: { username: 'bob', roles: [MANAGER] },
        steps: [removeAdmins],
      }),
    );
    expect(f.params).toEqual({ workspace: 'w', caller: 'bob', groups: ['admins'] });
  });
});

describe('fewerApprovers (4-eyes: a plan cannot remove the second approver and grant in the same go)', () => {
  const ws = liveWorkspace([liveBinding('alice', OWNER), liveBinding('bob', OWNER), liveBinding('erin', MEMBER)]);
  const fourEyes = {
    live: {
      platform: livePlatform({ fourEyes: { enabled: true, minApprovalCount: 2 } }),
    },
  };
  test.each([
    [
      'removing the co-Owner and granting a Manager',
      [grantStep('dave', MANAGER), removalStep('bob', OWNER)],
      {},
      fourEyes,
      ['fewer-approvers'],
    ],
    [
      '… and adding the co-Owner back with another binding',
      [grantStep('dave', MANAGER), grantStep('bob', MANAGER), removalStep('bob', OWNER)],
      {},
      fourEyes,
      ['fewer-approvers'],
    ],
    [
      'with the override',
      [grantStep('dave', MANAGER), removalStep('bob', OWNER)],
      { allowFewerApprovers: true },
      fourEyes,
      [],
    ],
    ['removing the co-Owner alone', [removalStep('bob', OWNER)], {}, fourEyes, []],
    [
      'granting while enough approvers stay',
      [grantStep('dave', MANAGER), removalStep('erin', MEMBER)],
      {},
      fourEyes,
      [],
    ],
    [
      'a group grant (not held by 4-eyes)',
      [
        grantStep('devs', MANAGER, { grant: { name: 'g', subject: { kind: 'Group', name: 'devs' }, role: MANAGER } }),
        removalStep('bob', OWNER),
      ],
      {},
      fourEyes,
      [],
    ],
    ['4-eyes off', [grantStep('dave', MANAGER), removalStep('bob', OWNER)], {}, {}, []],
  ])('%s', (_name, steps, options, extra, expected) => {
    expect(
      rules(
        fewerApprovers(ruleContext({ ws, caller: { username: 'alice', roles: [OWNER] }, steps, options, ...extra })),
      ),
    ).toEqual(expected);
  });

  test('a partner is not held by 4-eyes', () => {
    expect(
      fewerApprovers(
        ruleContext({
          ws,
          caller: { username: 'p', partner: true },
          steps: [grantStep('dave', MANAGER), removalStep('bob', OWNER)],
          ...fourEyes,
        }),
      ),
    ).toEqual([]);
  });
});
