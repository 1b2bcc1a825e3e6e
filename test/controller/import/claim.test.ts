/** import's claim (the one write it makes): re-read after writing, so a claim lost to another stack is said. */
import type { ApiClient } from '../../../controller/client/api';
import type { AttributeChange } from '../../../controller/client/types';
import { FakePlatform } from '../../../controller/client/fake-client';
import { claimOwnership } from '../../../controller/import/claim';
import { observe } from '../../../controller/observe/observe';
import { OWNERSHIP_TAG_KEY } from '../../../core/rules';

async function unownedEstate(names: string[]) {
  const fake = new FakePlatform();
  const api = fake.client();
  for (const name of names) await api.workspaces.create({ name, displayName: name, tags: {} });
  return { api, live: await observe(api, { workspaces: 'all', now: fake.clock }) };
}

test('a claim another stack overwrote at the same moment is reported lost, not claimed', async () => {
  const { api, live } = await unownedEstate(['c-1', 'c-2']);
  // Both stacks read c-2 unowned, and the other stack's write lands just after ours: the last write wins.
  const racing: ApiClient = Object.assign(Object.create(api) as ApiClient, {
    workspaces: {
      ...api.workspaces,
      update: async (name: string, change: AttributeChange, expected?: AttributeChange) => {
        await api.workspaces.update(name, change, expected);
        if (name === 'c-2')
          await api.workspaces.update(name, { displayName: name, tags: { [OWNERSHIP_TAG_KEY]: ['other'] } });
      },
    },
  });
  const report = await claimOwnership(racing, live, ['c-1', 'c-2'], 'test');
  expect(report.claimed).toEqual(['c-1']);
  expect(report.lost).toEqual([{ workspace: 'c-2', owner: 'other' }]);
  expect(report.failed).toEqual([]);
});

test('claims nobody raced are all reported claimed, and the platform agrees', async () => {
  const { api, live } = await unownedEstate(['d-1', 'd-2']);
  const report = await claimOwnership(api, live, ['d-1', 'd-2'], 'test');
  expect(report).toMatchObject({ claimed: ['d-1', 'd-2'], lost: [], failed: [] });
  expect((await api.workspaces.list()).map((w) => w.tags[OWNERSHIP_TAG_KEY])).toEqual([['test'], ['test']]);
});
