import { invitationsUnsupported, reasonsNotRecorded } from '../../../../controller/plan/rules/unsupported';
import type { Capability } from '../../../../controller/client/types';
import { MEMBER } from '../../../helpers/desired';
import { grantStep, ruleContext } from '../../../helpers/rule-context';

const invited = grantStep('frank@example.com', MEMBER, {
  grant: {
    name: 'n-frank',
    subject: {
      kind: 'User',
      name: 'frank@example.com',
      invitation: { firstName: 'Frank', lastName: 'Example', email: 'frank@example.com' },
    },
    role: MEMBER,
  },
});
const withReason = grantStep('carol', MEMBER, {
  grant: { name: 'n-carol', subject: { kind: 'User', name: 'carol' }, role: MEMBER, reason: 'on-call' },
});
const deletion = {
  id: 'w:workspace:delete',
  kind: 'workspace' as const,
  action: 'delete' as const,
  workspace: 'w',
  reason: 'declared' as const,
  displayName: 'w',
  deletionReason: 'team dissolved',
};

const ctx = (steps: NonNullable<Parameters<typeof ruleContext>[0]>['steps'], capabilities: Capability[]) => {
  const base = ruleContext({ steps });
  return { ...base, live: { ...base.live, platform: { ...base.live.platform, capabilities } } };
};

describe('invitationsUnsupported', () => {
  test.each([
    ['an invitation where the platform has no invitation API', [invited], [], ['invitation-unsupported']],
    ['an invitation where it has one', [invited], ['invitations'], []],
    ['a grant to a known user', [grantStep('carol', MEMBER)], [], []],
  ] as const)('%s', (_name, steps, caps, expected) => {
    expect(invitationsUnsupported(ctx([...steps], [...caps])).map((f) => f.rule)).toEqual(expected);
  });
});

describe('reasonsNotRecorded', () => {
  test.each([
    ['a grant reason, no grant-reason API', [withReason], [], ['grant']],
    ['a grant reason the platform records', [withReason], ['grant-reasons'], []],
    ['a grant without a reason', [grantStep('carol', MEMBER)], [], []],
    ['a workspace deletion, no deletion-reason API', [deletion], [], ['deletion']],
    ['a workspace deletion the platform records the reason of', [deletion], ['deletion-reasons'], []],
  ] as const)('%s', (_name, steps, caps, expected) => {
    expect(
      reasonsNotRecorded(ctx([...steps] as never, [...caps])).map((f) => (f.params as { what: string }).what),
    ).toEqual(expected);
  });
});
