import * as fs from 'fs';
import { MANAGER, MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
  const partner = f.as(PARTNER);
  await partner.createWorkspace('team-one');
  await partner.grant('team-one', 'alice', OWNER);
  await partner.grant('team-one', 'bob', MANAGER);
  await partner.grant('team-one', 'carol', MEMBER);
  await partner.createProject('team-one', 'web');
  await partner.createWorkspace('team-two');
  await partner.grant('team-two', 'dave', OWNER);
});
afterAll(() => f.sandbox.close());

describe('sandbox identity and rights', () => {
  test('a user sees only the workspaces where they hold a role', async () => {
    const list = async (key: string) =>
      (await f.as(key).mesh('workspace', 'GET', '/meshworkspaces')).data._embedded.meshWorkspaces.map(
        (w: any) => w.metadata.name,
      );
    expect(await list('alice')).toEqual(['team-one']);
    expect(await list('dave')).toEqual(['team-two']);
    expect(await list('erin')).toEqual([]);
    expect(await list(PARTNER)).toEqual(expect.arrayContaining(['team-one', 'team-two']));
  });

  test('a user of one workspace can never read or touch another: 403', async () => {
    const alice = f.as('alice');
    expect((await alice.mesh('workspace', 'GET', '/meshworkspaces/team-two')).status).toBe(403);
    expect((await alice.grant('team-two', 'alice', MEMBER)).status).toBe(403);
    expect((await alice.createProject('team-two', 'sneaky')).status).toBe(403);
    const bindings = await alice.mesh(
      'wsUserBinding',
      'GET',
      '/meshworkspacebindings/userbindings?workspaceIdentifier=team-two',
    );
    expect(bindings.data._embedded.meshWorkspaceUserBindings).toEqual([]);
  });

  test('a Workspace Member cannot grant roles or create projects: 403', async () => {
    const carol = f.as('carol');
    const grant = await carol.grant('team-one', 'erin', MEMBER);
    expect(grant.status).toBe(403);
    expect(grant.data.message).toMatch(/only a Workspace Owner, Workspace Manager or partner may manage access/);
    expect((await carol.createProject('team-one', 'nope')).status).toBe(403);
  });

  test('a Workspace Member sees only the projects assigned to them', async () => {
    const carol = f.as('carol');
    const before = await carol.mesh('project', 'GET', '/meshprojects?workspaceIdentifier=team-one');
    expect(before.data._embedded.meshProjects).toEqual([]);
    expect((await f.as('bob').grantProject('team-one', 'web', 'carol', 'Project User')).status).toBe(201);
    const after = await carol.mesh('project', 'GET', '/meshprojects?workspaceIdentifier=team-one');
    expect(after.data._embedded.meshProjects.map((p: any) => p.metadata.name)).toEqual(['web']);
  });

  test('a Manager manages access; only partners manage quota, status and tag definitions', async () => {
    const bob = f.as('bob');
    expect((await bob.grant('team-one', 'erin', MEMBER)).status).toBe(201);
    expect((await bob.ext('PUT', '/workspaces/team-one/quota', { maxProjects: 10 })).status).toBe(403);
    expect((await bob.ext('PUT', '/workspaces/team-one/status', { status: 'disabled' })).status).toBe(403);
    expect(
      (
        await bob.mesh('tagDefinition', 'POST', '/meshtagdefinitions', {
          metadata: { name: 'meshWorkspace.x' },
          spec: { targetKind: 'meshWorkspace', key: 'x', valueType: { string: {} } },
        })
      ).status,
    ).toBe(403);
  });

  test('whoami tells the caller its identity and roles', async () => {
    expect((await f.as('bob').ext('GET', '/whoami')).data).toEqual({
      username: 'bob',
      clientId: 'bob',
      partner: false,
      workspaces: { 'team-one': [MANAGER] },
    });
    expect((await f.as(PARTNER).ext('GET', '/whoami')).data).toMatchObject({
      username: 'partner.admin',
      partner: true,
    });
  });

  test('API key secrets and passwords are stored only as hashes', async () => {
    const info = (await f.http.get('/mesh/info')).data.devLocalCredentials;
    await f.sandbox.close();
    const files = fs.readdirSync(f.sandbox.dataDir, { recursive: true }) as string[];
    const secrets = [
      ...Object.values(info.apiKeys).map((k: any) => k.clientSecret),
      ...Object.values(info.users).map((u: any) => u.password),
    ];
    for (const file of files) {
      const full = `${f.sandbox.dataDir}/${file}`;
      if (!fs.statSync(full).isFile()) continue;
      const content = fs.readFileSync(full).toString('latin1');
      for (const s of secrets) expect(content.includes(s)).toBe(false);
    }
    f = await sandboxFixture([], f.sandbox.dataDir);
  });
});
