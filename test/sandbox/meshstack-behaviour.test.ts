/**
 * The sandbox behaves like meshStack, inconveniences included (`meshstack-api.md` section 8):
 * full-rewrite PUT, unknown fields kept, restricted-tag defaults injected, empty tag lists dropped,
 * asynchronous project deletion, and, in the strict `meshstack` profile, nothing but the meshObject API.
 */
import { MANAGER, MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

describe.each([['default'], ['meshstack']])('the sandbox, %s profile', (profile) => {
  let f: SandboxFixture;
  beforeAll(async () => {
    f = await sandboxFixture(['--profile', profile]);
  });
  afterAll(() => f.sandbox.close());

  test('PUT is a full rewrite: what the body leaves out is cleared; unknown fields survive reads', async () => {
    const partner = f.as(PARTNER);
    await partner.mesh('workspace', 'POST', '/meshworkspaces', {
      apiVersion: 'v2',
      kind: 'meshWorkspace',
      metadata: { name: 'rw', tags: { a: ['1'] }, costCenterRef: 'cc' },
      spec: { displayName: 'RW', platformBuilderAccessEnabled: true, futureSetting: 3 },
    });
    const read = (await partner.mesh('workspace', 'GET', '/meshworkspaces/rw')).data;
    expect(read.metadata.costCenterRef).toBe('cc');
    expect(read.spec).toEqual({ displayName: 'RW', platformBuilderAccessEnabled: true, futureSetting: 3 });
    await partner.mesh('workspace', 'PUT', '/meshworkspaces/rw', {
      apiVersion: 'v2',
      kind: 'meshWorkspace',
      metadata: { name: 'rw', tags: {} },
      spec: { displayName: 'RW 2' },
    });
    const after = (await partner.mesh('workspace', 'GET', '/meshworkspaces/rw')).data;
    expect(after.spec).toEqual({ displayName: 'RW 2', platformBuilderAccessEnabled: false });
    expect(after.metadata.tags).toEqual({});
    expect(after.metadata.costCenterRef).toBeUndefined();
  });

  test('a project PUT without payment methods clears them', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('rwp');
    await partner.mesh('project', 'POST', '/meshprojects', {
      apiVersion: 'v2',
      kind: 'meshProject',
      metadata: { name: 'p', ownedByWorkspace: 'rwp' },
      spec: { displayName: 'P', tags: {}, paymentMethodIdentifier: 'pm' },
    });
    await partner.mesh('project', 'PUT', '/meshprojects/rwp.p', {
      apiVersion: 'v2',
      kind: 'meshProject',
      metadata: { name: 'p', ownedByWorkspace: 'rwp' },
      spec: { displayName: 'P', tags: {} },
    });
    // Cleared: null, or (the strict profile leaves nulls out) absent.
    const spec = (await partner.mesh('project', 'GET', '/meshprojects/rwp.p')).data.spec;
    expect(spec.paymentMethodIdentifier ?? null).toBeNull();
  });

  test('restricted tags the writer leaves out get their default; empty value lists are dropped', async () => {
    const partner = f.as(PARTNER);
    await partner.mesh('tagDefinition', 'POST', '/meshtagdefinitions', {
      apiVersion: 'v1',
      kind: 'meshTagDefinition',
      metadata: { name: 'meshProject.tier' },
      spec: {
        targetKind: 'meshProject',
        key: 'tier',
        displayName: 'Tier',
        valueType: { singleSelect: { options: ['bronze', 'gold'], defaultValue: 'bronze' } },
        restricted: true,
        mandatory: false,
        immutable: false,
      },
    });
    await partner.mesh('tagDefinition', 'POST', '/meshtagdefinitions', {
      apiVersion: 'v1',
      kind: 'meshTagDefinition',
      metadata: { name: 'meshProject.env' },
      spec: {
        targetKind: 'meshProject',
        key: 'env',
        displayName: 'Env',
        valueType: { string: {} },
        restricted: false,
        mandatory: false,
        immutable: false,
      },
    });
    try {
      await partner.createWorkspace('tags-ws');
      await partner.grant('tags-ws', 'alice', OWNER);
      const res = await f.as('alice').createProject('tags-ws', 'p', { env: [] });
      expect(res.status).toBe(201);
      // Dropped; the strict profile lists every defined key, an unset one with an empty list.
      expect(res.data.spec.tags).toEqual(
        profile === 'meshstack' ? { env: [], tier: ['bronze'] } : { tier: ['bronze'] },
      );
      // The Owner rewrites the project without the restricted key: it stays the default, no 403.
      const put = await f.as('alice').mesh('project', 'PUT', '/meshprojects/tags-ws.p', {
        apiVersion: 'v2',
        kind: 'meshProject',
        metadata: { name: 'p', ownedByWorkspace: 'tags-ws' },
        spec: { displayName: 'P', tags: { env: ['dev'] } },
      });
      expect(put.status).toBe(200);
      expect(put.data.spec.tags).toEqual({ env: ['dev'], tier: ['bronze'] });
      // Setting it to something else needs a partner.
      const denied = await f.as('alice').mesh('project', 'PUT', '/meshprojects/tags-ws.p', {
        apiVersion: 'v2',
        kind: 'meshProject',
        metadata: { name: 'p', ownedByWorkspace: 'tags-ws' },
        spec: { displayName: 'P', tags: { tier: ['gold'] } },
      });
      expect(denied.status).toBe(403);
    } finally {
      await partner.mesh('tagDefinition', 'DELETE', '/meshtagdefinitions/meshProject.tier');
      await partner.mesh('tagDefinition', 'DELETE', '/meshtagdefinitions/meshProject.env');
    }
  });

  test('project deletion is asynchronous: PENDING_DELETION, the workspace delete refused meanwhile, then DELETED with a new identifier', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('async-del');
    await partner.createProject('async-del', 'old');
    expect((await partner.mesh('project', 'DELETE', '/meshprojects/async-del.old')).status).toBe(204);
    const list = async (state?: string) =>
      (
        await partner.mesh(
          'project',
          'GET',
          `/meshprojects?workspaceIdentifier=async-del${state ? `&state=${state}` : ''}`,
        )
      ).data._embedded.meshProjects.map((p: { metadata: { name: string; deletedOn?: string } }) => p.metadata);
    expect(await list()).toEqual([]);
    const pending = await list('PENDING_DELETION');
    expect(pending).toEqual([expect.objectContaining({ name: 'old', deletedOn: expect.any(String) })]);
    const refused = await partner.mesh('workspace', 'DELETE', '/meshworkspaces/async-del');
    expect(refused.status).toBe(409);
    expect(refused.data.message).toMatch(/still being deleted/);
    expect((await partner.createProject('async-del', 'old')).status).toBe(409);
    // The tenants are gone after the deletion delay (60 s of sandbox time).
    await partner.ext('POST', '/clock', { advance: '61s' });
    expect(await list('PENDING_DELETION')).toEqual([]);
    expect((await list('DELETED')).map((m: { name: string }) => m.name)).toEqual([expect.stringMatching(/^old-\d+$/)]);
    expect((await partner.createProject('async-del', 'old')).status).toBe(201);
    await partner.mesh('project', 'DELETE', '/meshprojects/async-del.old');
    await partner.ext('POST', '/clock', { advance: '61s' });
    expect((await partner.mesh('workspace', 'DELETE', '/meshworkspaces/async-del')).status).toBe(204);
  });

  test('a binding created without expiry gets one from recertification', async () => {
    const partner = f.as(PARTNER);
    await partner.ext('PUT', '/settings', { recertification: { [MEMBER]: 10 } });
    try {
      await partner.createWorkspace('recert');
      await partner.grant('recert', 'carol', MEMBER);
      const [b] = await partner.workspaceBindings('recert');
      const clock = new Date((await partner.ext('GET', '/clock')).data.now);
      expect(b.expiryDate).toBe(new Date(clock.getTime() + 10 * 86_400_000).toISOString().slice(0, 10));
    } finally {
      await partner.ext('PUT', '/settings', { recertification: {} });
    }
  });

  if (profile === 'meshstack') {
    test('serves no extensions on its API: an HTML 404, as a real front end answers; the control port has them', async () => {
      for (const url of ['/sandbox/v1/capabilities', '/sandbox/v1/settings', '/sandbox/v1/clock']) {
        const res = await f.http.get(url);
        expect(res.status).toBe(404);
        expect(String(res.headers['content-type'])).toMatch(/text\/html/);
      }
      expect((await f.control.get('/sandbox/v1/capabilities')).status).toBe(200);
    });

    test('a grant held for 4-eyes is answered 201 with the request echoed, and no binding exists until approval', async () => {
      const partner = f.as(PARTNER);
      await partner.createWorkspace('strict-4e');
      await partner.grant('strict-4e', 'alice', OWNER);
      await partner.grant('strict-4e', 'bob', MANAGER);
      await partner.ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
      try {
        const res = await f.as('bob').grant('strict-4e', 'carol', MEMBER, { name: 'strict-4e-carol' });
        expect(res.status).toBe(201);
        expect(res.data).toEqual(
          expect.objectContaining({
            metadata: expect.objectContaining({ name: 'strict-4e-carol' }),
            subject: { name: 'carol' },
          }),
        );
        expect(res.data.pendingRequest).toBeUndefined();
        expect(
          (await partner.mesh('wsUserBinding', 'GET', '/meshworkspacebindings/userbindings/strict-4e-carol')).status,
        ).toBe(404);
      } finally {
        await partner.ext('PUT', '/settings', { fourEyes: { enabled: false, minApprovalCount: 2 } });
      }
    });

    test('project bindings have no expiry field, and deletion reasons are not read from a header', async () => {
      const partner = f.as(PARTNER);
      await partner.createWorkspace('strict-x');
      await partner.grant('strict-x', 'erin', MEMBER);
      await partner.createProject('strict-x', 'prod');
      const res = await partner.grantProject('strict-x', 'prod', 'erin', 'Project Admin', { expiryDate: '2099-01-01' });
      expect(res.status).toBe(201);
      expect(res.data.expiryDate).toBeUndefined();
      await partner.mesh('project', 'DELETE', '/meshprojects/strict-x.prod');
      await partner.ext('POST', '/clock', { advance: '61s' });
      expect(
        (
          await partner.mesh('workspace', 'DELETE', '/meshworkspaces/strict-x', undefined, {
            'X-Deletion-Reason': 'from a header',
          })
        ).status,
      ).toBe(204);
      const deleted = (await partner.events('strict-x')).find((e) => e.type === 'CUSTOMER_DELETED');
      expect(deleted?.details.reason).toBe('deleted through the API');
    });
  }
});
