/** Login against guessing: wrong secrets are throttled per key and address, and an unknown key costs what a wrong secret costs. */
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(() => f.sandbox.close());

const login = (clientId: string, clientSecret: string) =>
  f.http.post('/api/login', { clientId, clientSecret }, { validateStatus: () => true });

test('after 5 wrong secrets a key is throttled from that address (429 with Retry-After), even for the right secret; other keys are not', async () => {
  const secret = (await f.http.get('/mesh/info')).data.devLocalCredentials.apiKeys.carol.clientSecret as string;
  const clientId = (await f.http.get('/mesh/info')).data.devLocalCredentials.apiKeys.carol.clientId as string;
  for (let i = 0; i < 5; i++) expect((await login(clientId, `wrong-${i}`)).status).toBe(401);
  const throttled = await login(clientId, 'wrong-again');
  expect(throttled.status).toBe(429);
  expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(throttled.data.message).toMatch(/too many failed logins for this key: try again in \d+ s/);
  expect((await login(clientId, secret)).status).toBe(429);
  expect((await f.as(PARTNER).login()).length).toBeGreaterThan(10);
  // Once the wait is over the right secret works, and resets the count.
  await new Promise((r) => setTimeout(r, Number(throttled.headers['retry-after']) * 1000 + 100));
  expect((await login(clientId, secret)).status).toBe(200);
  expect((await login(clientId, 'wrong')).status).toBe(401);
});

test('an unknown key is refused with the same answer as a wrong secret', async () => {
  const unknown = await login('no-such-key', 'x');
  const wrong = await login((await f.http.get('/mesh/info')).data.devLocalCredentials.apiKeys.dave.clientId, 'x');
  expect([unknown.status, unknown.data.message]).toEqual([wrong.status, wrong.data.message]);
});
