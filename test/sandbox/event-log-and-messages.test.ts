/** The sandbox's event log and messages to workspace users: meshStack's shapes, filters and rights. */
import { MEMBER, OWNER, PARTNER, type SandboxFixture, media, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
  const partner = f.as(PARTNER);
  await partner.createWorkspace('log-a');
  await partner.grant('log-a', 'alice', OWNER);
  await partner.grant('log-a', 'carol', MEMBER);
  await partner.createWorkspace('log-b');
  await partner.grant('log-b', 'bob', OWNER);
});
afterAll(() => f.sandbox.close());

type Entry = { metadata: { uuid: string }; spec: { title: string; eventType: string; workspaceRef: { name: string } } };
const logOf = async (key: string, query: string) => {
  const res = await f.as(key).mesh('eventLog', 'GET', `/mesheventlogs?${query}`);
  return { status: res.status, entries: (res.data?._embedded?.meshEventLogs ?? []) as Entry[] };
};

describe('the event log', () => {
  test("a workspace's log in meshStack's shape, oldest first, filtered by event type", async () => {
    const all = await logOf(PARTNER, 'workspaceIdentifier=log-a');
    expect(all.status).toBe(200);
    expect(all.entries.map((e) => e.spec.title)).toEqual([
      'Workspace Created',
      'Workspace User Role Added',
      'Workspace User Role Added',
    ]);
    expect(all.entries[1]).toMatchObject({
      apiVersion: 'v1',
      kind: 'meshEventLog',
      spec: {
        eventType: 'Added',
        workspaceRef: { kind: 'meshWorkspace', name: 'log-a' },
        content: { username: 'alice', role: OWNER },
        previousContent: null,
      },
      status: { created: { author: { type: 'User', username: 'partner.admin' } } },
    });
    const newest = await logOf(PARTNER, 'workspaceIdentifier=log-a&sort=createdAt,desc');
    expect(newest.entries.map((e) => e.metadata.uuid)).toEqual(all.entries.map((e) => e.metadata.uuid).reverse());
    expect((await logOf(PARTNER, 'workspaceIdentifier=log-a&eventType=Created')).entries).toHaveLength(1);
    const one = await f.as('alice').mesh('eventLog', 'GET', `/mesheventlogs/${all.entries[0].metadata.uuid}`);
    expect(one.data.spec.title).toBe('Workspace Created');
    expect((await f.as('bob').mesh('eventLog', 'GET', `/mesheventlogs/${all.entries[0].metadata.uuid}`)).status).toBe(
      403,
    );
    expect((await f.as(PARTNER).mesh('eventLog', 'GET', '/mesheventlogs/not-an-event')).status).toBe(404);
  });

  test('from and until bound the log; a malformed instant is a 400', async () => {
    expect((await logOf(PARTNER, 'workspaceIdentifier=log-a&until=2000-01-01T00:00:00Z')).entries).toEqual([]);
    expect((await logOf(PARTNER, 'workspaceIdentifier=log-a&from=2000-01-01T00:00:00Z')).entries).toHaveLength(3);
    expect((await logOf(PARTNER, 'workspaceIdentifier=log-a&from=yesterday')).status).toBe(400);
  });

  test("rights: a workspace user reads their workspace only; the whole log is a partner's", async () => {
    expect((await logOf('alice', 'workspaceIdentifier=log-a')).entries).toHaveLength(3);
    expect((await logOf('alice', 'workspaceIdentifier=log-b')).status).toBe(403);
    expect((await logOf('alice', '')).status).toBe(403);
    const everything = await logOf(PARTNER, '');
    expect(new Set(everything.entries.map((e) => e.spec.workspaceRef.name))).toEqual(new Set(['log-a', 'log-b']));
  });

  test('only the v1 media type is served', async () => {
    const res = await f.http.get('/api/meshobjects/mesheventlogs', {
      headers: { Accept: media('meshEventLog', 'v1-preview'), Authorization: `Bearer ${await f.as(PARTNER).login()}` },
    });
    expect(res.status).toBe(406);
  });
});

describe('messages to workspace users', () => {
  const definition = (communication: Record<string, unknown>) => ({
    apiVersion: 'v1-preview',
    kind: 'meshCommunicationDefinition',
    spec: { displayName: 'Notice', communication },
  });
  const target = (uuid: string, kind = 'meshWorkspace', name = 'log-a') => ({
    apiVersion: 'v1-preview',
    kind: 'meshCommunication',
    spec: { targetMeshObjectRef: { kind, name }, communicationDefinitionRef: { uuid } },
  });

  test('a definition is validated: its type, title, message and due date', async () => {
    const post = (c: Record<string, unknown>) =>
      f.as(PARTNER).mesh('communicationDefinition', 'POST', '/meshcommunicationdefinitions', definition(c));
    const good = { title: 'T', message: 'M', type: 'NOTIFICATION' };
    expect((await post(good)).status).toBe(201);
    for (const [bad, error] of [
      [{ ...good, type: 'URGENT' }, /type must be one of ACTION_REQUIRED, NOTIFICATION/],
      [{ ...good, title: '' }, /title is required/],
      [{ ...good, message: ' ' }, /message is required/],
      [{ ...good, dueDate: '31.12.2026' }, /dueDate must be a date/],
    ] as const) {
      const res = await post(bad);
      expect(res.status).toBe(400);
      expect(res.data.message).toMatch(error);
    }
  });

  test("a partner sends; a workspace user reads what was sent to their workspace, no one else's", async () => {
    const partner = f.as(PARTNER);
    const def = await partner.mesh(
      'communicationDefinition',
      'POST',
      '/meshcommunicationdefinitions',
      definition({ title: 'Patch day', message: 'Reboot.', type: 'ACTION_REQUIRED', dueDate: '2026-12-31' }),
    );
    const uuid = def.data.metadata.uuid as string;
    expect((await f.as('alice').mesh('communication', 'POST', '/meshcommunications', target(uuid))).status).toBe(403);
    expect(
      (await partner.mesh('communication', 'POST', '/meshcommunications', target(uuid, 'meshTenant'))).status,
    ).toBe(400);
    expect((await partner.mesh('communication', 'POST', '/meshcommunications', target(uuid))).status).toBe(201);
    const alice = await f.as('alice').mesh('communication', 'GET', '/meshcommunications?workspaceIdentifier=log-a');
    expect(alice.data._embedded.meshCommunications.map((c: { spec: unknown }) => c.spec)).toContainEqual({
      targetMeshObjectRef: { kind: 'meshWorkspace', name: 'log-a' },
      communicationDefinitionRef: { uuid },
    });
    expect(
      (await f.as('alice').mesh('communicationDefinition', 'GET', `/meshcommunicationdefinitions/${uuid}`)).status,
    ).toBe(200);
    expect(
      (await f.as('bob').mesh('communicationDefinition', 'GET', `/meshcommunicationdefinitions/${uuid}`)).status,
    ).toBe(404);
    expect(
      (await f.as('bob').mesh('communication', 'GET', '/meshcommunications?workspaceIdentifier=log-a')).status,
    ).toBe(403);
  });
});
