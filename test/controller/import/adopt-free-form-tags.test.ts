/**
 * Adoption leaves an estate with free-form workspace tags working (issue 22): the ownership tag's
 * definition makes the platform check every workspace tag against definitions, so every key found is
 * defined first (import writes and creates them), and a plan never creates the ownership definition
 * while live workspaces carry tags no definition covers.
 */
import { claimOwnership } from '../../../controller/import/claim';
import { importEstate } from '../../../controller/import/model';
import { observe } from '../../../controller/observe/observe';
import { planAgainst } from '../../../controller/run';
import { findingMessage } from '../../../controller/render/describe';
import { OWNERSHIP_TAG_DEFINITION, OWNERSHIP_TAG_KEY } from '../../../core/rules';
import type { TagDefinition } from '../../../schemas/desired-state.generated';
import { MANAGER, OWNER, binding, desired, user, workspace } from '../../helpers/desired';
import { PLATFORMS, type TestPlatform } from '../../helpers/platforms';
import { PARTNER } from '../../helpers/sandbox';

const ESTATE: Array<{ name: string; tags: Record<string, string[]> }> = [
  { name: 'ff-1', tags: { costCenter: ['4711'], 'Owner.Email': ['ops@example.com'] } },
  { name: 'ff-2', tags: { costCenter: ['4712'], teams: ['blue', 'red'] } },
];

const definition = (key: string, valueType: TagDefinition['spec']['valueType'] = { string: {} }): TagDefinition => ({
  metadata: { name: `meshWorkspace.${key}` },
  spec: {
    targetKind: 'meshWorkspace',
    key,
    displayName: key,
    valueType,
    restricted: false,
    mandatory: false,
    immutable: false,
  },
});

describe.each(PLATFORMS)('adopting free-form workspace tags against the %s', (_name, make, caseOn) => {
  // The cases this row runs: plain ones, and those tagged with what it adds (test/helpers/platforms.ts).
  const test = caseOn;
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await make();
    const partner = platform.client(PARTNER);
    // Made in the panel before any tag definition existed: the platform checks nothing yet.
    for (const ws of ESTATE) await partner.workspaces.create({ name: ws.name, displayName: ws.name, tags: ws.tags });
    await partner.bindings.create({
      name: 'ff-1-bob',
      workspace: 'ff-1',
      subjectKind: 'User',
      subject: 'bob',
      role: MANAGER,
    });
  });
  afterAll(() => platform.close());

  test('a plan that would create the ownership definition over undefined tags is refused, saying what to do', async () => {
    const state = desired([workspace('ff-new', [binding(OWNER, user('alice'))])]);
    const { plan } = await planAgainst(
      platform.client(PARTNER),
      state,
      { endpoint: platform.endpoint },
      await platform.now(),
    );
    expect(plan.refusals.map((r) => r.rule)).toEqual(['ownership-tag-undefined-tags']);
    expect(findingMessage(plan.refusals[0])).toMatch(/Owner\.Email.*costCenter.*teams/);
    expect(findingMessage(plan.refusals[0])).toMatch(/meshform import/);
    // Declared in the code, the keys' definitions are created first, then the ownership one.
    const defined = {
      ...state,
      tagDefinitions: [
        definition('Owner.Email'),
        definition('costCenter'),
        definition('teams', { multiSelect: { options: ['blue', 'red'] } }),
      ],
    };
    const ok = (
      await planAgainst(platform.client(PARTNER), defined, { endpoint: platform.endpoint }, await platform.now())
    ).plan;
    expect(ok.refusals).toEqual([]);
    expect(ok.globalSteps.map((s) => s.definition.metadata.name)).toEqual([
      'meshWorkspace.Owner.Email',
      'meshWorkspace.costCenter',
      'meshWorkspace.teams',
      OWNERSHIP_TAG_DEFINITION.metadata.name,
    ]);
  });

  test('import defines every tag key it finds; every claim succeeds, and a Workspace Manager can still rename a tagged workspace', async () => {
    const api = platform.client(PARTNER);
    const live = await observe(api, { workspaces: 'all', now: await platform.now() });
    const estate = importEstate(live, { bindingManagement: 'additive', stack: 'ff' });
    expect(estate.tagDefinitions.map((d) => [d.metadata.name, d.spec.valueType])).toEqual([
      ['meshWorkspace.Owner.Email', { string: {} }],
      ['meshWorkspace.costCenter', { string: {} }],
      ['meshWorkspace.teams', { multiSelect: { options: ['blue', 'red'] } }],
    ]);
    const claim = await claimOwnership(api, live, estate.unowned, 'ff');
    expect(claim).toMatchObject({ claimed: ['ff-1', 'ff-2'], failed: [], lost: [] });
    const names = (await api.tagDefinitions.list()).map((d) => d.metadata.name).sort();
    expect(names).toEqual([
      'meshWorkspace.Owner.Email',
      'meshWorkspace.costCenter',
      OWNERSHIP_TAG_DEFINITION.metadata.name,
      'meshWorkspace.teams',
    ]);
    const bob = platform.client('bob');
    await bob.workspaces.update('ff-1', { displayName: 'Renamed in the panel', tags: {} });
    expect(await bob.workspaces.read('ff-1')).toMatchObject({
      displayName: 'Renamed in the panel',
      tags: { ...ESTATE[0].tags, [OWNERSHIP_TAG_KEY]: ['ff'] },
    });
  });
});
