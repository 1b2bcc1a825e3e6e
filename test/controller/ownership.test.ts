/**
 * Ownership as a partner-only fact (issue 22): the `meshformStack` tag's definition is restricted, a
 * partner's stricter definition is kept, and a create that meets a workspace this stack cannot prove
 * its own fails that workspace's steps instead of granting into somebody else's workspace.
 */
import { type ApplyReport, apply } from '../../controller/apply/apply';
import { planAgainst } from '../../controller/run';
import { OWNERSHIP_TAG_DEFINITION, OWNERSHIP_TAG_KEY } from '../../core/rules';
import type { DesiredState } from '../../schemas/desired-state.generated';
import type { Plan } from '../../schemas/plan.generated';
import { MEMBER, OWNER, binding, desired, user, workspace } from '../helpers/desired';
import { PLATFORMS, type TestPlatform } from '../helpers/platforms';
import { PARTNER } from '../helpers/sandbox';

describe.each(PLATFORMS)('ownership against the %s', (_name, make, caseOn) => {
  // The cases this row runs: plain ones, and those tagged with what it adds (test/helpers/platforms.ts).
  const test = caseOn;
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await make();
  });
  afterAll(() => platform.close());

  const planFor = async (state: DesiredState): Promise<Plan> =>
    (await planAgainst(platform.client(PARTNER), state, { endpoint: platform.endpoint }, await platform.now())).plan;
  const outcome = (report: ApplyReport) => report.results.map((r) => `${r.step.id} ${r.status}`);
  const definitionSteps = (p: Plan) =>
    p.globalSteps.filter((s) => s.definition.metadata.name === OWNERSHIP_TAG_DEFINITION.metadata.name);
  const team = (name: string, stack = 'test') =>
    desired([workspace(name, [binding(OWNER, user('alice')), binding(MEMBER, user('bob'))])], {
      metadata: { name: stack },
    });

  test("a definition left unrestricted is made restricted, keeping the partner's wording; a stricter one is left alone", async () => {
    const api = platform.client(PARTNER);
    // As an earlier meshform left it (unrestricted), and a partner renamed it since.
    await api.tagDefinitions.put({
      ...OWNERSHIP_TAG_DEFINITION,
      spec: { ...OWNERSHIP_TAG_DEFINITION.spec, restricted: false, displayName: 'Owning stack' },
    });
    const first = await planFor(team('own-def'));
    expect(
      definitionSteps(first).map((s) => [s.action, s.definition.spec.restricted, s.definition.spec.displayName]),
    ).toEqual([['update', true, 'Owning stack']]);
    // A partner tightens it further: meshform needs none of that undone.
    await api.tagDefinitions.put({
      ...OWNERSHIP_TAG_DEFINITION,
      spec: {
        ...OWNERSHIP_TAG_DEFINITION.spec,
        restricted: true,
        displayName: 'Owning stack',
        description: 'Ask the platform team.',
      },
    });
    expect(definitionSteps(await planFor(team('own-def')))).toEqual([]);
  });

  test('a Workspace Manager can neither move a workspace to another stack nor strip its owner; a registrant cannot claim one', async () => {
    const report = await apply(platform.client(PARTNER), await planFor(team('own-fact')));
    expect(report.counts.failed).toBe(0);
    const alice = platform.client('alice');
    for (const owner of [['other'], []])
      await expect(
        alice.workspaces.update('own-fact', { displayName: 'own-fact', tags: { [OWNERSHIP_TAG_KEY]: owner } }),
      ).rejects.toMatchObject({ status: 403 });
    expect((await alice.workspaces.read('own-fact'))?.tags[OWNERSHIP_TAG_KEY]).toEqual(['test']);
    // Self-service registration with the tag set would have a stack manage (and grant Owners into) it unadopted.
    await expect(
      platform
        .client('carol')
        .workspaces.create({ name: 'own-squat', displayName: 'own-squat', tags: { [OWNERSHIP_TAG_KEY]: ['test'] } }),
    ).rejects.toMatchObject({ status: 403 });
  });

  test('a create that meets a workspace somebody registered first fails, and nothing is granted into it', async () => {
    const plan = await planFor(team('own-taken'));
    // Between plan and apply, a user registers the identifier.
    await platform.client('carol').workspaces.create({ name: 'own-taken', displayName: 'mine', tags: {} });
    const report = await apply(platform.client(PARTNER), plan);
    expect(outcome(report)).toEqual([
      'own-taken:workspace:create failed',
      expect.stringMatching(/ skipped$/),
      expect.stringMatching(/ skipped$/),
    ]);
    expect(report.results[0].error?.message).toMatch(/own-taken.*not .*this stack/);
    const subjects = (await platform.client(PARTNER).bindings.listWorkspaceBindings({ workspace: 'own-taken' })).map(
      (b) => b.subject,
    );
    expect(subjects).toEqual(['carol']);
  });

  test('two stacks create the same workspace: the loser fails that workspace cleanly, the winner keeps it', async () => {
    const winner = await planFor(team('own-race', 'winner'));
    const loser = await planFor(team('own-race', 'loser'));
    expect((await apply(platform.client(PARTNER), winner)).counts.failed).toBe(0);
    const lost = await apply(platform.client(PARTNER), loser);
    expect(lost.counts).toMatchObject({ applied: 0, failed: 1, skipped: 2 });
    expect(lost.results[0].error?.message).toMatch(/owned by meshform stack "winner"/);
    const live = await platform.client(PARTNER).workspaces.read('own-race');
    expect(live?.tags[OWNERSHIP_TAG_KEY]).toEqual(['winner']);
    // A create retried by the stack that made it (a lost response) is still its own.
    await expect(
      platform
        .client(PARTNER)
        .workspaces.create({ name: 'own-race', displayName: 'own-race', tags: { [OWNERSHIP_TAG_KEY]: ['winner'] } }),
    ).resolves.toBeUndefined();
  });

  test('a stack running with a non-partner key cannot create an owned workspace: refused in the plan, or by the platform [extensions]', async () => {
    const state = team('own-alice');
    const { plan } = await planAgainst(
      platform.client('alice'),
      state,
      { endpoint: platform.endpoint },
      await platform.now(),
    );
    if (platform.extensions) {
      expect(plan.refusals.map((r) => r.rule)).toContain('restricted-tag');
      return;
    }
    // The strict profile does not say who is calling: the plan cannot tell, the platform refuses the create.
    const report = await apply(platform.client('alice'), plan);
    expect(report.results[0].status).toBe('failed');
    expect(report.results[0].error?.message).toMatch(/restricted/);
    expect(await platform.client(PARTNER).workspaces.read('own-alice')).toBeUndefined();
  });
});
