/**
 * Import round-trips what estates really hold (issue 22): a role held twice, a pending invitation.
 * Imported, declared and planned, the estate plans to nothing, and stays so when the invited
 * person logs in.
 */
import { apply } from '../../../controller/apply/apply';
import type { ApiClient } from '../../../controller/client/api';
import { importEstate, importLookups } from '../../../controller/import/model';
import { withSubjectLookups } from '../../../controller/observe/subjects';
import { observe } from '../../../controller/observe/observe';
import { planAgainst } from '../../../controller/run';
import { addWorkspaces } from '../../../constructs';
import { MEMBER, OWNER, binding, desired, user, workspace } from '../../helpers/desired';
import { fakePlatform } from '../../helpers/platforms';
import { PARTNER } from '../../helpers/sandbox';
import { synthOutputs, testStack } from '../../helpers/stack';

async function importThenPlan(
  api: ApiClient,
  name: string,
  now: Date,
  bindingManagement: 'additive' | 'authoritative',
) {
  const live = await observe(api, { workspaces: [name], now });
  const estate = importEstate(live, { bindingManagement, stack: 'test' });
  const stack = testStack({}, now.toISOString());
  addWorkspaces(stack, { workspaces: estate.workspaces.map((w) => w.entry) });
  const notes = estate.workspaces.flatMap((w) => w.notes.map((n) => n.text));
  return { plan: (await planAgainst(api, synthOutputs(stack).manifest, { endpoint: 'estates' }, now)).plan, notes };
}

test.each(['additive', 'authoritative'] as const)(
  'a role held twice by the same user (%s): additive plans to nothing after import; authoritative removes the second, as the import note says',
  async (bindingManagement) => {
    const platform = fakePlatform();
    const api = platform.client(PARTNER);
    const now = await platform.now();
    const seeded = (
      await planAgainst(api, desired([workspace('twice', [binding(OWNER, user('alice'))])]), { endpoint: 'seed' }, now)
    ).plan;
    await apply(api, seeded);
    const until = new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    for (const [name, expiryDate] of [
      ['twice-bob-1', undefined],
      ['twice-bob-2', until],
    ] as const)
      await api.bindings.create({
        name,
        workspace: 'twice',
        subjectKind: 'User',
        subject: 'bob',
        role: MEMBER,
        ...(expiryDate ? { expiryDate } : {}),
      });
    const { plan: p, notes } = await importThenPlan(api, 'twice', now, bindingManagement);
    expect(p.refusals).toEqual([]);
    expect(notes).toEqual([expect.stringMatching(/gives bob "Workspace Member" a second time/)]);
    const steps = p.workspaces.flatMap((w) => w.steps);
    if (bindingManagement === 'additive') expect(steps).toEqual([]);
    else
      expect(steps.map((s) => [s.action, s.kind, 'binding' in s ? s.binding.subject : undefined])).toEqual([
        ['delete', 'workspace-binding', 'bob'],
      ]);
  },
);

test('a pending invitation is imported as an invitation: it plans to nothing, before and after the person logs in', async () => {
  const platform = fakePlatform();
  const api = platform.client(PARTNER);
  const now = await platform.now();
  const email = 'jane.doe@example.com';
  const seeded = (
    await planAgainst(api, desired([workspace('invited', [binding(OWNER, user('alice'))])]), { endpoint: 'seed' }, now)
  ).plan;
  await apply(api, seeded);
  await api.bindings.create({
    name: 'invited-jane',
    workspace: 'invited',
    subjectKind: 'User',
    subject: email,
    role: MEMBER,
    invitation: { firstName: 'Jane', lastName: 'Doe' },
  });
  const observed = await observe(api, { workspaces: ['invited'], now });
  const live = await withSubjectLookups(api, observed, importLookups(observed));
  const estate = importEstate(live, { bindingManagement: 'authoritative', stack: 'test' });
  const entry = estate.workspaces[0].entry;
  expect(entry.bindings).toContainEqual(
    expect.objectContaining({ role: MEMBER, invite: expect.objectContaining({ email }) }),
  );
  expect(estate.workspaces[0].notes.map((n) => n.text)).toContainEqual(
    expect.stringMatching(/invitation of jane\.doe@example\.com/),
  );
  const planOf = async () => {
    const stack = testStack({}, now.toISOString());
    addWorkspaces(stack, { workspaces: [entry] });
    return (await planAgainst(api, synthOutputs(stack).manifest, { endpoint: 'estates' }, now)).plan;
  };
  expect((await planOf()).workspaces.flatMap((w) => w.steps)).toEqual([]);
  await platform.acceptInvitation('jane', email);
  const after = await planOf();
  expect(after.refusals).toEqual([]);
  expect(after.workspaces.flatMap((w) => w.steps)).toEqual([]);
});
