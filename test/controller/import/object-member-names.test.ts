/**
 * Issue 22: names that are members of every JavaScript object (`constructor`, `toString`) are
 * identifiers like any other. Declared, planned, applied, imported and declared again, they plan to
 * nothing; no lookup finds Object's members instead of the platform's data.
 */
import { apply } from '../../../controller/apply/apply';
import { importEstate } from '../../../controller/import/model';
import { observe } from '../../../controller/observe/observe';
import { planAgainst } from '../../../controller/run';
import { addWorkspaces } from '../../../constructs';
import type { WorkspaceEntry } from '../../../schemas/workspace-data.generated';
import { PARTNER } from '../../helpers/sandbox';
import { fakePlatform } from '../../helpers/platforms';
import { synthOutputs, testStack } from '../../helpers/stack';

// Identifiers are lower-case: `constructor` is the member every object has that an identifier can name.
const NAMES = ['constructor', 'plain'];
const entry = (name: string): WorkspaceEntry => ({
  identifier: name,
  displayName: name,
  bindingManagement: 'authoritative',
  bindings: [{ role: 'Workspace Owner', user: 'alice' }],
  projects: [
    { identifier: 'constructor', displayName: 'c', bindings: [{ role: 'Project Admin', user: 'alice' }] },
    { identifier: 'plain', displayName: 'p' },
  ],
});

test('workspaces and projects named like Object members are created, then plan to nothing after import', async () => {
  const platform = fakePlatform();
  const api = platform.client(PARTNER);
  const now = await platform.now();
  const manifestOf = (entries: WorkspaceEntry[]) => {
    const stack = testStack({}, now.toISOString());
    addWorkspaces(stack, { workspaces: entries });
    return synthOutputs(stack).manifest;
  };
  const first = (await planAgainst(api, manifestOf(NAMES.map(entry)), { endpoint: 'names' }, now)).plan;
  expect(first.refusals).toEqual([]);
  expect(
    first.workspaces.map((w) => [w.name, w.steps.filter((s) => s.kind === 'workspace').map((s) => s.action)]),
  ).toEqual(NAMES.map((n) => [n, ['create']]));
  await apply(api, first);
  const live = await observe(api, { workspaces: NAMES, now });
  const estate = importEstate(live, { bindingManagement: 'authoritative', stack: 'test' });
  const again = (await planAgainst(api, manifestOf(estate.workspaces.map((w) => w.entry)), { endpoint: 'names' }, now))
    .plan;
  expect(again.refusals).toEqual([]);
  expect(again.workspaces.map((w) => ({ name: w.name, steps: w.steps }))).toEqual(
    NAMES.map((name) => ({ name, steps: [] })),
  );
});
