import {
  callerRights,
  deletionRights,
  fewerApprovers,
  selfLockout,
  workspaceWritable,
} from '../../../../controller/plan/rules/caller';
import type { Step } from '../../../../schemas/plan.generated';
import { MANAGER, MEMBER, OWNER } from '../../../helpers/desired';
import { grantStep, liveBinding, liveWorkspace, removalStep, ruleContext } from '../../../helpers/rule-context';

const rules = (fs: Array<{ rule: string }>) => fs.map((f) => f.rule);
const deleteWs: Step = {
  id: 'd',
  kind: 'workspace',
  action: 'delete',
  workspace: 'w',
  reason: 'declared-deletion',
  displayName: 'w',
  deletionReason: 'x',
};

describe('callerRights', () => {
  test.each([
    ['a Member with changes', { username: 'dave', roles: [MEMBER] }, [grantStep('erin', MEMBER)], ['caller-rights']],
    ['a Member without changes', { username: 'dave', roles: [MEMBER] }, [], []],
    ['a Manager', { username: 'bob', roles: [MANAGER] }, [grantStep('erin', MEMBER)], []],
    ['someone with no role', { username: 'zoe', roles: [] }, [grantStep('erin', MEMBER)], ['caller-rights']],
    ['a partner', { username: 'p', partner: true }, [grantStep('erin', MEMBER)], []],
  ])('%s', (_name, caller, steps, expected) => {
    expect(rules(callerRights(ruleContext({ caller, steps })))).toEqual(expected);
  });

  test('an unknown caller is not refused (the plan warns instead)', () => {
    expect(callerRights(ruleContext({ steps: [grantStep('erin', MEMBER)] }))).toEqual([]);
  });
});

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

describe('deletionRights', () => {
  test.each([
    ['a Manager deletes', { username: 'bob', roles: [MANAGER] }, ['deletion-rights']],
    ['an Owner deletes', { username: 'alice', roles: [OWNER] }, []],
    ['a partner deletes', { username: 'p', partner: true }, []],
  ])('%s', (_name, caller, expected) => {
    expect(rules(deletionRights(ruleContext({ caller, steps: [deleteWs] })))).toEqual(expected);
  });
});

describe('workspaceWritable', () => {
  const disabled = liveWorkspace([], {
    status: { name: 'w', status: 'disabled', approval: 'approved', projectQuota: null, projectCount: 0 },
  });
  const pending = liveWorkspace([], {
    status: { name: 'w', status: 'active', approval: 'pending', projectQuota: null, projectCount: 0 },
  });
  test.each([
    [
      'changes to a disabled workspace by its Owner',
      disabled,
      { username: 'alice', roles: [OWNER] },
      [grantStep('erin', MEMBER)],
      ['workspace-not-writable'],
    ],
    [
      'changes to a workspace waiting for approval',
      pending,
      { username: 'alice', roles: [OWNER] },
      [grantStep('erin', MEMBER)],
      ['workspace-not-writable'],
    ],
    ['no changes to a disabled workspace', disabled, { username: 'alice', roles: [OWNER] }, [], []],
    ['changes by a partner', disabled, { username: 'p', partner: true }, [grantStep('erin', MEMBER)], []],
  ])('%s', (_name, ws, caller, steps, expected) => {
    expect(rules(workspaceWritable(ruleContext({ ws, caller, steps })))).toEqual(expected);
  });
});

describe('fewerApprovers (4-eyes: a plan cannot remove the second approver and grant in the same go)', () => {
  const ws = liveWorkspace([liveBinding('alice', OWNER), liveBinding('bob', OWNER), liveBinding('erin', MEMBER)]);
  const fourEyes = {
    live: {
      platform: {
        version: 'x',
        fourEyes: { enabled: true, minApprovalCount: 2 },
        recertification: {},
        capabilities: [],
      },
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
