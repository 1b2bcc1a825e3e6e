import { MANAGER, MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
  await f.as(PARTNER).ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
});
afterAll(() => f.sandbox.close());

async function workspace(name: string, bindings: Array<[string, string]>): Promise<void> {
  const partner = f.as(PARTNER);
  await partner.createWorkspace(name);
  for (const [user, role] of bindings) expect((await partner.grant(name, user, role)).status).toBe(201);
}

const requestsOf = async (ws: string) =>
  (await f.as(PARTNER).ext('GET', `/role-requests?workspaceIdentifier=${ws}`)).data.roleRequests;

describe('sandbox 4-eyes principle', () => {
  test('/mesh/info reports it', async () => {
    expect((await f.http.get('/mesh/info')).data.is4EPEnabled).toBe(true);
  });

  test("a manager's grant becomes a pending request; the requester cannot approve it; another manager does", async () => {
    await workspace('fe-basic', [
      ['alice', OWNER],
      ['bob', MANAGER],
    ]);
    const res = await f.as('bob').grant('fe-basic', 'carol', MEMBER);
    expect(res.status).toBe(202);
    expect(res.data.pendingRequest).toMatchObject({ id: expect.any(String), status: 'PENDING' });
    expect(await f.as('bob').workspaceBindings('fe-basic')).not.toContainEqual(
      expect.objectContaining({ subject: 'carol' }),
    );
    const id = res.data.pendingRequest.id;
    const self = await f.as('bob').ext('POST', `/role-requests/${id}/approve`);
    expect(self.status).toBe(403);
    expect(self.data.message).toMatch(/the requester cannot approve their own role request/);
    const approved = await f.as('alice').ext('POST', `/role-requests/${id}/approve`);
    expect(approved.data).toMatchObject({ status: 'APPROVED', approvals: ['bob', 'alice'], decidedBy: 'alice' });
    expect(await f.as('bob').workspaceBindings('fe-basic')).toContainEqual(
      expect.objectContaining({ subject: 'carol', role: MEMBER }),
    );
    expect((await f.as('bob').events('fe-basic')).slice(-3).map((e) => e.type)).toEqual([
      'ROLE_REQUEST_CREATED',
      'USER_INVITED',
      'ROLE_REQUEST_APPROVED',
    ]);
  });

  test('managers through a group count as approvers: an Owner alone does not pass as "fewer managers than the minimum"; a group member approves', async () => {
    await workspace('fe-group', [['alice', OWNER]]);
    const partner = f.as(PARTNER);
    expect(
      (await partner.ext('PUT', '/workspaces/fe-group/groups/fe-group-leads', { members: ['bob', 'dave'] })).status,
    ).toBe(200);
    expect((await partner.grant('fe-group', 'fe-group-leads', MANAGER, { group: true })).status).toBe(201);
    const res = await f.as('alice').grant('fe-group', 'carol', MEMBER);
    expect(res.status).toBe(202);
    const approved = await f.as('bob').ext('POST', `/role-requests/${res.data.pendingRequest.id}/approve`);
    expect(approved.data).toMatchObject({ status: 'APPROVED', approvals: ['alice', 'bob'] });
  });

  test('nobody but a partner approves in a disabled workspace', async () => {
    await workspace('fe-disabled', [
      ['alice', OWNER],
      ['bob', MANAGER],
    ]);
    const id = (await f.as('bob').grant('fe-disabled', 'carol', MEMBER)).data.pendingRequest.id;
    expect((await f.as(PARTNER).ext('PUT', '/workspaces/fe-disabled/status', { status: 'disabled' })).status).toBe(200);
    const refused = await f.as('alice').ext('POST', `/role-requests/${id}/approve`);
    expect(refused.status).toBe(403);
    expect(refused.data.message).toMatch(/meshWorkspace 'fe-disabled' is disabled/);
    expect(await f.as(PARTNER).workspaceBindings('fe-disabled')).not.toContainEqual(
      expect.objectContaining({ subject: 'carol' }),
    );
  });

  test('any decline cancels; a Member cannot approve', async () => {
    await workspace('fe-decline', [
      ['alice', OWNER],
      ['bob', MANAGER],
      ['erin', MEMBER],
    ]);
    const id = (await f.as('bob').grant('fe-decline', 'carol', MEMBER)).data.pendingRequest.id;
    expect((await f.as('erin').ext('POST', `/role-requests/${id}/approve`)).status).toBe(403);
    expect((await f.as('alice').ext('POST', `/role-requests/${id}/decline`)).data.status).toBe('DECLINED');
    expect((await f.as('alice').ext('POST', `/role-requests/${id}/approve`)).status).toBe(409);
    expect(await f.as('bob').workspaceBindings('fe-decline')).not.toContainEqual(
      expect.objectContaining({ subject: 'carol' }),
    );
  });

  test('the requester can cancel a pending request', async () => {
    await workspace('fe-cancel', [
      ['alice', OWNER],
      ['bob', MANAGER],
    ]);
    const id = (await f.as('bob').grant('fe-cancel', 'carol', MEMBER)).data.pendingRequest.id;
    expect((await f.as('bob').ext('POST', `/role-requests/${id}/cancel`)).data.status).toBe('CANCELLED');
  });

  test('a partner approves directly; partners grant without a request', async () => {
    await workspace('fe-partner', [
      ['alice', OWNER],
      ['bob', MANAGER],
      ['dave', MANAGER],
    ]);
    await f.as(PARTNER).ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 3 } });
    try {
      const id = (await f.as('bob').grant('fe-partner', 'carol', MEMBER)).data.pendingRequest.id;
      expect((await f.as('alice').ext('POST', `/role-requests/${id}/approve`)).data.status).toBe('PENDING');
      expect((await f.as(PARTNER).ext('POST', `/role-requests/${id}/approve`)).data.status).toBe('APPROVED');
      expect((await f.as(PARTNER).grant('fe-partner', 'erin', MEMBER)).status).toBe(201);
    } finally {
      await f.as(PARTNER).ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
    }
  });

  test('a minimum of 3 approvals needs two approvers besides the requester', async () => {
    await workspace('fe-three', [
      ['alice', OWNER],
      ['bob', MANAGER],
      ['dave', MANAGER],
    ]);
    await f.as(PARTNER).ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 3 } });
    try {
      const id = (await f.as('bob').grant('fe-three', 'carol', MEMBER)).data.pendingRequest.id;
      expect((await f.as('alice').ext('POST', `/role-requests/${id}/approve`)).data.status).toBe('PENDING');
      expect((await f.as('alice').ext('POST', `/role-requests/${id}/approve`)).status).toBe(403);
      expect((await f.as('dave').ext('POST', `/role-requests/${id}/approve`)).data).toMatchObject({
        status: 'APPROVED',
        approvals: ['bob', 'alice', 'dave'],
      });
    } finally {
      await f.as(PARTNER).ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
    }
  });

  test('with fewer managers than the minimum, a request is approved once all of them approved', async () => {
    await workspace('fe-few', [['bob', MANAGER]]);
    // bob is the only manager: his own request is all the approval there can be.
    expect((await f.as('bob').grant('fe-few', 'carol', MEMBER)).status).toBe(201);
  });

  test('removals take effect at once, without a request', async () => {
    await workspace('fe-remove', [
      ['alice', OWNER],
      ['bob', MANAGER],
      ['carol', MEMBER],
    ]);
    const name = (await f.as('bob').workspaceBindings('fe-remove')).find((b) => b.subject === 'carol')!.name;
    expect(
      (await f.as('bob').mesh('wsUserBinding', 'DELETE', `/meshworkspacebindings/userbindings/${name}`)).status,
    ).toBe(204);
    expect(await requestsOf('fe-remove')).toEqual([]);
  });

  test("project role grants go through 4-eyes too; group bindings do not (as meshStack's API)", async () => {
    await workspace('payments', [
      ['alice', OWNER],
      ['bob', MANAGER],
      ['carol', MEMBER],
    ]);
    await f.as('bob').createProject('payments', 'web');
    expect((await f.as('bob').grantProject('payments', 'web', 'carol', 'Project User')).status).toBe(202);
    expect((await f.as('bob').grant('payments', 'payments-devs', MEMBER, { group: true })).status).toBe(201);
  });

  test('the owner limit is checked again at approval', async () => {
    await workspace('fe-owner', [
      ['alice', OWNER],
      ['bob', MANAGER],
    ]);
    const first = (await f.as('alice').grant('fe-owner', 'dave', OWNER)).data.pendingRequest.id;
    const second = (await f.as('alice').grant('fe-owner', 'erin', OWNER)).data.pendingRequest.id;
    expect((await f.as('bob').ext('POST', `/role-requests/${first}/approve`)).data.status).toBe('APPROVED');
    const late = await f.as('bob').ext('POST', `/role-requests/${second}/approve`);
    expect(late.status).toBe(409);
    expect(late.data.message).toMatch(/at most 2/);
    expect((await requestsOf('fe-owner')).find((r: any) => r.id === second).status).toBe('PENDING');
  });
});
