/**
 * The client against a server that answers as meshStack's API allows but no convenient imitation
 * does (issue 21), and as a hostile or broken one might (issue 22): `_embedded` left out of an empty
 * page, a 409 that is a conflict and not a pending grant, lists that never end or change while read,
 * bodies too large to read, requests that cannot be serialised, connections that break.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { connect } from '../../../controller/client/connection';
import { HttpApiClient } from '../../../controller/client/http-client';
import { packageVersion } from '../../../core/package-info';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

let server: http.Server;
let url: string;
let seen: Seen[];
let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void;
let fourEyes = false;
/** What /mesh/info answers: meshStack's JSON, or (behind some proxies) nothing meshform can read. */
let info: 'json' | 'html' = 'json';

const json = (res: http.ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/api/login') return json(res, 200, { access_token: 't', expires_in: 300 });
    if (req.url === '/mesh/info')
      return info === 'json'
        ? json(res, 200, { version: '2026.34.0', is4EPEnabled: fourEyes })
        : res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><title>Not Found</title></html>');
    if (req.url?.startsWith('/sandbox/')) return res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html/>');
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    return reply(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  seen = [];
  fourEyes = false;
  info = 'json';
});

const api = (extra: Partial<ConstructorParameters<typeof HttpApiClient>[0]> = {}) =>
  new HttpApiClient({
    endpoint: url,
    credentials: { kind: 'key', key: 'k', secret: 's' },
    retry: { budgetMs: 2_000, baseDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });

const page = (number: number, totalPages: number, totalElements: number, size = 1000) => ({
  size,
  totalElements,
  totalPages,
  number,
});

describe('an empty binding list without _embedded (the OpenAPI document marks it optional)', () => {
  test('is an empty list, for workspace and project bindings alike', async () => {
    reply = (_req, res) => json(res, 200, { _links: { self: { href: 'x' } }, page: page(0, 0, 0) });
    await expect(api().bindings.listWorkspaceBindings({ workspace: 'w' })).resolves.toEqual([]);
    await expect(api().bindings.listProjectBindings('w', 'p')).resolves.toEqual([]);
  });

  test('without `page` either, it is still not a list', async () => {
    reply = (_req, res) => json(res, 200, { _links: { self: { href: 'x' } } });
    await expect(api().bindings.listWorkspaceBindings({ workspace: 'w' })).rejects.toMatchObject({
      code: 'api-malformed-response',
    });
  });
});

describe('a 409 on a grant', () => {
  const grant = {
    name: 'b1',
    workspace: 'w',
    subjectKind: 'User' as const,
    subject: 'carol',
    role: 'Workspace Member',
  };
  // No binding is readable: the one under the name answers 404, the workspace's list is empty.
  const nothingLive: typeof reply = (req, res) =>
    req.method === 'POST'
      ? json(res, 409, { message: 'an object with this identifier already exists' })
      : req.url?.includes('?')
        ? json(res, 200, {
            _links: { self: { href: 'x' } },
            page: { size: 1000, totalElements: 0, totalPages: 0, number: 0 },
          })
        : json(res, 404, { message: 'not found' });

  test('with 4-eyes off is a conflict, never a grant waiting for approval', async () => {
    reply = nothingLive;
    await expect(api().bindings.create(grant)).rejects.toMatchObject({ code: 'api-409' });
  });

  test('with 4-eyes on, and no binding under the name, is the grant already waiting (its name is the grant’s own)', async () => {
    fourEyes = true;
    reply = nothingLive;
    await expect(api().bindings.create(grant)).resolves.toEqual({ status: 'pending' });
  });
});

describe('paging', () => {
  test('a list whose page count never ends is refused after a bounded number of pages, with a stable code', async () => {
    let n = 0;
    reply = (req, res) => {
      const asked = Number(new URL(req.url!, url).searchParams.get('page'));
      n++;
      // Distinct next links and a total that grows with every page.
      json(res, 200, {
        _embedded: { meshWorkspaces: [{ metadata: { name: `w-${n}` }, spec: { displayName: 'x' } }] },
        _links: { next: { href: `${url}/api/meshobjects/meshworkspaces?page=${asked + 1}&n=${n}` } },
        page: page(asked, asked + 2, asked + 2, 1),
      });
    };
    const err = await api()
      .workspaces.list()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'api-list-unstable', errorClass: 'terminal' });
    expect(seen.length).toBeLessThanOrEqual(20);
  });

  test('asks for a stable order (newest first, up to a fixed instant) and drops an object listed twice', async () => {
    const ws = (name: string) => ({ metadata: { name }, spec: { displayName: name } });
    reply = (req, res) => {
      const q = new URL(req.url!, url).searchParams;
      const p = Number(q.get('page'));
      // The object on the edge of two pages is listed on both, as when one is created between reads.
      json(res, 200, {
        _embedded: { meshWorkspaces: p === 0 ? [ws('a'), ws('b')] : [ws('b'), ws('c')] },
        page: page(p, 2, 4, 2),
      });
    };
    const names = (await api({ pageSize: 2 }).workspaces.list()).map((w) => w.name);
    expect(names).toEqual(['a', 'b', 'c']);
    const queries = seen.map((s) => new URL(s.url, url).searchParams);
    expect(queries.map((q) => q.get('sort'))).toEqual(['createdAt,desc', 'createdAt,desc']);
    const until = queries.map((q) => q.get('until'));
    expect(until[0]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(until[1]).toBe(until[0]);
  });

  test('a list whose total changes between pages is read again from the start', async () => {
    let reads = 0;
    const ws = (name: string) => ({ metadata: { name }, spec: { displayName: name } });
    reply = (req, res) => {
      const p = Number(new URL(req.url!, url).searchParams.get('page'));
      reads++;
      // First pass: page 0 says 3 objects, page 1 says 4 (one was created meanwhile); then stable at 4.
      const total = reads <= 1 ? 3 : 4;
      const all = total === 3 ? ['a', 'b', 'c'] : ['a', 'b', 'c', 'd'];
      json(res, 200, {
        _embedded: { meshWorkspaces: all.slice(p * 2, p * 2 + 2).map(ws) },
        page: page(p, Math.ceil(total / 2), total, 2),
      });
    };
    const names = (await api({ pageSize: 2 }).workspaces.list()).map((w) => w.name);
    expect(names).toEqual(['a', 'b', 'c', 'd']);
    expect(seen.map((s) => new URL(s.url, url).searchParams.get('page'))).toEqual(['0', '1', '0', '1']);
  });
});

describe('bodies', () => {
  test('a body larger than meshform reads is refused with its own code, before it is read whole', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let written = 0;
    reply = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const more = () => {
        while (written < 200 && res.write(chunk)) written++;
        if (written < 200) res.once('drain', more);
        else res.end();
      };
      res.on('close', () => (written = 200));
      more();
    };
    const err = await api({ maxBodyBytes: 4 * 1024 * 1024 })
      .workspaces.list()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'api-response-too-large', errorClass: 'terminal' });
    expect(seen).toHaveLength(1);
  });

  test('a request meshform cannot serialise (nesting too deep) is a terminal error, sent never and retried never', async () => {
    let valueType: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++) valueType = { string: valueType };
    reply = (_req, res) => json(res, 404, { message: 'not found' });
    const err = await api()
      .tagDefinitions.put({
        metadata: { name: 'meshProject.deep' },
        spec: {
          targetKind: 'meshProject',
          key: 'deep',
          displayName: 'Deep',
          valueType,
          restricted: false,
          mandatory: false,
          immutable: false,
        },
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'request-unserialisable', errorClass: 'terminal' });
    expect(seen.filter((s) => s.method === 'PUT')).toEqual([]);
  });
});

describe('how requests are sent', () => {
  test('every request names meshform and its version in User-Agent', async () => {
    reply = (_req, res) => json(res, 200, { _embedded: { meshWorkspaces: [] }, page: page(0, 1, 0) });
    await api().workspaces.list();
    expect(seen.map((s) => s.headers['user-agent'])).toEqual([`meshform/${packageVersion()}`]);
  });

  test('a broken connection is retried for a GET, never for a POST', async () => {
    reply = (req) => req.socket.destroy();
    const a = api();
    await expect(a.workspaces.list()).rejects.toMatchObject({ code: 'api-unreachable' });
    const gets = seen.length;
    expect(gets).toBeGreaterThan(1);
    seen = [];
    await expect(a.workspaces.create({ name: 'x', displayName: 'x', tags: {} })).rejects.toMatchObject({
      code: 'api-unreachable',
    });
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(1);
  });

  test('a refused connection is not retried (nothing listens: retrying cannot help)', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const a = new HttpApiClient({
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { kind: 'token', token: 't' },
      retry: { budgetMs: 60_000, baseDelayMs: 5, maxDelayMs: 20 },
    });
    await expect(a.workspaces.list()).rejects.toMatchObject({ code: 'api-unreachable' });
    expect(a.stats.retries).toBe(0);
  });

  test('the timeout is one of silence: a large page that keeps arriving is read to its end', async () => {
    reply = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const body = JSON.stringify({ _embedded: { meshWorkspaces: [] }, page: page(0, 1, 0) });
      let i = 0;
      // Bytes keep coming, each within the silence timeout; the whole answer takes several of them.
      const timer = setInterval(() => {
        if (i < body.length) res.write(body.slice(i, (i += 8)));
        else {
          clearInterval(timer);
          res.end();
        }
      }, 40);
    };
    await expect(
      api({ timeoutMs: 300, retry: { budgetMs: 5_000, baseDelayMs: 5, maxDelayMs: 5 } }).workspaces.list(),
    ).resolves.toEqual([]);
  });
});

describe('MESHSTACK_SKIP_VERSION_CHECK=true', () => {
  const env = { MESHSTACK_API_KEY: 'k', MESHSTACK_API_SECRET: 's', MESHFORM_RETRY_BUDGET: '1s' };

  test('is honoured after connecting too: an unreadable /mesh/info makes 4-eyes unknown (taken as on), not a failed plan', async () => {
    info = 'html';
    const api = await connect({ ...env, MESHSTACK_ENDPOINT: url, MESHSTACK_SKIP_VERSION_CHECK: 'true' });
    await expect(api.info()).resolves.toEqual({ version: 'unknown', fourEyesEnabled: true });
  });

  test('without it, an unreadable /mesh/info is an error, as before', async () => {
    info = 'html';
    await expect(connect({ ...env, MESHSTACK_ENDPOINT: url })).rejects.toMatchObject({ code: 'api-404' });
  });
});

describe('a workspace deletion the platform refuses', () => {
  test('says what blocks it on meshStack: projects, building blocks and tenants', async () => {
    reply = (_req, res) => json(res, 409, { message: "meshWorkspace 'w' cannot be deleted" });
    const err = await api()
      .workspaces.delete('w', 'not needed')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'api-409' });
    expect((err as Error).message).toMatch(/cannot be deleted.*projects, building blocks or tenants/);
  });
});
