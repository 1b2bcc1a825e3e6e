import * as http from 'http';
import type { AddressInfo } from 'net';
import { HttpApiClient } from '../../../controller/client/http-client';
import { isApiError, isMeshformError } from '../../../core/errors';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';
import { operationFor, checkRequest } from '../../helpers/openapi';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture(['--token-ttl', '2']);
});
afterAll(() => f.sandbox.close());

const FAST_RETRY = { budgetMs: 20_000, baseDelayMs: 10, maxDelayMs: 200 };
const client = (key = PARTNER, pageSize?: number) =>
  new HttpApiClient({
    endpoint: f.sandbox.url,
    credentials: { kind: 'key', key },
    retry: FAST_RETRY,
    ...(pageSize ? { pageSize } : {}),
  });

describe('HttpApiClient against the sandbox', () => {
  test('a key name alone works on loopback: the secret comes from /mesh/info', async () => {
    expect(await client('bob').workspaces.list()).toEqual([]);
  });

  test('lists page through every page by number, newest first (sort=createdAt,desc, as meshstack-cli)', async () => {
    const api = client();
    for (const n of ['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e'])
      await api.workspaces.create({ name: n, displayName: n, tags: {} });
    const paged = client(PARTNER, 2);
    expect((await paged.workspaces.list()).map((w) => w.name).filter((n) => n.startsWith('pg-'))).toEqual([
      'pg-e',
      'pg-d',
      'pg-c',
      'pg-b',
      'pg-a',
    ]);
    expect(paged.stats.byMethod.GET).toBeGreaterThanOrEqual(3);
  });

  test('a read of something missing is undefined; deleting something already gone succeeds', async () => {
    const api = client();
    expect(await api.workspaces.read('does-not-exist')).toBeUndefined();
    await expect(api.bindings.delete({ name: 'nope', subjectKind: 'User' })).resolves.toBeUndefined();
    await expect(api.projects.delete('pg-a', 'nope')).resolves.toBeUndefined();
  });

  test('409 on create reads back: the same binding is success, another one is a conflict', async () => {
    const api = client();
    const b = {
      name: 'rb-1',
      workspace: 'pg-a',
      subjectKind: 'User' as const,
      subject: 'bob',
      role: 'Workspace Member',
    };
    expect(await api.bindings.create(b)).toEqual({ status: 'created' });
    expect(await api.bindings.create(b)).toEqual({ status: 'created' });
    await expect(api.bindings.create({ ...b, subject: 'carol' })).rejects.toThrow(
      /binding name "rb-1" is taken by another binding/,
    );
  });

  test('a grant whose 202 was lost, sent again, resolves to its pending 4-eyes request (never a conflict or a second request)', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('rb-4eyes');
    await partner.grant('rb-4eyes', 'alice', 'Workspace Owner');
    await partner.grant('rb-4eyes', 'bob', 'Workspace Manager');
    await partner.ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
    try {
      const api = client('bob');
      const b = {
        name: 'rb-pending',
        workspace: 'rb-4eyes',
        subjectKind: 'User' as const,
        subject: 'carol',
        role: 'Workspace Member',
      };
      const first = await api.bindings.create(b);
      expect(first).toEqual({ status: 'pending', requestId: expect.any(String) });
      // The same request again, as a retry after the first response was lost: the platform says 409.
      expect(await api.bindings.create(b)).toEqual(first);
      expect(
        (await partner.ext('GET', '/role-requests?workspaceIdentifier=rb-4eyes&status=PENDING')).data.roleRequests,
      ).toHaveLength(1);
      await expect(api.bindings.create({ ...b, subject: 'dave' })).rejects.toThrow(
        /binding name "rb-pending" is taken by another binding/,
      );
    } finally {
      await partner.ext('PUT', '/settings', { fourEyes: { enabled: false, minApprovalCount: 2 } });
    }
  });

  test('terminal errors are typed and name the call and the platform message', async () => {
    const err = await client('bob')
      .workspaces.update('pg-a', { displayName: 'x', tags: {} })
      .catch((e) => e);
    expect(isApiError(err)).toBe(true);
    expect(err).toMatchObject({ status: 403, errorClass: 'terminal' });
    expect(err.message).toMatch(
      /^PUT \/api\/meshobjects\/meshworkspaces\/pg-a failed: 403 only a Workspace Owner, Workspace Manager or partner may edit the workspace in 'pg-a'/,
    );
  });

  test('retries 429, 502, 503 and dropped connections with backoff, and counts the retries', async () => {
    await f.as(PARTNER).ext('PUT', '/faults', {
      rate: 0.5,
      kinds: ['429', '502', '503', 'drop'],
      seed: 7,
      retryAfterSeconds: 0,
      routes: 'GET /api/meshobjects/meshworkspaces*',
    });
    try {
      const api = client();
      for (let i = 0; i < 5; i++) expect((await api.workspaces.list()).length).toBeGreaterThanOrEqual(5);
      expect(api.stats.retries).toBeGreaterThan(0);
    } finally {
      await f.as(PARTNER).ext('PUT', '/faults', { rate: 0 });
    }
  });

  test('gives up within the budget with a clear transient error when the platform stays down', async () => {
    await f.as(PARTNER).ext('PUT', '/faults', {
      rate: 1,
      kinds: ['503'],
      retryAfterSeconds: 0,
      routes: 'GET /api/meshobjects/meshworkspaces*',
    });
    try {
      const api = new HttpApiClient({
        endpoint: f.sandbox.url,
        credentials: { kind: 'key', key: PARTNER },
        retry: { budgetMs: 1500, baseDelayMs: 50, maxDelayMs: 200 },
      });
      // Ending at all is the budget's doing: the platform answers 503 for as long as the test runs.
      const err = await api.workspaces.list().catch((e) => e);
      expect(err).toMatchObject({ status: 503, errorClass: 'transient' });
      expect(api.stats.retries).toBeGreaterThan(1);
    } finally {
      await f.as(PARTNER).ext('PUT', '/faults', { rate: 0 });
    }
  });

  test('the token is refreshed before it expires, across a long session', async () => {
    const api = client();
    await api.workspaces.list();
    await new Promise((r) => setTimeout(r, 2500)); // token lifetime is 2 s in this sandbox
    // Eight requests find the token expired at once: they share one login.
    await expect(Promise.all(Array.from({ length: 8 }, () => api.workspaces.list()))).resolves.toHaveLength(8);
    expect(api.stats.logins).toBe(2);
    expect(api.stats.byMethod.POST).toBeUndefined(); // logins are not writes
  });

  test('every body the client sends fits meshStack’s request schemas', async () => {
    const sent: Array<{ method: string; url: string; body: unknown }> = [];
    const api = client();
    // Record what goes over the wire through axios' request interceptor.
    (api as unknown as { http: import('axios').AxiosInstance }).http.interceptors.request.use((config) => {
      if (config.data)
        sent.push({ method: config.method!.toUpperCase(), url: config.url!, body: JSON.parse(config.data) });
      return config;
    });
    await api.workspaces.create({ name: 'ct-ws', displayName: 'Contract', tags: { a: ['1'] } });
    await api.workspaces.update('ct-ws', { displayName: 'Contract 2', tags: {} });
    await api.projects.create({ workspace: 'ct-ws', name: 'p', displayName: 'P', tags: {} });
    await api.projects.update('ct-ws', 'p', { displayName: 'P2', tags: {} });
    await api.bindings.create({
      name: 'ct-1',
      workspace: 'ct-ws',
      subjectKind: 'User',
      subject: 'bob',
      role: 'Workspace Member',
      expiryDate: '2027-01-01',
    });
    await api.bindings.create({
      name: 'ct-2',
      workspace: 'ct-ws',
      project: 'p',
      subjectKind: 'User',
      subject: 'bob',
      role: 'Project User',
    });
    await api.tagDefinitions.put({
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
    const checked = sent.filter((s) => s.url.startsWith('/api/meshobjects'));
    expect(checked.length).toBe(7);
    expect(checked.flatMap((s) => checkRequest(operationFor(s.method, s.url)!, s.body))).toEqual([]);
  });
});

describe('HttpApiClient against a broken server', () => {
  let server: http.Server;
  let url: string;
  let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  beforeAll(async () => {
    server = http.createServer((req, res) =>
      req.url === '/api/login'
        ? res
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ access_token: 't', expires_in: 300 }))
        : reply(req, res),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  const api = () =>
    new HttpApiClient({ endpoint: url, credentials: { kind: 'key', key: 'k', secret: 's' }, retry: FAST_RETRY });

  test.each([
    [
      'truncated JSON',
      (res: http.ServerResponse) =>
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"_embedded": {"meshWorkspaces": ['),
      /invalid JSON/,
    ],
    [
      'a wrong media type',
      (res: http.ServerResponse) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>'),
      /content type "text\/html" is not JSON/,
    ],
    [
      'a list without _embedded and without page',
      (res: http.ServerResponse) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"_links": {}}'),
      /no _embedded.meshWorkspaces list/,
    ],
    [
      'an item without required fields',
      (res: http.ServerResponse) =>
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end('{"_embedded": {"meshWorkspaces": [{"metadata": {}}]}}'),
      /meshWorkspace.spec is not an object/,
    ],
  ])('%s is a typed error, not a wrong result', async (_name, respond, message) => {
    reply = (_req, res) => respond(res);
    const err = await api()
      .workspaces.list()
      .catch((e) => e);
    expect(isMeshformError(err)).toBe(true);
    expect(err.code).toBe('api-malformed-response');
    expect(err.message).toMatch(message);
  });

  test.each([
    [303, 'https://proxy.example.com/login?next=/api'],
    [302, 'http://elsewhere.example.net/x'],
  ])('a %s is an error naming where it points, never success and never followed', async (status, location) => {
    const asked: string[] = [];
    reply = (req, res) => {
      asked.push(req.url!);
      res
        .writeHead(status, { Location: location, 'Content-Type': 'application/json' })
        .end('{"_embedded": {"meshWorkspaces": []}, "page": {"number": 0, "totalPages": 1}}');
    };
    const err = await api()
      .workspaces.list()
      .catch((e) => e);
    expect(isApiError(err)).toBe(true);
    expect(err.message).toContain(`${status} redirect to ${new URL(location).origin}`);
    expect(err.message).not.toContain('next=');
    // A grant answered with a redirect is not 'applied'.
    const grant = await api()
      .bindings.create({ name: 'b', workspace: 'w', subjectKind: 'User', subject: 'u', role: 'Workspace Member' })
      .catch((e) => e);
    expect(isApiError(grant)).toBe(true);
    expect(grant.message).toContain(`${status} redirect to ${new URL(location).origin}`);
    expect(asked).not.toContain(new URL(location).pathname + new URL(location).search);
  });

  /** A list call against a server that trickles a byte every 100 ms and never ends the body. */
  async function trickled(retry: {
    budgetMs: number;
    baseDelayMs: number;
    maxDelayMs: number;
  }): Promise<{ err: Error; took: number }> {
    const trickles: Array<{ timer: NodeJS.Timeout; res: http.ServerResponse }> = [];
    reply = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      trickles.push({ res, timer: setInterval(() => res.write(' '), 100) });
    };
    const started = Date.now();
    const err = await new HttpApiClient({
      endpoint: url,
      credentials: { kind: 'key', key: 'k', secret: 's' },
      retry,
      timeoutMs: 1000,
    }).workspaces
      .list()
      .catch((e) => e);
    for (const t of trickles) {
      clearInterval(t.timer);
      t.res.destroy();
    }
    return { err, took: Date.now() - started };
  }

  test('a body trickled a byte at a time (never silent) ends at the call’s deadline, not at its end', async () => {
    const { err } = await trickled({ budgetMs: 0, baseDelayMs: 10, maxDelayMs: 10 });
    expect(isApiError(err)).toBe(true);
    // The trickle never ends, so the call ends by the deadline; the message says which one.
    expect(err.message).toMatch(/no complete answer within 1 s/);
  });

  test('the retry budget is a wall-clock deadline too: slow answers and retries end within it', async () => {
    const { err, took } = await trickled({ budgetMs: 2500, baseDelayMs: 10, maxDelayMs: 50 });
    expect(isApiError(err)).toBe(true);
    // Retried until the budget was spent (a lower bound: a busy machine only makes it later).
    expect(took).toBeGreaterThanOrEqual(2000);
  });

  test('time waiting for a request slot (one at a time) does not count against a request’s deadline', async () => {
    reply = (_req, res) =>
      setTimeout(
        () =>
          res
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end('{"_embedded": {"meshWorkspaces": []}, "page": {"number": 0, "totalPages": 1}}'),
        400,
      );
    const api = new HttpApiClient({
      endpoint: url,
      credentials: { kind: 'key', key: 'k', secret: 's' },
      retry: { budgetMs: 0, baseDelayMs: 10, maxDelayMs: 10 },
      timeoutMs: 1000,
      maxConcurrentRequests: 1,
    });
    // Four lists queue behind one another: the last starts after about 1.2 s, within its own 1 s.
    const lists = await Promise.all([1, 2, 3, 4].map(() => api.workspaces.list()));
    expect(lists).toEqual([[], [], [], []]);
  });

  test('a body larger than meshform reads is an error, not an out-of-memory crash', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    reply = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      let sent = 0;
      const more = () => {
        while (sent < 300 && res.write(chunk)) sent++;
        if (sent < 300) res.once('drain', more);
        else res.end();
      };
      more();
    };
    const err = await new HttpApiClient({
      endpoint: url,
      credentials: { kind: 'key', key: 'k', secret: 's' },
      retry: FAST_RETRY,
      maxBodyBytes: 8 * 1024 * 1024,
    }).workspaces
      .list()
      .catch((e) => e);
    expect(err.code).toBe('api-response-too-large');
    expect(err.message).toMatch(/answer larger than 8 MB/);
  });

  test('error messages never carry the secret or the token', async () => {
    reply = (_req, res) => res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"message": "bad"}');
    const err = await new HttpApiClient({
      endpoint: url,
      credentials: { kind: 'key', key: 'k', secret: 'super-secret-value' },
      retry: FAST_RETRY,
    }).workspaces
      .list()
      .catch((e) => e);
    expect(JSON.stringify({ message: err.message, ...err })).not.toMatch(/super-secret-value|Bearer t/);
  });
});
