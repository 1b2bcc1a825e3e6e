/** The facts a plan declares it needs: observe reads exactly these. */
import { firstFacts, moreFacts } from '../../../controller/plan/facts';
import { MANAGER, MEMBER, OWNER, binding, desired, group, project, user, workspace } from '../../helpers/desired';
import { liveBinding, livePlatform, liveWorkspace, ruleContext } from '../../helpers/rule-context';

describe('firstFacts', () => {
  const state = desired([
    workspace('a', [binding(OWNER, user('alice')), binding(MEMBER, group('devs'))], {
      projects: [project('a', 'web', [binding('Project User', user('carol'))])],
    }),
    workspace('b', [binding(OWNER, user('bob'))]),
  ]);

  test('a full plan reads the declared workspaces, and looks for owned ones that left the code', () => {
    expect(firstFacts(state, { endpoint: 'x' })).toEqual({
      workspaces: ['a', 'b'],
      invitedEmails: [],
      // carol's project role may rest on the group: its members are read
      groupsOf: ['a'],
      projectRoles: true,
      ownedBy: state.metadata.name,
    });
  });

  test('a scoped plan reads its workspaces only, and nothing for the others', () => {
    expect(firstFacts(state, { endpoint: 'x', workspaces: ['b'] })).toEqual({
      workspaces: ['b'],
      invitedEmails: [],
      groupsOf: [],
      projectRoles: false,
    });
  });
});

describe('moreFacts', () => {
  test('looks up only subjects not bound in their workspace yet, never invitations; groups only of live workspaces', () => {
    const frank = {
      kind: 'User' as const,
      name: 'frank@x.io',
      invitation: { firstName: 'F', lastName: 'X', email: 'frank@x.io' },
    };
    const declared = [
      workspace(
        'w',
        [
          binding(OWNER, user('alice')),
          binding(MEMBER, user('bob')),
          binding(MEMBER, frank),
          binding(MEMBER, group('devs')),
        ],
        {
          projects: [project('w', 'web', [binding('Project User', user('carol'))])],
        },
      ),
      workspace('new', [binding(OWNER, user('dave')), binding(MEMBER, group('ops'))]),
    ];
    const base = ruleContext({ ws: liveWorkspace([liveBinding('alice', OWNER)]) });
    expect(moreFacts(declared, base.live)).toEqual({
      expiryHistoryOf: [],
      users: ['bob', 'carol', 'dave'],
      groupsOf: ['w'],
    });
  });

  describe('under 4-eyes, the members of a group holding Workspace Manager approve a user grant: read where the code may grant one', () => {
    const admins = liveBinding('admins', MANAGER, { subjectKind: 'Group' });
    const live = (fourEyes: boolean) =>
      ruleContext({
        ws: liveWorkspace([liveBinding('alice', OWNER), admins, liveBinding('bob', MEMBER)]),
        live: {
          platform: livePlatform({ fourEyes: { enabled: fourEyes, minApprovalCount: 2 } }),
        },
      }).live;
    const code = (...more: ReturnType<typeof binding>[]) => [
      workspace('w', [
        binding(OWNER, user('alice')),
        binding(MANAGER, group('admins')),
        binding(MEMBER, user('bob')),
        ...more,
      ]),
    ];
    test.each([
      ['a new user binding', true, code(binding(MEMBER, user('carol'))), ['w']],
      [
        'a renewal (an expiry in code)',
        true,
        code(binding(MEMBER, user('carol'), { expiryDate: '2027-01-01' })),
        ['w'],
      ],
      ['4-eyes off', false, code(binding(MEMBER, user('carol'))), []],
      ['every user binding live already', true, code(), []],
      [
        'the code removes the group (the caller may manage through it)',
        false,
        [workspace('w', [binding(OWNER, user('alice')), binding(MEMBER, user('bob'))])],
        ['w'],
      ],
      [
        '… where the code is additive (nothing is removed)',
        false,
        [workspace('w', [binding(OWNER, user('alice')), binding(MEMBER, user('bob'))], { additive: true })],
        [],
      ],
    ])('%s', (_name, fourEyes, declared, groupsOf) => {
      expect(moreFacts(declared, live(fourEyes)).groupsOf).toEqual(groupsOf);
    });
  });
});
