/**
 * The strict `meshstack` profile answers the least convenient way meshStack's OpenAPI document
 * allows (issue 21): what a client must cope with on a real meshStack, shown here first.
 */
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture(['--profile', 'meshstack']);
  const partner = f.as(PARTNER);
  await partner.mesh('tagDefinition', 'POST', '/meshtagdefinitions', {
    apiVersion: 'v1',
    kind: 'meshTagDefinition',
    metadata: { name: 'meshWorkspace.costCenter' },
    spec: {
      targetKind: 'meshWorkspace',
      key: 'costCenter',
      displayName: 'Cost center',
      valueType: { string: {} },
      restricted: false,
      mandatory: false,
      immutable: false,
    },
  });
  await partner.createWorkspace('st-a');
});
afterAll(() => f.sandbox.close());

test('an empty binding page has no _embedded; a non-empty one has', async () => {
  const empty = await f
    .as(PARTNER)
    .mesh('wsUserBinding', 'GET', '/meshworkspacebindings/userbindings?workspaceIdentifier=st-a');
  expect(empty.status).toBe(200);
  expect(empty.data).not.toHaveProperty('_embedded');
  expect(empty.data.page).toMatchObject({ totalElements: 0 });
  await f.as(PARTNER).grant('st-a', 'alice', 'Workspace Owner');
  const one = await f
    .as(PARTNER)
    .mesh('wsUserBinding', 'GET', '/meshworkspacebindings/userbindings?workspaceIdentifier=st-a');
  expect(one.data._embedded.meshWorkspaceUserBindings).toHaveLength(1);
});

test('objects carry fields meshform does not know, leave out nulls, and list every defined tag key', async () => {
  const ws = (await f.as(PARTNER).mesh('workspace', 'GET', '/meshworkspaces/st-a')).data;
  expect(ws.metadata.uuid).toMatch(/^[0-9a-f]{32}$/);
  expect(ws.revision).toBe(1);
  expect(ws.metadata.tags).toMatchObject({ costCenter: [] });
  await f.as(PARTNER).createProject('st-a', 'web');
  const p = (await f.as(PARTNER).mesh('project', 'GET', '/meshprojects/st-a.web')).data;
  expect(p.spec).not.toHaveProperty('substitutePaymentMethodIdentifier');
});

test('a page read without until shifts when an object is created between reads; with a fixed until it does not', async () => {
  const partner = f.as(PARTNER);
  for (const n of ['st-m', 'st-n', 'st-o']) await partner.createWorkspace(n);
  const names = async (query: string) =>
    ((await partner.mesh('workspace', 'GET', `/meshworkspaces?${query}`)).data._embedded?.meshWorkspaces ?? []).map(
      (w: { metadata: { name: string } }) => w.metadata.name,
    );
  const until = new Date((await partner.ext('GET', '/clock')).data.now).toISOString();
  const first = await names('page=0&size=2');
  const firstUntil = await names(`page=0&size=2&until=${until}`);
  await partner.createWorkspace('0-shift'); // sorts first: every later page shifts by one
  const second = await names('page=1&size=2');
  const secondUntil = await names(`page=1&size=2&until=${until}`);
  expect(first.filter((n: string) => second.includes(n))).not.toEqual([]);
  expect(firstUntil.filter((n: string) => secondUntil.includes(n))).toEqual([]);
});

test('a second binding under a taken name is a 409', async () => {
  const body = (subject: string) => ({
    apiVersion: 'v2',
    kind: 'meshWorkspaceUserBinding',
    metadata: { name: 'st-dup' },
    roleRef: { name: 'Workspace Member' },
    targetRef: { name: 'st-a' },
    subject: { name: subject },
  });
  const partner = f.as(PARTNER);
  expect((await partner.mesh('wsUserBinding', 'POST', '/meshworkspacebindings/userbindings', body('bob'))).status).toBe(
    201,
  );
  expect(
    (await partner.mesh('wsUserBinding', 'POST', '/meshworkspacebindings/userbindings', body('carol'))).status,
  ).toBe(409);
});

test('lists honour sort=createdAt,desc and sort=name (as meshStack CLI reads them); another sort is a 400', async () => {
  const partner = f.as(PARTNER);
  // Created out of name order, a second apart.
  for (const n of ['st-sort-b', 'st-sort-c', 'st-sort-a']) {
    await partner.createWorkspace(n);
    await partner.grant(n, 'alice', 'Workspace Owner', { name: `${n}-owner` });
    await partner.ext('POST', '/clock', { advance: '1s' });
  }
  const mine = (names: string[]) => names.filter((n) => n.startsWith('st-sort-'));
  const workspaces = async (sort: string) =>
    mine(
      (
        (await partner.mesh('workspace', 'GET', `/meshworkspaces?size=1000&sort=${sort}`)).data._embedded
          ?.meshWorkspaces ?? []
      ).map((w: { metadata: { name: string } }) => w.metadata.name),
    );
  const bindings = async (sort: string) =>
    mine(
      (
        (await partner.mesh('wsUserBinding', 'GET', `/meshworkspacebindings/userbindings?size=1000&sort=${sort}`)).data
          ._embedded?.meshWorkspaceUserBindings ?? []
      ).map((b: { targetRef: { name: string } }) => b.targetRef.name),
    );
  expect(await workspaces('createdAt,desc')).toEqual(['st-sort-a', 'st-sort-c', 'st-sort-b']);
  expect(await workspaces('createdAt,asc')).toEqual(['st-sort-b', 'st-sort-c', 'st-sort-a']);
  expect(await workspaces('name,desc')).toEqual(['st-sort-c', 'st-sort-b', 'st-sort-a']);
  expect(await bindings('createdAt,desc')).toEqual(['st-sort-a', 'st-sort-c', 'st-sort-b']);
  const bad = await partner.mesh('workspace', 'GET', '/meshworkspaces?sort=displayName;drop');
  expect({ status: bad.status, message: bad.data.message }).toEqual({
    status: 400,
    message: expect.stringContaining('sort'),
  });
});
