import { MANAGER, MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(() => f.sandbox.close());

const put = (key: string, name: string, body: unknown) =>
  f.as(key).mesh('workspace', 'PUT', `/meshworkspaces/${name}`, body);
const wsBody = (name: string, displayName: string, tags: Record<string, string[]> = {}) => ({
  apiVersion: 'v2',
  kind: 'meshWorkspace',
  metadata: { name, tags },
  spec: { displayName },
});

describe('sandbox workspaces', () => {
  test('a partner creates a workspace: 201 and CUSTOMER_CREATED; the identifier is taken for good', async () => {
    const partner = f.as(PARTNER);
    expect((await partner.createWorkspace('ws-create')).status).toBe(201);
    expect((await partner.createWorkspace('ws-create')).status).toBe(409);
    expect((await partner.events('ws-create')).map((e) => e.type)).toEqual(['CUSTOMER_CREATED']);
  });

  test('identifiers are validated', async () => {
    const res = await f.as(PARTNER).createWorkspace('Bad_Name');
    expect(res.status).toBe(400);
    expect(res.data.message).toMatch(/metadata.name "Bad_Name" is not a valid identifier/);
  });

  test('display name and tags are editable; the identifier is immutable', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('ws-edit');
    const edited = await put(PARTNER, 'ws-edit', wsBody('ws-edit', 'Edited', { team: ['x'] }));
    expect(edited.status).toBe(200);
    expect(edited.data).toMatchObject({
      metadata: { name: 'ws-edit', tags: { team: ['x'] } },
      spec: { displayName: 'Edited' },
    });
    const renamed = await put(PARTNER, 'ws-edit', wsBody('ws-renamed', 'Edited'));
    expect(renamed.status).toBe(400);
    expect(renamed.data.message).toMatch(/identifiers are immutable/);
    expect((await partner.events('ws-edit')).map((e) => e.type)).toEqual(['CUSTOMER_CREATED', 'CUSTOMER_UPDATED']);
  });

  test('PUT creates a missing workspace (create or update) and answers 200, the only status meshStack documents for it', async () => {
    expect((await put(PARTNER, 'ws-put', wsBody('ws-put', 'Put'))).status).toBe(200);
    expect((await f.as(PARTNER).events('ws-put')).map((e) => e.type)).toEqual(['CUSTOMER_CREATED']);
  });

  test('project quota: creating a project above it fails; edits are events; lowering below usage is refused', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('ws-quota');
    expect((await partner.ext('PUT', '/workspaces/ws-quota/quota', { maxProjects: 1 })).data).toMatchObject({
      projectQuota: 1,
      projectCount: 0,
    });
    expect((await partner.createProject('ws-quota', 'one')).status).toBe(201);
    const over = await partner.createProject('ws-quota', 'two');
    expect(over.status).toBe(400);
    expect(over.data.message).toMatch(/reached its project quota of 1/);
    const lower = await partner.ext('PUT', '/workspaces/ws-quota/quota', { maxProjects: 0 });
    expect(lower.status).toBe(400);
    expect(lower.data.message).toMatch(/below the current usage of 1/);
    await partner.ext('PUT', '/workspaces/ws-quota/quota', { maxProjects: 3 });
    const quotaEvents = (await partner.events('ws-quota')).filter((e) => e.type === 'CUSTOMER_QUOTA_EDITED');
    expect(quotaEvents.map((e) => e.details)).toEqual([
      { before: null, after: 1 },
      { before: 1, after: 3 },
    ]);
  });

  test('status: a partner disables a workspace; its managers can no longer change it; re-enabling writes an event', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('ws-status');
    await partner.grant('ws-status', 'bob', MANAGER);
    expect((await partner.ext('PUT', '/workspaces/ws-status/status', { status: 'disabled' })).data.status).toBe(
      'disabled',
    );
    const blocked = await f.as('bob').createProject('ws-status', 'p');
    expect(blocked.status).toBe(403);
    expect(blocked.data.message).toMatch(/is disabled/);
    await partner.ext('PUT', '/workspaces/ws-status/status', { status: 'active' });
    expect((await f.as('bob').createProject('ws-status', 'p')).status).toBe(201);
    expect(
      (await partner.events('ws-status'))
        .filter((e) => e.type === 'CUSTOMER_STATUS_CHANGED')
        .map((e) => e.details.after),
    ).toEqual(['disabled', 'active']);
  });

  test('self-service registration waits for a partner approval when the platform requires it', async () => {
    const partner = f.as(PARTNER);
    await partner.ext('PUT', '/settings', { workspaceApprovalRequired: true });
    try {
      const erin = f.as('erin');
      expect((await erin.createWorkspace('ws-register')).status).toBe(201);
      expect((await erin.ext('GET', '/workspaces/ws-register')).data.approval).toBe('pending');
      expect((await erin.createProject('ws-register', 'p')).data.message).toMatch(/waiting for a partner's approval/);
      expect((await erin.ext('POST', '/workspaces/ws-register/approve')).status).toBe(403);
      expect((await partner.ext('POST', '/workspaces/ws-register/approve')).data.approval).toBe('approved');
      expect((await erin.createProject('ws-register', 'p')).status).toBe(201);
      expect((await partner.events('ws-register')).map((e) => e.type)).toEqual([
        'CUSTOMER_REGISTERED',
        'CUSTOMER_APPROVED',
        'PROJECT_CREATED',
      ]);
      expect((await erin.workspaceBindings('ws-register')).map((b) => `${b.role}:${b.subject}`)).toEqual([
        `${OWNER}:erin`,
      ]);
      const mails = (await partner.ext('GET', '/outbox')).data.messages;
      expect(mails).toContainEqual(
        expect.objectContaining({ recipient: 'erin@example.com', subject: 'Your workspace ws-register is approved' }),
      );
    } finally {
      await partner.ext('PUT', '/settings', { workspaceApprovalRequired: false });
    }
  });

  describe('deletion', () => {
    test('only an Owner or a partner may delete; never while projects exist', async () => {
      const partner = f.as(PARTNER);
      await partner.createWorkspace('ws-del');
      await partner.grant('ws-del', 'alice', OWNER);
      await partner.grant('ws-del', 'bob', MANAGER);
      await partner.createProject('ws-del', 'p');
      expect((await f.as('bob').mesh('workspace', 'DELETE', '/meshworkspaces/ws-del')).status).toBe(403);
      const withProjects = await f.as('alice').mesh('workspace', 'DELETE', '/meshworkspaces/ws-del');
      expect(withProjects.status).toBe(409);
      expect(withProjects.data.message).toMatch(/still has 1 project\(s\)/);
    });

    test('soft delete with a reason: bindings and pending requests removed, payment methods soft-deleted, a deleted event', async () => {
      const partner = f.as(PARTNER);
      await partner.createWorkspace('ws-gone');
      await partner.grant('ws-gone', 'alice', OWNER);
      await partner.grant('ws-gone', 'bob', MANAGER);
      await partner.grant('ws-gone', 'dave', MANAGER);
      await partner.mesh('paymentMethod', 'POST', '/meshpaymentmethods', {
        metadata: { name: 'ws-gone-pm', ownedByWorkspace: 'ws-gone' },
        spec: { displayName: 'PM', amount: 1000, tags: {} },
      });
      await partner.ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
      const pending = await f.as('bob').grant('ws-gone', 'carol', MEMBER);
      await partner.ext('PUT', '/settings', { fourEyes: { enabled: false, minApprovalCount: 2 } });
      expect(pending.status).toBe(202);
      const del = await f
        .as('alice')
        .mesh('workspace', 'DELETE', '/meshworkspaces/ws-gone', undefined, { 'X-Deletion-Reason': 'team dissolved' });
      expect(del.status).toBe(204);
      expect((await f.as('alice').mesh('workspace', 'GET', '/meshworkspaces/ws-gone')).status).toBe(404);
      const seen = await partner.mesh('workspace', 'GET', '/meshworkspaces/ws-gone');
      expect(seen.data.metadata.deletedOn).toEqual(expect.any(String));
      expect(await partner.workspaceBindings('ws-gone')).toEqual([]);
      const requests = (await partner.ext('GET', '/role-requests?workspaceIdentifier=ws-gone')).data.roleRequests;
      expect(requests.map((r: any) => r.status)).toEqual(['CANCELLED']);
      expect(
        (await partner.mesh('paymentMethod', 'GET', '/meshpaymentmethods/ws-gone-pm')).data.metadata.deletedOn,
      ).toEqual(expect.any(String));
      const events = await partner.events('ws-gone');
      expect(events[events.length - 1]).toMatchObject({
        type: 'CUSTOMER_DELETED',
        actor: 'alice',
        details: { reason: 'team dissolved' },
      });
      expect(
        events
          .filter((e) => e.type === 'USER_REMOVED')
          .map((e) => e.details.subject)
          .sort(),
      ).toEqual(['alice', 'bob', 'dave']);
      expect((await partner.createWorkspace('ws-gone')).status).toBe(409);
      expect((await partner.mesh('workspace', 'DELETE', '/meshworkspaces/ws-gone')).status).toBe(404);
    });
  });
});
