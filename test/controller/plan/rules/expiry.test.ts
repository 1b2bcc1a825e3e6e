import {
  expiringSoon,
  recertificationAssigned,
  recertificationUnknown,
} from '../../../../controller/plan/rules/expiry';
import type { Capability } from '../../../../controller/client/types';
import { ruleMessage } from '../../../../core/rules';
import { MANAGER, MEMBER, OWNER, binding, user, workspace } from '../../../helpers/desired';
import { grantStep, liveBinding, liveWorkspace, removalStep, ruleContext } from '../../../helpers/rule-context';

const DAY = 86_400_000;

describe('expiringSoon (now 2026-11-25T12:00Z)', () => {
  const declared = workspace('w', [
    binding(OWNER, user('alice')),
    binding(MEMBER, user('carol'), { expiryDate: '2026-12-01' }),
  ]);
  test.each([
    [
      'inside the horizon: the time until the end of the expiry day',
      { expiryDate: '2026-12-01' },
      30 * DAY,
      undefined,
      ['expiring-soon: 6.5'],
    ],
    ['beyond the horizon', { expiryDate: '2026-12-01' }, 3 * DAY, undefined, []],
    ['no horizon asked for', { expiryDate: '2026-12-01' }, undefined, undefined, []],
    ['no expiry', {}, 30 * DAY, undefined, []],
    ['the plan renews it already', { expiryDate: '2026-12-01' }, 30 * DAY, 'renew', []],
    ['the plan removes it', { expiryDate: '2026-12-01' }, 30 * DAY, 'remove', []],
  ])('%s', (_name, extra, horizon, planned, expected) => {
    const carol = liveBinding('carol', MEMBER, extra);
    const steps =
      planned === 'renew' ? [grantStep('carol', MEMBER)] : planned === 'remove' ? [removalStep('carol', MEMBER)] : [];
    const ctx = ruleContext({
      desired: declared,
      ws: liveWorkspace([liveBinding('alice', OWNER), carol]),
      steps,
      options: horizon === undefined ? {} : { expiringWithinMs: horizon },
    });
    expect(expiringSoon(ctx).map((f) => `${f.rule}: ${(f.params as { leftMs: number }).leftMs / DAY}`)).toEqual(
      expected,
    );
  });

  test.each([
    ['2026-11-25T14:00:00Z', 'in 2 hours'],
    ['2026-11-25T12:45:00Z', 'in 45 minutes'],
    ['2026-11-28', 'in 3 days'],
  ])('an expiry at %s reads "%s", not a rounded-up day', (expiryDate, words) => {
    const ctx = ruleContext({
      desired: workspace('w', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'), { expiryDate })]),
      ws: liveWorkspace([liveBinding('alice', OWNER), liveBinding('carol', MEMBER, { expiryDate })]),
      options: { expiringWithinMs: 30 * DAY },
    });
    expect(expiringSoon(ctx).map((f) => ruleMessage(f.rule, f.params))).toEqual([
      expect.stringContaining(`expires on ${expiryDate} (${words})`),
    ]);
  });

  test('a binding the code does not declare is not listed (it is not the code to renew)', () => {
    const ctx = ruleContext({
      desired: workspace('w', [binding(OWNER, user('alice'))]),
      ws: liveWorkspace([liveBinding('alice', OWNER), liveBinding('zed', MEMBER, { expiryDate: '2026-11-30' })]),
      options: { expiringWithinMs: 30 * DAY },
    });
    expect(expiringSoon(ctx)).toEqual([]);
  });
});

describe('recertificationUnknown', () => {
  const declared = workspace('w', [
    binding(OWNER, user('alice')),
    binding(MANAGER, user('bob')),
    binding(MANAGER, user('dave')),
  ]);
  const ws = liveWorkspace([
    liveBinding('alice', OWNER),
    liveBinding('bob', MANAGER, { expiryDate: '2026-12-20' }),
    liveBinding('dave', MANAGER, { expiryDate: '2026-12-10' }),
  ]);
  test.each<[string, Record<string, number> | undefined, Capability[], Record<string, number>, string[]]>([
    [
      'settings and history unknown (meshStack): one warning per role',
      undefined,
      [],
      {},
      ['recertification-unknown: bob, dave from 2026-12-10'],
    ],
    ['the platform shows its settings', { [MANAGER]: 30 }, [], {}, []],
    ['the platform shows its history', undefined, ['events'], {}, []],
    ['the code declares the role policy (then expiries are required)', undefined, [], { [MANAGER]: 30 }, []],
  ])('%s', (_name, settings, capabilities, recertification, expected) => {
    const base = ruleContext({ desired: declared, ws, recertification });
    const ctx = {
      ...base,
      live: { ...base.live, platform: { ...base.live.platform, recertification: settings, capabilities } },
    };
    expect(
      recertificationUnknown(ctx).map((f) => {
        const p = f.params as { subjects: string[]; expiry: string };
        return `${f.rule}: ${p.subjects.join(', ')} from ${p.expiry}`;
      }),
    ).toEqual(expected);
  });
});

describe('recertificationAssigned (now 2026-11-25T12:00Z)', () => {
  const messages = (ctx: ReturnType<typeof ruleContext>) =>
    recertificationAssigned(ctx).map((f) => `${f.rule}: ${ruleMessage(f.rule, f.params)}`);

  test('a grant the code leaves open, of a role the platform recertifies: a note with the date it lapses', () => {
    const ctx = ruleContext({ steps: [grantStep('carol', MEMBER)], recertification: { [MEMBER]: 30 } });
    expect(messages(ctx)).toEqual([
      'recertification-assigned: user "carol" as "Workspace Member": the platform gives this binding an expiry, 2026-12-25 (recertification every 30 days); the access lapses then unless the code renews it with an expiryDate.',
    ]);
  });

  test('a live binding the code leaves open, with the expiry the platform gave it: a note', () => {
    const ctx = ruleContext({
      desired: workspace('w', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'))]),
      ws: liveWorkspace([liveBinding('alice', OWNER), liveBinding('carol', MEMBER, { expiryDate: '2026-12-10' })]),
      recertification: { [MEMBER]: 30 },
    });
    expect(messages(ctx)).toEqual([
      'recertification-assigned: user "carol" as "Workspace Member": the platform gives this binding an expiry, 2026-12-10 (recertification every 30 days); the access lapses then unless the code renews it with an expiryDate.',
    ]);
  });

  test.each([
    ['the code declares the expiry', { expiryDate: '2026-12-10' }, { [MEMBER]: 30 }],
    ['the role is not recertified', {}, {}],
  ])('no note when %s', (_name, declared, recertification) => {
    const ctx = ruleContext({
      desired: workspace('w', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'), declared)]),
      ws: liveWorkspace([liveBinding('alice', OWNER), liveBinding('carol', MEMBER, { expiryDate: '2026-12-10' })]),
      steps: [{ ...grantStep('dave', MEMBER), grant: { ...grantStep('dave', MEMBER).grant, ...declared } }],
      recertification,
    });
    expect(messages(ctx)).toEqual([]);
  });
});
