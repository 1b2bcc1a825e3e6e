import { MANAGER, MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(() => f.sandbox.close());

async function workspace(name: string, bindings: Array<[string, string]>): Promise<void> {
  const partner = f.as(PARTNER);
  expect((await partner.createWorkspace(name)).status).toBe(201);
  for (const [user, role] of bindings) expect((await partner.grant(name, user, role)).status).toBe(201);
}

describe('sandbox bindings', () => {
  test('at most two Workspace Owners: the third is 409', async () => {
    await workspace('b-limit', [
      ['alice', OWNER],
      ['bob', OWNER],
    ]);
    const third = await f.as('alice').grant('b-limit', 'carol', OWNER);
    expect(third.status).toBe(409);
    expect(third.data.message).toMatch(/already has 2 Workspace Owners; at most 2/);
  });

  test('only an Owner grants Owner; a Manager may only while there is no Owner', async () => {
    await workspace('b-owner', [['bob', MANAGER]]);
    expect((await f.as('bob').grant('b-owner', 'alice', OWNER)).status).toBe(201); // no Owner yet
    const second = await f.as('bob').grant('b-owner', 'carol', OWNER);
    expect(second.status).toBe(403);
    expect(second.data.message).toMatch(/only a Workspace Owner may assign the Workspace Owner role/);
    expect((await f.as('alice').grant('b-owner', 'carol', OWNER)).status).toBe(201);
  });

  test('a Manager cannot remove an Owner; an Owner can', async () => {
    await workspace('b-remove-owner', [
      ['alice', OWNER],
      ['dave', OWNER],
      ['bob', MANAGER],
    ]);
    const name = (await f.as(PARTNER).workspaceBindings('b-remove-owner')).find((b) => b.subject === 'dave')!.name;
    expect(
      (await f.as('bob').mesh('wsUserBinding', 'DELETE', `/meshworkspacebindings/userbindings/${name}`)).status,
    ).toBe(403);
    expect(
      (await f.as('alice').mesh('wsUserBinding', 'DELETE', `/meshworkspacebindings/userbindings/${name}`)).status,
    ).toBe(204);
  });

  test('the Owner role never goes to a group; groups get other roles', async () => {
    await workspace('payments', [['alice', OWNER]]);
    const owner = await f.as('alice').grant('payments', 'payments-devs', OWNER, { group: true });
    expect(owner.status).toBe(400);
    expect(owner.data.message).toMatch(/only be assigned to users, not to groups/);
    const member = await f.as('alice').grant('payments', 'payments-devs', MEMBER, { group: true });
    expect(member.status).toBe(201);
    expect(member.data).toMatchObject({ kind: 'meshWorkspaceGroupBinding', subject: { name: 'payments-devs' } });
    // Group members get the group's rights.
    const seen = await f.as('carol').mesh('workspace', 'GET', '/meshworkspaces/payments');
    expect(seen.status).toBe(200);
  });

  test('unknown users and groups are refused; a duplicate binding name or role is 409', async () => {
    await workspace('b-unknown', [['alice', OWNER]]);
    expect((await f.as('alice').grant('b-unknown', 'nobody', MEMBER)).data.message).toMatch(
      /meshUser 'nobody' does not exist/,
    );
    expect((await f.as('alice').grant('b-unknown', 'ghosts', MEMBER, { group: true })).data.message).toMatch(
      /meshWorkspaceUserGroup 'b-unknown.ghosts' does not exist/,
    );
    expect((await f.as('alice').grant('b-unknown', 'bob', MEMBER, { name: 'dup' })).status).toBe(201);
    expect((await f.as('alice').grant('b-unknown', 'carol', MEMBER, { name: 'dup' })).status).toBe(409);
    expect((await f.as('alice').grant('b-unknown', 'bob', MEMBER, { name: 'dup2' })).data.message).toMatch(
      /already has role 'Workspace Member'/,
    );
  });

  test('removing a user from the workspace removes them from all its projects, with events', async () => {
    await workspace('b-cascade', [
      ['alice', OWNER],
      ['erin', MEMBER],
    ]);
    const alice = f.as('alice');
    await alice.createProject('b-cascade', 'one');
    await alice.createProject('b-cascade', 'two');
    expect((await alice.grantProject('b-cascade', 'one', 'erin', 'Project User')).status).toBe(201);
    expect((await alice.grantProject('b-cascade', 'two', 'erin', 'Project Reader')).status).toBe(201);
    const name = (await alice.workspaceBindings('b-cascade')).find((b) => b.subject === 'erin')!.name;
    expect((await alice.mesh('wsUserBinding', 'DELETE', `/meshworkspacebindings/userbindings/${name}`)).status).toBe(
      204,
    );
    for (const project of ['one', 'two']) {
      const list = await alice.mesh(
        'projectUserBinding',
        'GET',
        `/meshprojectbindings/userbindings?workspaceIdentifier=b-cascade&projectIdentifier=${project}`,
      );
      expect(list.data._embedded.meshProjectUserBindings).toEqual([]);
      expect((await alice.events('b-cascade', project)).map((e) => e.type)).toEqual([
        'PROJECT_CREATED',
        'PROJECT_USER_ASSIGNED',
        'PROJECT_USER_REMOVED',
      ]);
    }
    const last = (await alice.events('b-cascade')).pop()!;
    expect(last).toMatchObject({ type: 'USER_REMOVED', actor: 'alice', details: { subject: 'erin' } });
    expect((await f.as(PARTNER).ext('GET', '/outbox')).data.messages).toContainEqual(
      expect.objectContaining({ recipient: 'erin@example.com', subject: 'Access to b-cascade revoked' }),
    );
  });

  test('a second role of the same user is USER_ROLE_CHANGED; removing one of two roles too', async () => {
    await workspace('b-roles', [['alice', OWNER]]);
    await f.as('alice').grant('b-roles', 'bob', MEMBER);
    await f.as('alice').grant('b-roles', 'bob', MANAGER);
    const name = (await f.as('alice').workspaceBindings('b-roles')).find(
      (b) => b.subject === 'bob' && b.role === MEMBER,
    )!.name;
    await f.as('alice').mesh('wsUserBinding', 'DELETE', `/meshworkspacebindings/userbindings/${name}`);
    expect((await f.as('alice').events('b-roles')).map((e) => `${e.type}:${e.details.subject}`)).toEqual([
      'CUSTOMER_CREATED:undefined',
      'USER_INVITED:alice',
      'USER_INVITED:bob',
      'USER_ROLE_CHANGED:bob',
      'USER_ROLE_CHANGED:bob',
    ]);
  });

  test('a project role needs a workspace role first', async () => {
    await workspace('b-project', [['alice', OWNER]]);
    await f.as('alice').createProject('b-project', 'web');
    const res = await f.as('alice').grantProject('b-project', 'web', 'dave', 'Project Admin');
    expect(res.status).toBe(400);
    expect(res.data.message).toMatch(
      /user 'dave' must be assigned to meshWorkspace 'b-project' before getting a project role/,
    );
  });

  test('restrictCustomerAdminRoleAssignment: only partners grant Manager, and "add myself" yields Member', async () => {
    const partner = f.as(PARTNER);
    await workspace('b-restrict', [['alice', OWNER]]);
    expect((await partner.ext('POST', '/workspaces/b-restrict/add-myself')).data).toEqual({ role: MANAGER });
    await partner.ext('PUT', '/settings', { restrictCustomerAdminRoleAssignment: true });
    try {
      const res = await f.as('alice').grant('b-restrict', 'bob', MANAGER);
      expect(res.status).toBe(403);
      expect((await partner.grant('b-restrict', 'bob', MANAGER)).status).toBe(201);
      await workspace('b-restrict-2', []);
      expect((await partner.ext('POST', '/workspaces/b-restrict-2/add-myself')).data).toEqual({ role: MEMBER });
      expect((await partner.events('b-restrict-2')).map((e) => e.type)).toEqual([
        'CUSTOMER_CREATED',
        'USER_ASSIGNED_HIMSELF',
      ]);
    } finally {
      await partner.ext('PUT', '/settings', { restrictCustomerAdminRoleAssignment: false });
    }
  });
});
