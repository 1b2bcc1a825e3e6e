import { matchesPattern } from '../../sandbox/faults';
import { PARTNER, type SandboxFixture, media, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(() => f.sandbox.close());

async function statuses(n: number): Promise<Array<number | string>> {
  const token = await f.as(PARTNER).login();
  const out: Array<number | string> = [];
  for (let i = 0; i < n; i++) {
    try {
      const res = await f.http.get('/api/meshobjects/meshworkspaces', {
        headers: { Authorization: `Bearer ${token}`, Accept: media('meshWorkspace', 'v2') },
      });
      out.push(res.status);
    } catch (e) {
      out.push((e as { code?: string }).code ?? 'error');
    }
  }
  return out;
}

describe('sandbox fault injection', () => {
  afterEach(() => f.as(PARTNER).ext('PUT', '/faults', { rate: 0 }));

  test('429 with Retry-After at rate 1', async () => {
    await f.as(PARTNER).login();
    await f
      .as(PARTNER)
      .ext('PUT', '/faults', { rate: 1, kinds: ['429'], retryAfterSeconds: 7, routes: 'GET /api/meshobjects*' });
    const token = await f.as(PARTNER).login();
    const res = await f.http.get('/api/meshobjects/meshworkspaces', {
      headers: { Authorization: `Bearer ${token}`, Accept: media('meshWorkspace', 'v2') },
    });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.data).toMatchObject({ status: 429, message: 'injected fault 429' });
  });

  test('dropped connections surface as socket errors', async () => {
    await f.as(PARTNER).ext('PUT', '/faults', { rate: 1, kinds: ['drop'], routes: 'GET /api/meshobjects*' });
    expect(await statuses(2)).toEqual(['ECONNRESET', 'ECONNRESET']);
  });

  test('a lost response: the request is carried out, but the client only sees the connection drop', async () => {
    await f.as(PARTNER).login();
    await f
      .as(PARTNER)
      .ext('PUT', '/faults', { rate: 1, kinds: ['drop-response'], routes: 'POST /api/meshobjects/meshworkspaces' });
    const sent = await f
      .as(PARTNER)
      .createWorkspace('lost-response')
      .catch((e: { code?: string }) => e.code);
    expect(sent).toBe('ECONNRESET');
    await f.as(PARTNER).ext('PUT', '/faults', { rate: 0 });
    expect((await f.as(PARTNER).mesh('workspace', 'GET', '/meshworkspaces/lost-response')).status).toBe(200);
    expect((await f.as(PARTNER).createWorkspace('lost-response')).status).toBe(409);
  });

  test('the same seed gives the same sequence of faults', async () => {
    const config = { rate: 0.5, kinds: ['500', '503'], seed: 42, routes: 'GET /api/meshobjects*' };
    await f.as(PARTNER).ext('PUT', '/faults', config);
    const a = await statuses(20);
    await f.as(PARTNER).ext('PUT', '/faults', config);
    const b = await statuses(20);
    expect(a).toEqual(b);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(3);
    expect(a.filter((s) => s === 500 || s === 503).length).toBeGreaterThan(3);
    expect((await f.as(PARTNER).ext('GET', '/faults')).data.injected).toBe(a.filter((s) => s !== 200).length);
  });

  test('latency is added to every matching request', async () => {
    await f.as(PARTNER).ext('PUT', '/faults', { rate: 0, latencyMs: 300, routes: 'GET /api/meshobjects*' });
    const started = Date.now();
    expect(await statuses(1)).toEqual([200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  test('bad fault configs are 400; only partners inject faults; /mesh/info is never faulted', async () => {
    expect((await f.as(PARTNER).ext('PUT', '/faults', { rate: 2 })).status).toBe(400);
    expect((await f.as(PARTNER).ext('PUT', '/faults', { rate: 0.1, kinds: ['418'] })).status).toBe(400);
    expect((await f.as('bob').ext('PUT', '/faults', { rate: 1 })).status).toBe(403);
    await f.as(PARTNER).ext('PUT', '/faults', { rate: 1, kinds: ['500'] });
    expect((await f.http.get('/mesh/info')).status).toBe(200);
  });
});

describe('fault route patterns', () => {
  test.each([
    ['GET /api/meshobjects*', 'GET /api/meshobjects/meshworkspaces', true],
    ['POST */meshprojects', 'POST /api/meshobjects/meshprojects', true],
    ['POST */meshprojects', 'POST /api/meshobjects/meshprojects/x', false],
    ['GET /api/*/meshworkspaces*', 'GET /api/meshobjects/meshworkspaces/a', true],
    ['GET /api', 'GET /api/x', false],
    ['*a*a*a*a*a*a*a*a*a*a*b', `GET /${'a'.repeat(100_000)}`, false],
  ])('%s against %s', (pattern, text, expected) => {
    expect(matchesPattern(pattern, text.slice(0, 200_000))).toBe(expected);
  });

  test('a pattern that would make a regular expression backtrack is a plain pattern: requests are answered at once', async () => {
    await f.as(PARTNER).ext('PUT', '/faults', { rate: 1, kinds: ['500'], routes: '^GET /api/meshobjects/(a+)+$' });
    try {
      // As a regular expression this would backtrack for longer than the test's timeout.
      const res = await f.http.get(`/api/meshobjects/${'a'.repeat(5000)}!`, { validateStatus: () => true });
      expect(res.status).not.toBe(500);
    } finally {
      await f.as(PARTNER).ext('PUT', '/faults', { rate: 0 });
    }
  });
});
