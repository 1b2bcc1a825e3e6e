/**
 * Hostile input to the sandbox's API (issue 14, low): each answered 400 before anything is written,
 * never a 500 after a commit; and the settings and clock take only values they can hold.
 */
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(() => f.sandbox.close());

const workspaceBody = (name: string, displayName: unknown = name) => ({
  apiVersion: 'v2',
  kind: 'meshWorkspace',
  metadata: { name, tags: {} },
  spec: { displayName },
});

describe('malformed requests are 400, and nothing is written', () => {
  test.each([
    ['a NUL byte in a display name', 'hi-nul', workspaceBody('hi-nul', 'a\u0000b')],
    ['a NUL byte in an identifier', 'hi-nul2\u0000', workspaceBody('hi-nul2\u0000')],
    [
      'nesting 1000 deep',
      'hi-deep',
      {
        ...workspaceBody('hi-deep'),
        spec: { displayName: 'x', extra: JSON.parse('['.repeat(1000) + ']'.repeat(1000)) },
      },
    ],
  ])('%s', async (_name, id, body) => {
    const res = await f.as(PARTNER).mesh('workspace', 'POST', '/meshworkspaces', body);
    expect(res.status).toBe(400);
    const names = (
      await f.as(PARTNER).mesh('workspace', 'GET', '/meshworkspaces?size=1000')
    ).data._embedded.meshWorkspaces.map((w: { metadata: { name: string } }) => w.metadata.name);
    expect(names).not.toContain(id);
  });

  test.each([['1e20'], ['-1'], ['abc'], ['99999999999999999999']])('page=%s', async (page) => {
    const res = await f.as(PARTNER).mesh('workspace', 'GET', `/meshworkspaces?page=${page}`);
    expect(res.status).toBe(400);
    expect(res.data.message).toMatch(/page/);
  });
});

describe('settings and clock take only what they can hold', () => {
  test.each([
    [{ fourEyes: { enabled: 'yes' } }, /fourEyes.enabled must be true or false/],
    [{ fourEyes: { minApprovalCount: 0 } }, /fourEyes.minApprovalCount must be a whole number from 1 to 10/],
    [{ restrictCustomerAdminRoleAssignment: 'no' }, /restrictCustomerAdminRoleAssignment must be true or false/],
    [{ noSuchSetting: true }, /unknown setting "noSuchSetting"/],
  ])('PUT /settings %j is refused', async (body, message) => {
    const before = (await f.as(PARTNER).ext('GET', '/settings')).data;
    const res = await f.as(PARTNER).ext('PUT', '/settings', body);
    expect(res.status).toBe(400);
    expect(res.data.message).toMatch(message);
    expect((await f.as(PARTNER).ext('GET', '/settings')).data).toEqual(before);
    expect((await f.http.get('/mesh/info')).data.is4EPEnabled).toBe(before.fourEyes.enabled);
  });

  test.each([
    [{ advance: '999999999d' }],
    [{ advance: 1e300 }],
    [{ set: '+275760-09-14T00:00:00.000Z' }],
    [{ set: 'not a date' }],
  ])('POST /clock %j is refused and the clock keeps working', async (body) => {
    const res = await f.as(PARTNER).ext('POST', '/clock', body);
    expect(res.status).toBe(400);
    expect((await f.as(PARTNER).ext('GET', '/clock')).status).toBe(200);
    expect((await f.as(PARTNER).createWorkspace('hi-after-clock')).status).toBeLessThan(500);
  });
});
