/**
 * The import contract on random live estates, against the fake and the sandbox: whatever is live,
 * `import` writes entries that, declared with the constructs and synthesized, plan to nothing (no
 * step, no refusal). Estates come from random desired states applied by a partner, then changed
 * out of band (a binding added behind meshform's back), with names that no code may be broken by.
 */
import fc from 'fast-check';
import { apply } from '../../../controller/apply/apply';
import type { ApiClient } from '../../../controller/client/api';
import { claimOwnership } from '../../../controller/import/claim';
import { importEstate } from '../../../controller/import/model';
import { observe } from '../../../controller/observe/observe';
import { planAgainst } from '../../../controller/run';
import { addWorkspaces, TagDefinition, TagValueType } from '../../../constructs';
import { OWNERSHIP_TAG_KEY, owningStackOf } from '../../../core/rules';
import type { TagDefinition as TagDefinitionJson, Workspace } from '../../../schemas/desired-state.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';
import { PARTNER } from '../../helpers/sandbox';
import { fakePlatform, sandboxPlatform, type TestPlatform } from '../../helpers/platforms';
import { synthOutputs, testStack } from '../../helpers/stack';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const ENVIRONMENTS: [string, ...string[]] = ['dev', 'prod'];

const TAG_DEFINITIONS: TagDefinitionJson[] = [
  {
    metadata: { name: 'meshWorkspace.costCenter' },
    spec: {
      targetKind: 'meshWorkspace',
      key: 'costCenter',
      displayName: "Cost 'center'",
      valueType: { string: { validationRegex: '^[0-9]{4}$' } },
      restricted: false,
      mandatory: false,
      immutable: false,
    },
  },
  {
    metadata: { name: 'meshWorkspace.labels' },
    spec: {
      targetKind: 'meshWorkspace',
      key: 'labels',
      displayName: 'Labels',
      valueType: { multiSelect: { options: ['a', 'b\\c', "d'e"] } },
      restricted: false,
      mandatory: false,
      immutable: false,
    },
  },
  {
    metadata: { name: 'meshProject.environment' },
    spec: {
      targetKind: 'meshProject',
      key: 'environment',
      displayName: 'Environment',
      description: 'where it runs */ not code',
      valueType: { singleSelect: { options: ENVIRONMENTS } },
      restricted: false,
      mandatory: false,
      immutable: false,
    },
  },
];

/** Display names a person may type, and a few that would break code that pasted them in. */
const displayName = fc.oneof(
  fc.constantFrom(
    "O'Brien's team",
    'back\\slash',
    '*/ alert(1) /*',
    '${process.exit(1)}',
    'line\u2028separator',
    'Zoë – Ünïcode',
    'tab\there',
  ),
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0 && !/[\u0000-\u001f]/.test(s)),
);

const workspaceArb = fc.record({
  displayName,
  bindings: fc
    .uniqueArray(
      fc.record({
        role: fc.constantFrom(OWNER, MANAGER, MEMBER),
        user: fc.constantFrom(...USERS),
        expires: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
      }),
      { selector: (b) => `${b.role}|${b.user}`, minLength: 1, maxLength: 6 },
    )
    .filter((bs) => bs.filter((b) => b.role === OWNER).length <= 2),
  projects: fc.uniqueArray(
    fc.record({
      env: fc.constantFrom(...ENVIRONMENTS),
      displayName,
      tagged: fc.boolean(),
      role: fc.constantFrom('Project Admin', 'Project User', 'Project Reader'),
    }),
    { selector: (p) => p.env, maxLength: 2 },
  ),
  costCenter: fc.option(fc.integer({ min: 1000, max: 9999 }).map(String), { nil: undefined }),
  labels: fc.subarray(['a', 'b\\c', "d'e"]),
  quota: fc.option(fc.integer({ min: 2, max: 9 }), { nil: undefined }),
  outOfBand: fc.option(fc.constantFrom(...USERS), { nil: undefined }),
  /** Made in the panel, as far as ownership goes: no stack owns it, so import claims it. */
  unowned: fc.boolean(),
});

const estateArb = fc.array(workspaceArb, { minLength: 1, maxLength: 3 });

const day = (now: Date, n: number) => new Date(now.getTime() + n * 86_400_000).toISOString().slice(0, 10);

type WorkspaceCase = typeof workspaceArb extends fc.Arbitrary<infer T> ? T : never;

function toWorkspace(name: string, w: WorkspaceCase, now: Date): Workspace {
  const holders = w.bindings.map((b) => b.user);
  return workspace(
    name,
    w.bindings.map((b) =>
      binding(b.role, user(b.user), b.expires === undefined ? {} : { expiryDate: day(now, b.expires) }),
    ),
    {
      displayName: w.displayName,
      tags: {
        ...(w.costCenter ? { costCenter: [w.costCenter] } : {}),
        ...(w.labels.length ? { labels: w.labels } : {}),
      },
      ...(w.quota !== undefined ? { projectQuota: w.quota } : {}),
      projects: w.projects.map((p) =>
        project(name, `${name}-${p.env}`, [binding(p.role, user(holders[0]))], {
          displayName: p.displayName,
          tags: p.tagged ? { environment: [p.env] } : {},
        }),
      ),
    },
  );
}

/** Import what is live in `names`, declare it with the constructs as `main.ts` would, synthesize, plan. */
async function importThenPlan(
  api: ApiClient,
  names: string[],
  now: Date,
  bindingManagement: 'additive' | 'authoritative',
) {
  const live = await observe(api, { workspaces: names, now });
  const estate = importEstate(live, { bindingManagement, stack: 'test' });
  const claim = await claimOwnership(api, live, estate.unowned, 'test');
  expect(claim.failed).toEqual([]);
  expect(claim.claimed).toEqual(names.filter((n) => owningStackOf(live.workspaces[n].tags) === undefined));
  const stack = testStack({}, now.toISOString());
  for (const d of estate.tagDefinitions.filter((t) =>
    TAG_DEFINITIONS.some((x) => x.metadata.name === t.metadata.name),
  )) {
    const vt = d.spec.valueType;
    new TagDefinition(stack, d.metadata.name, {
      targetKind: d.spec.targetKind,
      key: d.spec.key,
      displayName: d.spec.displayName,
      ...(d.spec.description !== undefined ? { description: d.spec.description } : {}),
      valueType: vt.singleSelect
        ? TagValueType.singleSelect(vt.singleSelect.options)
        : vt.multiSelect
          ? TagValueType.multiSelect(vt.multiSelect.options)
          : TagValueType.string(vt.string ?? {}),
    });
  }
  addWorkspaces(stack, { workspaces: estate.workspaces.map((w) => w.entry) });
  const { manifest } = synthOutputs(stack);
  return (await planAgainst(api, manifest, { endpoint: 'import-roundtrip' }, now)).plan;
}

const CASES: Array<[string, () => Promise<TestPlatform>, number]> = [
  ['fake', async () => fakePlatform(), 60],
  ['sandbox', () => sandboxPlatform('default'), 12],
  ['sandbox, meshstack profile', () => sandboxPlatform('meshstack'), 8],
];

describe.each(CASES)('import on %s', (_name, make, runs) => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await make();
  });
  afterAll(() => platform.close());

  test('after import, synth then plan is empty for every random live estate', async () => {
    const api = platform.client(PARTNER);
    const now = await platform.now();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(estateArb, fc.boolean(), async (estate, authoritative) => {
        const names = estate.map((_, i) => `imp-${run}-${i}`);
        run++;
        const seeded = (
          await planAgainst(
            api,
            desired(
              estate.map((w, i) => toWorkspace(names[i], w, now)),
              { tagDefinitions: TAG_DEFINITIONS },
            ),
            { endpoint: 'seed' },
            now,
          )
        ).plan;
        expect(seeded.refusals).toEqual([]);
        await apply(api, seeded);
        // Behind meshform's back: a Member granted in the panel; some workspaces no stack owns.
        for (const [i, w] of estate.entries()) {
          if (w.unowned)
            await api.workspaces.update(names[i], { displayName: w.displayName, tags: { [OWNERSHIP_TAG_KEY]: [] } });
          if (w.outOfBand && !w.bindings.some((b) => b.role === MEMBER && b.user === w.outOfBand))
            await api.bindings.create({
              name: `oob-${names[i]}`,
              workspace: names[i],
              subjectKind: 'User',
              subject: w.outOfBand,
              role: MEMBER,
            });
        }
        const p = await importThenPlan(api, names, now, authoritative ? 'authoritative' : 'additive');
        expect(p.refusals).toEqual([]);
        expect(p.globalSteps).toEqual([]);
        expect(p.workspaces.map((w) => ({ name: w.name, steps: w.steps }))).toEqual(
          names.map((name) => ({ name, steps: [] })),
        );
      }),
      { numRuns: runs, seed: 20261201 },
    );
  });
});
