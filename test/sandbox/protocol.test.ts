import { PARTNER, type SandboxFixture, media, sandboxFixture } from '../helpers/sandbox';
import { isLoopback } from '../../sandbox/server';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(() => f.sandbox.close());

describe('sandbox protocol (meshObject API conventions)', () => {
  test('GET /mesh/info is unauthenticated and reports version, 4-eyes and, on loopback, dev credentials', async () => {
    const res = await f.http.get('/mesh/info');
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ version: '2026.34.0', is4EPEnabled: false });
    expect(Object.keys(res.data.devLocalCredentials.apiKeys)).toEqual([
      'partner-admin',
      'alice',
      'bob',
      'carol',
      'dave',
      'erin',
    ]);
    expect(res.data.devLocalCredentials.apiKeys.bob).toEqual({
      clientId: 'bob',
      clientSecret: expect.stringMatching(/^[\w-]{32}$/),
    });
    expect(res.data.devLocalCredentials.users.alice).toEqual({ password: expect.any(String), workspaces: {} });
  });

  test.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['192.168.1.10', false],
    ['::', false],
  ])('dev credentials are published when bound to %s: %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });

  test('POST /api/login returns a short-lived bearer token in meshStack shape', async () => {
    const info = (await f.http.get('/mesh/info')).data;
    const res = await f.http.post('/api/login', {
      clientId: 'bob',
      clientSecret: info.devLocalCredentials.apiKeys.bob.clientSecret,
    });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      access_token: expect.stringMatching(/^eyJ/),
      expires_in: 300,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope: 'profile email',
    });
  });

  test.each([
    ['a wrong secret', { clientId: 'bob', clientSecret: 'nope' }],
    ['an unknown key', { clientId: 'mallory', clientSecret: 'nope' }],
    ['no body', undefined],
  ])('login with %s is 401 with the same message', async (_name, body) => {
    const res = await f.http.post('/api/login', body, { headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(res.data.message).toMatch(/Invalid client credentials|clientId and clientSecret are required/);
  });

  test.each([
    ['no token', undefined],
    [
      'a forged token',
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwYXJ0bmVyLmFkbWluIiwiY2lkIjoicGFydG5lci1hZG1pbiJ9.c2lnbmF0dXJl',
    ],
    ['a malformed header', 'Basic Ym9iOm5vcGU='],
  ])('meshObject calls with %s are 401', async (_name, authorization) => {
    const res = await f.http.get('/api/meshobjects/meshworkspaces', {
      headers: { Accept: media('meshWorkspace', 'v2'), ...(authorization ? { Authorization: authorization } : {}) },
    });
    expect(res.status).toBe(401);
    expect(res.data).toEqual({
      timestamp: expect.any(String),
      status: 401,
      error: 'Unauthorized',
      message: expect.any(String),
      path: '/api/meshobjects/meshworkspaces',
    });
  });

  test('an expired token is 401 "Access token expired"', async () => {
    const short = await sandboxFixture(['--token-ttl', '1']);
    try {
      const caller = short.as('bob');
      const token = await caller.login();
      await new Promise((r) => setTimeout(r, 2100));
      const res = await short.http.get('/api/meshobjects/meshworkspaces', {
        headers: { Accept: media('meshWorkspace', 'v2'), Authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
      expect(res.data.message).toBe('Access token expired');
    } finally {
      await short.sandbox.close();
    }
  });

  test('406 without the versioned Accept header, also for the wrong version', async () => {
    const partner = f.as(PARTNER);
    const token = await partner.login();
    for (const accept of [undefined, 'application/json', media('meshWorkspace', 'v1')]) {
      const res = await f.http.get('/api/meshobjects/meshworkspaces', {
        headers: { Authorization: `Bearer ${token}`, ...(accept ? { Accept: accept } : {}) },
      });
      expect(res.status).toBe(406);
    }
  });

  test('the media type kind matches case-insensitively (the Terraform provider sends camelCase)', async () => {
    const token = await f.as(PARTNER).login();
    const res = await f.http.get('/api/meshobjects/meshworkspaces', {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.meshcloud.api.meshWorkspace.v2.hal+json' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/vnd\.meshcloud\.api\.meshworkspace\.v2\.hal\+json/);
  });

  test('415 for a POST with plain application/json', async () => {
    const token = await f.as(PARTNER).login();
    const res = await f.http.post(
      '/api/meshobjects/meshworkspaces',
      { metadata: { name: 'x' }, spec: { displayName: 'x' } },
      {
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: media('meshWorkspace', 'v2'),
          'Content-Type': 'application/json',
        },
      },
    );
    expect(res.status).toBe(415);
  });

  test('400 for malformed JSON, naming the problem', async () => {
    const token = await f.as(PARTNER).login();
    const type = media('meshWorkspace', 'v2');
    const res = await f.http.post('/api/meshobjects/meshworkspaces', '{"metadata": {', {
      headers: { Authorization: `Bearer ${token}`, Accept: type, 'Content-Type': type },
    });
    expect(res.status).toBe(400);
    expect(res.data.message).toMatch(/malformed JSON/);
  });

  test('HAL lists page with page/size, _links.next and the page block; _embedded is present when empty', async () => {
    const partner = f.as(PARTNER);
    for (const n of ['paging-a', 'paging-b', 'paging-c']) expect((await partner.createWorkspace(n)).status).toBe(201);
    const first = await partner.mesh('workspace', 'GET', '/meshworkspaces?size=2');
    expect(first.data.page).toEqual({ size: 2, totalElements: 3, totalPages: 2, number: 0 });
    expect(first.data._embedded.meshWorkspaces.map((w: any) => w.metadata.name)).toEqual(['paging-a', 'paging-b']);
    const next = new URL(first.data._links.next.href);
    expect(next.searchParams.get('page')).toBe('1');
    const second = await partner.mesh(
      'workspace',
      'GET',
      `${next.pathname.replace('/api/meshobjects', '')}${next.search}`,
    );
    expect(second.data._embedded.meshWorkspaces.map((w: any) => w.metadata.name)).toEqual(['paging-c']);
    expect(second.data._links.next).toBeUndefined();
    const empty = await f.as('erin').mesh('workspace', 'GET', '/meshworkspaces');
    expect(empty.data).toMatchObject({
      _embedded: { meshWorkspaces: [] },
      page: { totalElements: 0, totalPages: 1, number: 0 },
    });
    expect(empty.data._links.next).toBeUndefined();
  });

  test('page sizes above 1000 are lowered to 1000; a bad page is 400', async () => {
    const partner = f.as(PARTNER);
    expect((await partner.mesh('workspace', 'GET', '/meshworkspaces?size=5000')).data.page.size).toBe(1000);
    expect((await partner.mesh('workspace', 'GET', '/meshworkspaces?page=-1')).status).toBe(400);
  });

  test('an unknown path is a 404 in the same error shape', async () => {
    const res = await f.http.get('/api/meshobjects/nothing');
    expect(res.status).toBe(404);
    expect(res.data).toMatchObject({ status: 404, error: 'Not Found' });
  });
});
