/**
 * A saved plan is reviewed with one key and applied with another (the pull-request workflow: a
 * read-only key plans, the writing key applies at merge). What depends on who applies (a grant's
 * 4-eyes class and approvers) is the apply's business, not the reviewed plan's: it must not make the
 * plan stale. A plan that is stale says which fields of a step changed.
 */
import * as path from 'path';
import { StalePlanError } from '../../core/errors';
import { applySavedPlan, planAgainst } from '../../controller/run';
import type { DesiredState } from '../../schemas/desired-state.generated';
import type { Plan } from '../../schemas/plan.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, user, workspace } from '../helpers/desired';
import { meshform, platformEnv, scratch } from '../helpers/cli';
import { createOwnedWorkspace } from '../helpers/ownership';
import { PLATFORMS, type TestPlatform } from '../helpers/platforms';
import { PARTNER } from '../helpers/sandbox';

describe.each(PLATFORMS.slice(0, 2))('a saved plan applied with another key, against the %s', (_name, make) => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await make();
  });
  afterAll(() => platform.close());

  const planAs = async (key: string, state: DesiredState): Promise<Plan> =>
    (await planAgainst(platform.client(key), state, { endpoint: platform.endpoint }, await platform.now())).plan;
  const applySaved = async (key: string, saved: Plan, state: DesiredState) =>
    applySavedPlan(platform.client(key), saved, {
      endpoint: platform.endpoint,
      desired: state,
      now: await platform.now(),
    });

  test('under 4-eyes, a grant planned by bob (Manager) applies with alice (Owner): the approvers differ, the plan is not stale', async () => {
    // GIVEN alice (Owner) and bob (Manager), 4-eyes with two approvals
    const before = desired([workspace('sp-keys', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))])]);
    const partner = platform.client(PARTNER);
    await createOwnedWorkspace(partner, { name: 'sp-keys' });
    const setup = await planAs(PARTNER, before);
    expect(setup.refusals).toEqual([]);
    expect((await applySaved(PARTNER, setup, before)).counts.failed).toBe(0);
    await platform.setFourEyes(true, 2);
    try {
      // WHEN bob's key plans carol's grant (the reviewed plan) and alice's key applies it
      const after = desired([
        workspace('sp-keys', [
          binding(OWNER, user('alice')),
          binding(MANAGER, user('bob')),
          binding(MEMBER, user('carol')),
        ]),
      ]);
      const reviewed = await planAs('bob', after);
      const grant = reviewed.workspaces[0].steps.find((s) => s.kind === 'workspace-binding');
      expect(grant).toMatchObject({ approval: 'needs-approval', approvers: ['alice', 'a partner'] });
      const report = await applySaved('alice', reviewed, after);

      // THEN it applies: the grant is requested, and waits for the approval of someone other than alice
      expect(report.counts).toMatchObject({ failed: 0, skipped: 0, 'pending-approval': 1 });
      const applied = report.results.find((r) => r.step.kind === 'workspace-binding')!.step;
      expect(applied).toMatchObject({ approval: 'needs-approval', approvers: ['bob', 'a partner'] });
    } finally {
      await platform.setFourEyes(false);
    }
  });

  test('under 4-eyes, a renewal planned by bob (his grant waits) applies with the partner key (its grant would not): carol keeps her old binding until the new one is live, then the next run removes it', async () => {
    // GIVEN alice (Owner), bob (Manager) and carol (Member until a date), 4-eyes with two approvals
    const day = async (n: number) =>
      new Date((await platform.now()).getTime() + n * 86_400_000).toISOString().slice(0, 10);
    const carolUntil = (d: string) => binding(MEMBER, user('carol'), { expiryDate: d });
    const people = [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))];
    const before = desired([workspace('sp-renew', [...people, carolUntil(await day(10))])]);
    const partner = platform.client(PARTNER);
    await createOwnedWorkspace(partner, { name: 'sp-renew' });
    const setup = await planAs(PARTNER, before);
    expect(setup.refusals).toEqual([]);
    expect((await applySaved(PARTNER, setup, before)).counts.failed).toBe(0);
    await platform.setFourEyes(true, 2);
    try {
      // WHEN the pull request renews carol's binding: bob's key plans it (the reviewed plan), the partner's key applies it
      const after = desired([workspace('sp-renew', [...people, carolUntil(await day(40))])]);
      const reviewed = await planAs('bob', after);
      expect(reviewed.refusals).toEqual([]);
      expect(reviewed.workspaces[0].steps.map((s) => `${s.action}:${s.reason}`)).toEqual(['create:replaced']);
      const report = await applySaved(PARTNER, reviewed, after);

      // THEN it applies (the partner's grant needs no approval), and carol holds a Member binding throughout
      expect(report.counts).toMatchObject({ applied: 1, failed: 0, skipped: 0, 'pending-approval': 0 });
      const carol = async () =>
        (await partner.bindings.listWorkspaceBindings({ workspace: 'sp-renew' }))
          .filter((b) => b.subject === 'carol')
          .map((b) => b.expiryDate);
      expect((await carol()).sort()).toEqual([await day(10), await day(40)]);
      // AND the next run, with either key, removes the old one
      const next = await planAs(PARTNER, after);
      expect(next.workspaces[0].steps.map((s) => `${s.action}:${s.reason}`)).toEqual(['delete:replaced']);
      expect((await planAs('bob', after)).digest).toBe(next.digest);
      expect((await applySaved(PARTNER, next, after)).counts).toMatchObject({ applied: 1, failed: 0 });
      expect(await carol()).toEqual([await day(40)]);
    } finally {
      await platform.setFourEyes(false);
    }
  });

  test('a stale plan says which field of a step changed, not the same step twice', async () => {
    // GIVEN a reviewed plan that sets the display name, then the display name changes in meshPanel
    const state = desired([workspace('sp-stale', [binding(OWNER, user('alice'))], { displayName: 'Stale New' })]);
    const partner = platform.client(PARTNER);
    await createOwnedWorkspace(partner, { name: 'sp-stale', displayName: 'Stale Old' });
    await partner.bindings.create({
      name: 'sp-stale-alice',
      workspace: 'sp-stale',
      subjectKind: 'User',
      subject: 'alice',
      role: OWNER,
    });
    const reviewed = await planAs(PARTNER, state);
    expect(reviewed.workspaces[0].steps.map((s) => s.id)).toEqual(['sp-stale:workspace:update']);
    await partner.workspaces.update('sp-stale', { displayName: 'Stale Meanwhile', tags: {} });

    // WHEN it is applied, THEN it is refused, and the message shows the field and both values
    const refused = await applySaved(PARTNER, reviewed, state).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(StalePlanError);
    expect((refused as StalePlanError).changes).toEqual([
      'changed since the saved plan: update workspace sp-stale: display name (before.displayName: "Stale Old" → "Stale Meanwhile")',
    ]);
  });
});

/**
 * The pull-request workflow as its jobs run it: `meshform plan --out plan.json` with the key of the
 * pull request's job, `meshform apply plan.json` at merge with the writing key (a partner's here). On
 * the sandbox the planning key is bob's (a Manager: his own grants wait); on the meshstack profile,
 * which does not say who calls, it is dave's, a Workspace Member's: a read-only key.
 */
describe.each([
  ['sandbox', 'bob'],
  ['sandbox, meshstack profile', 'dave'],
])('the pull-request workflow on the %s: %s plans, the partner key applies the saved plan', (name, reviewer) => {
  let platform: TestPlatform;
  const files = scratch('pr-workflow');
  beforeAll(async () => {
    platform = await PLATFORMS.find(([n]) => n === name)![1]();
  });
  afterAll(async () => {
    files.dispose();
    await platform.close();
  });
  const cli = (args: string[], key: string) => meshform(args, { env: platformEnv(platform.endpoint, key) });

  test('a renewal under 4-eyes: the reviewed plan applies at merge, and carol keeps access throughout', async () => {
    // GIVEN alice (Owner), bob (Manager), dave and carol (Members; carol until a date), 4-eyes with two approvals
    const day = async (n: number) =>
      new Date((await platform.now()).getTime() + n * 86_400_000).toISOString().slice(0, 10);
    const code = async (carolUntil: string) =>
      files.json(
        `pr-${carolUntil}`,
        desired([
          workspace('pr-renew', [
            binding(OWNER, user('alice')),
            binding(MANAGER, user('bob')),
            binding(MEMBER, user('dave')),
            binding(MEMBER, user('carol'), { expiryDate: carolUntil }),
          ]),
        ]),
      );
    const [before, after] = [await code(await day(10)), await code(await day(40))];
    await createOwnedWorkspace(platform.client(PARTNER), { name: 'pr-renew' });
    expect((await cli(['apply', '--manifest', before, '--auto-approve'], PARTNER)).code).toBe(0);
    await platform.setFourEyes(true, 2);
    try {
      // WHEN the pull request's job plans the renewal with the reviewer's key, and the merge applies it with the partner's
      const planFile = path.join(files.dir, 'plan.json');
      const planned = await cli(['plan', '--manifest', after, '--out', planFile, '--detailed-exitcode'], reviewer);
      expect(planned.code).toBe(2);
      const applied = await cli(['apply', planFile, '--manifest', after], PARTNER);

      // THEN the reviewed plan applies (not stale), and carol holds both bindings until a later run removes the old one
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      const carol = (await platform.client(PARTNER).bindings.listWorkspaceBindings({ workspace: 'pr-renew' }))
        .filter((b) => b.subject === 'carol')
        .map((b) => b.expiryDate)
        .sort();
      expect(carol).toEqual([await day(10), await day(40)]);
    } finally {
      await platform.setFourEyes(false);
    }
  });
});
