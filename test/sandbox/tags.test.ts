import { MANAGER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
  const partner = f.as(PARTNER);
  const def = (key: string, spec: Record<string, unknown>) =>
    partner.mesh('tagDefinition', 'POST', '/meshtagdefinitions', {
      apiVersion: 'v1',
      kind: 'meshTagDefinition',
      metadata: { name: `meshWorkspace.${key}` },
      spec: { targetKind: 'meshWorkspace', key, ...spec },
    });
  expect(
    (
      await def('costCenter', {
        valueType: { string: { validationRegex: '^[0-9]{4}$' } },
        mandatory: true,
        displayName: 'Cost Center',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await def('confidentiality', {
        valueType: { singleSelect: { options: ['internal', 'secret'] } },
        restricted: true,
      })
    ).status,
  ).toBe(201);
  expect((await def('owner', { valueType: { string: {} }, immutable: true })).status).toBe(201);
});
afterAll(() => f.sandbox.close());

const wsBody = (name: string, tags: Record<string, string[]>) => ({
  apiVersion: 'v2',
  kind: 'meshWorkspace',
  metadata: { name, tags },
  spec: { displayName: name },
});

describe('sandbox tags and tag definitions', () => {
  test('tag definitions are listed in meshStack shape', async () => {
    const list = await f.as('bob').mesh('tagDefinition', 'GET', '/meshtagdefinitions');
    expect(list.data._embedded.meshTagDefinitions.map((d: any) => d.metadata.name)).toEqual([
      'meshWorkspace.confidentiality',
      'meshWorkspace.costCenter',
      'meshWorkspace.owner',
    ]);
    expect(list.data._embedded.meshTagDefinitions[1]).toMatchObject({
      kind: 'meshTagDefinition',
      spec: { mandatory: true, restricted: false, immutable: false, displayName: 'Cost Center' },
    });
  });

  test('a bad tag definition is a 400 that names the field', async () => {
    const res = await f.as(PARTNER).mesh('tagDefinition', 'POST', '/meshtagdefinitions', {
      metadata: { name: 'meshWorkspace.x' },
      spec: { targetKind: 'meshTenant', key: 'x', valueType: { string: {} } },
    });
    expect(res.status).toBe(400);
    expect(res.data.message).toMatch(/spec.targetKind must be meshWorkspace or meshProject/);
  });

  test('values are checked against definitions; undefined keys and missing mandatory tags are refused', async () => {
    const partner = f.as(PARTNER);
    expect((await partner.createWorkspace('t-bad', { tags: { costCenter: ['12'] } })).data.message).toMatch(
      /tag 'costCenter': '12' does not match/,
    );
    expect(
      (await partner.createWorkspace('t-bad', { tags: { costCenter: ['1234'], color: ['red'] } })).data.message,
    ).toMatch(/tag 'color' is not defined/);
    expect((await partner.createWorkspace('t-bad', {})).data.message).toMatch(/tag 'costCenter' is mandatory/);
    expect(
      (await partner.createWorkspace('t-ok', { tags: { costCenter: ['1234'], confidentiality: ['internal'] } })).status,
    ).toBe(201);
  });

  test('only a partner may set or change a restricted tag; a manager may keep it and change others', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('t-restricted', { tags: { costCenter: ['1234'], confidentiality: ['internal'] } });
    await partner.grant('t-restricted', 'bob', MANAGER);
    const bob = f.as('bob');
    const change = await bob.mesh(
      'workspace',
      'PUT',
      '/meshworkspaces/t-restricted',
      wsBody('t-restricted', { costCenter: ['1234'], confidentiality: ['secret'] }),
    );
    expect(change.status).toBe(403);
    expect(change.data.message).toMatch(/tag 'confidentiality' is restricted: only a partner may set it/);
    const keep = await bob.mesh(
      'workspace',
      'PUT',
      '/meshworkspaces/t-restricted',
      wsBody('t-restricted', { costCenter: ['5678'], confidentiality: ['internal'] }),
    );
    expect(keep.status).toBe(200);
    expect(
      (
        await partner.mesh(
          'workspace',
          'PUT',
          '/meshworkspaces/t-restricted',
          wsBody('t-restricted', { costCenter: ['5678'], confidentiality: ['secret'] }),
        )
      ).status,
    ).toBe(200);
  });

  test('an immutable tag can be set at creation only', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('t-immutable', { tags: { costCenter: ['1234'], owner: ['team-a'] } });
    const res = await partner.mesh(
      'workspace',
      'PUT',
      '/meshworkspaces/t-immutable',
      wsBody('t-immutable', { costCenter: ['1234'], owner: ['team-b'] }),
    );
    expect(res.status).toBe(400);
    expect(res.data.message).toMatch(/tag 'owner' is immutable/);
  });

  test('deleting a tag definition strips that key from every workspace', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('t-strip', { tags: { costCenter: ['1234'], owner: ['x'] } });
    expect((await partner.mesh('tagDefinition', 'DELETE', '/meshtagdefinitions/meshWorkspace.owner')).status).toBe(204);
    expect((await partner.mesh('workspace', 'GET', '/meshworkspaces/t-strip')).data.metadata.tags).toEqual({
      costCenter: ['1234'],
    });
  });

  test('projects keep their tags in spec.tags', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('t-project', { tags: { costCenter: ['1234'] } });
    await partner.grant('t-project', 'alice', OWNER);
    const res = await f.as('alice').createProject('t-project', 'web', { anything: ['goes'] });
    expect(res.data.spec.tags).toEqual({ anything: ['goes'] });
  });
});
