import * as http from 'http';
import type { AddressInfo } from 'net';
import { clientSettings, connect, resolveConnection } from '../../../controller/client/connection';
import { HttpApiClient } from '../../../controller/client/http-client';
import { DEFAULT_RETRY, withRetry } from '../../../controller/client/retry';

const ENDPOINT = 'https://meshstack.example.com';

describe('resolveConnection', () => {
  test('MESHSTACK_API_TOKEN wins over key and secret, as in meshStack’s Terraform provider', () => {
    const { credentials } = resolveConnection({
      MESHSTACK_ENDPOINT: ENDPOINT,
      MESHSTACK_API_KEY: 'k',
      MESHSTACK_API_SECRET: 's',
      MESHSTACK_API_TOKEN: 't',
    });
    expect(credentials).toEqual({ kind: 'token', token: 't' });
  });

  test('an --api-key flag is explicit and wins over the token of the environment', () => {
    const { credentials } = resolveConnection(
      { MESHSTACK_ENDPOINT: ENDPOINT, MESHSTACK_API_SECRET: 's', MESHSTACK_API_TOKEN: 't' },
      { apiKey: 'ci' },
    );
    expect(credentials).toEqual({ kind: 'key', key: 'ci', secret: 's' });
  });

  test.each([
    [
      'no scheme (a URL whose "scheme" is localhost:)',
      { endpoint: 'localhost:8080' },
      {},
      /--endpoint "localhost:8080" is not an http\(s\) URL; did you mean http:\/\/localhost:8080\?/,
    ],
    [
      'no scheme, from the environment',
      {},
      { MESHSTACK_ENDPOINT: 'meshstack.example.com' },
      /MESHSTACK_ENDPOINT "meshstack.example.com" is not an http\(s\) URL; did you mean https:\/\/meshstack.example.com\?/,
    ],
    [
      'another scheme',
      { endpoint: 'ftp://meshstack.example.com' },
      {},
      /--endpoint "ftp:\/\/meshstack.example.com" is not an http\(s\) URL/,
    ],
    ['not a URL at all', { endpoint: 'http://' }, {}, /--endpoint "http:\/\/" is not an http\(s\) URL/],
  ])(
    'an endpoint that is not an http(s) URL is a usage error that says what was meant: %s',
    (_name, flags, env, message) => {
      expect(() => resolveConnection({ MESHSTACK_API_KEY: 'k', MESHSTACK_API_SECRET: 's', ...env }, flags)).toThrow(
        message,
      );
    },
  );

  test('an endpoint with a user name or password in it is refused, and the error does not repeat the password', () => {
    const attempt = () =>
      resolveConnection({
        MESHSTACK_ENDPOINT: 'https://ci:hunter2-secret@meshstack.example.com',
        MESHSTACK_API_KEY: 'k',
        MESHSTACK_API_SECRET: 's',
      });
    expect(attempt).toThrow(
      /MESHSTACK_ENDPOINT carries a user name or password \(https:\/\/meshstack\.example\.com\/\): leave them out; meshform logs in with MESHSTACK_API_KEY and MESHSTACK_API_SECRET/,
    );
    expect(() => attempt()).not.toThrow(/hunter2/);
  });

  test('key and secret without a token', () => {
    expect(
      resolveConnection({ MESHSTACK_ENDPOINT: ENDPOINT, MESHSTACK_API_KEY: 'k', MESHSTACK_API_SECRET: 's' })
        .credentials,
    ).toEqual({ kind: 'key', key: 'k', secret: 's' });
  });
});

describe('clientSettings', () => {
  test('MESHFORM_MAX_CONCURRENT_REQUESTS raises the one-at-a-time default; nonsense is a usage error', () => {
    expect(clientSettings({ MESHFORM_MAX_CONCURRENT_REQUESTS: '4' })).toEqual({ maxConcurrentRequests: 4 });
    expect(() => clientSettings({ MESHFORM_MAX_CONCURRENT_REQUESTS: 'lots' })).toThrow(
      /MESHFORM_MAX_CONCURRENT_REQUESTS must be a whole number >= 1/,
    );
  });
});

describe('retries', () => {
  afterEach(() => jest.useRealTimers());

  test('the default budget rides out a backend restart: 503 for three minutes, then an answer', async () => {
    jest.useFakeTimers();
    const started = Date.now();
    let attempts = 0;
    const run = async () => {
      attempts++;
      return Date.now() - started < 180_000 ? { error: new Error('503'), retryable: true } : { value: 'answer' };
    };
    const result = withRetry(run, DEFAULT_RETRY);
    const settled = result.then(
      (v) => v,
      (e: Error) => e,
    );
    for (let i = 0; i < 400 && attempts < 1000; i++) await jest.advanceTimersByTimeAsync(1_000);
    await expect(settled).resolves.toBe('answer');
    expect(attempts).toBeGreaterThan(5);
  });

  describe('against a platform that fails once', () => {
    let server: http.Server;
    let url: string;
    const seen: string[] = [];
    let failNext = new Set<string>();
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        if (req.url === '/api/login')
          return res
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ access_token: 't', expires_in: 300 }));
        const key = `${req.method} ${req.url?.split('?')[0]}`;
        seen.push(key);
        const status = [...failNext].find((k) => key.startsWith(k.split('=')[0]))?.split('=')[1];
        if (status) {
          failNext = new Set([...failNext].filter((k) => !key.startsWith(k.split('=')[0])));
          return res.writeHead(Number(status), { 'Content-Type': 'application/json' }).end('{"message":"injected"}');
        }
        if (req.url?.startsWith('/sandbox/v1/role-requests'))
          return res.writeHead(200, { 'Content-Type': 'application/json' }).end(
            JSON.stringify({
              id: 'r',
              status: 'APPROVED',
              workspace: 'w',
              bindingName: 'b',
              subject: { kind: 'User', name: 'u' },
              role: 'x',
              requestedBy: 'a',
              requestedAt: 'now',
              approvals: [],
            }),
          );
        return res.writeHead(200, { 'Content-Type': 'application/json' }).end(
          JSON.stringify({
            _embedded: { meshWorkspaces: [] },
            page: { size: 1000, totalElements: 0, totalPages: 1, number: 0 },
          }),
        );
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((r) => server.close(r)));
    const api = () =>
      new HttpApiClient({
        endpoint: url,
        credentials: { kind: 'key', key: 'k', secret: 's' },
        retry: { budgetMs: 5_000, baseDelayMs: 5, maxDelayMs: 20 },
      });

    test('a POST without a name that makes a repeat safe (approving a request) is not sent twice', async () => {
      seen.length = 0;
      failNext = new Set(['POST /sandbox/v1/role-requests=503']);
      await expect(api().extensions.decideRequest('r', 'approve')).rejects.toMatchObject({ status: 503 });
      expect(seen.filter((s) => s.startsWith('POST'))).toHaveLength(1);
    });

    test('a 500 is the platform’s answer and not retried; a 503 is', async () => {
      seen.length = 0;
      failNext = new Set(['GET /api/meshobjects/meshworkspaces=500']);
      await expect(api().workspaces.list()).rejects.toMatchObject({ status: 500 });
      expect(seen).toHaveLength(1);
      failNext = new Set(['GET /api/meshobjects/meshworkspaces=503']);
      await expect(api().workspaces.list()).resolves.toEqual([]);
    });
  });
});

describe('the platform version check', () => {
  let server: http.Server;
  let url: string;
  let infoRequests = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/mesh/info') infoRequests++;
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ version: '2026.33.9', is4EPEnabled: false }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  const env = (extra: Record<string, string> = {}) => ({
    MESHSTACK_ENDPOINT: url,
    MESHSTACK_API_KEY: 'k',
    MESHSTACK_API_SECRET: 's',
    ...extra,
  });

  test('connect refuses a platform older than meshform supports, naming both versions and the way out', async () => {
    await expect(connect(env())).rejects.toMatchObject({
      code: 'platform-too-old',
      message: expect.stringMatching(
        /runs meshStack 2026\.33\.9; meshform needs 2026\.34\.0 or newer\. Set MESHSTACK_SKIP_VERSION_CHECK=true/,
      ),
    });
  });

  test('MESHSTACK_SKIP_VERSION_CHECK=true skips the check and its request, as meshStack’s provider does', async () => {
    infoRequests = 0;
    await expect(connect(env({ MESHSTACK_SKIP_VERSION_CHECK: 'true' }))).resolves.toBeDefined();
    expect(infoRequests).toBe(0);
  });
});
