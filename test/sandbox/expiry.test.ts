import { MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(() => f.sandbox.close());

const DAY = 86_400_000;
const day = (offsetDays: number, from: Date) => new Date(from.getTime() + offsetDays * DAY).toISOString().slice(0, 10);
const now = async () => new Date((await f.as(PARTNER).ext('GET', '/clock')).data.now);

describe('sandbox expiry and recertification', () => {
  test('a binding past its expiry is removed when the clock passes it, with an event, also from its projects', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('ex-basic');
    await partner.grant('ex-basic', 'alice', OWNER);
    const t = await now();
    expect((await partner.grant('ex-basic', 'erin', MEMBER, { expiryDate: day(2, t) })).data.expiryDate).toBe(
      day(2, t),
    );
    await partner.createProject('ex-basic', 'prod');
    expect((await partner.grantProject('ex-basic', 'prod', 'erin', 'Project Admin')).status).toBe(201);
    const moved = await partner.ext('POST', '/clock', { advance: '4d' });
    expect(moved.data.expiredRemoved).toBe(1);
    expect((await partner.workspaceBindings('ex-basic')).map((b) => b.subject)).toEqual(['alice']);
    const removal = (await partner.events('ex-basic')).find((e) => e.type === 'USER_REMOVED');
    expect(removal).toMatchObject({ actor: 'meshStack (expiry)', details: { subject: 'erin', reason: 'expired' } });
    expect((await partner.events('ex-basic', 'prod')).map((e) => e.type)).toEqual([
      'PROJECT_CREATED',
      'PROJECT_USER_ASSIGNED',
      'PROJECT_USER_REMOVED',
    ]);
  });

  test('a binding is valid through its expiry day', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('ex-day');
    const t = await now();
    await partner.grant('ex-day', 'erin', MEMBER, { expiryDate: day(1, t) });
    await partner.ext('POST', '/clock', { set: `${day(1, t)}T23:59:00Z` });
    expect((await partner.workspaceBindings('ex-day')).map((b) => b.subject)).toEqual(['erin']);
    await partner.ext('POST', '/clock', { set: `${day(2, t)}T00:00:30Z` });
    expect(await partner.workspaceBindings('ex-day')).toEqual([]);
  });

  test('project bindings expire at their exact date-time (sandbox extension for emergency access)', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('ex-emergency');
    await partner.grant('ex-emergency', 'erin', MEMBER);
    await partner.createProject('ex-emergency', 'prod');
    const t = await now();
    const until = new Date(t.getTime() + 2 * 3600_000).toISOString();
    expect(
      (await partner.grantProject('ex-emergency', 'prod', 'erin', 'Project Admin', { expiryDate: until })).data
        .expiryDate,
    ).toBe(until);
    await partner.ext('POST', '/clock', { advance: '1h' });
    const list = () =>
      partner.mesh(
        'projectUserBinding',
        'GET',
        '/meshprojectbindings/userbindings?workspaceIdentifier=ex-emergency&projectIdentifier=prod',
      );
    expect((await list()).data._embedded.meshProjectUserBindings).toHaveLength(1);
    await partner.ext('POST', '/clock', { advance: '90m' });
    expect((await list()).data._embedded.meshProjectUserBindings).toEqual([]);
  });

  test('recertification: API bindings without expiry get now + max; beyond the max or in the past is rejected', async () => {
    const partner = f.as(PARTNER);
    await partner.ext('PUT', '/settings', { recertification: { [OWNER]: 180 } });
    try {
      await partner.createWorkspace('ex-recert');
      const t = await now();
      const created = await partner.grant('ex-recert', 'alice', OWNER);
      expect(created.data.expiryDate).toBe(day(180, t));
      const beyond = await partner.grant('ex-recert', 'bob', OWNER, { expiryDate: day(200, t) });
      expect(beyond.status).toBe(400);
      expect(beyond.data.message).toMatch(/exceeds the maximum duration of 180 days/);
      const past = await partner.grant('ex-recert', 'bob', OWNER, { expiryDate: day(-1, t) });
      expect(past.status).toBe(400);
      expect(past.data.message).toMatch(/is in the past/);
      expect((await partner.grant('ex-recert', 'carol', MEMBER)).data.expiryDate).toBeUndefined();
    } finally {
      await partner.ext('PUT', '/settings', { recertification: {} });
    }
  });

  test('recertification is set per workspace role: another role name is a 400 naming the field, and nothing changes', async () => {
    const partner = f.as(PARTNER);
    const before = (await partner.ext('GET', '/settings')).data.recertification;
    for (const role of ['Project User', 'Workspace Admin']) {
      const res = await partner.ext('PUT', '/settings', { recertification: { [MEMBER]: 30, [role]: 30 } });
      expect({ status: res.status, message: res.data.message }).toEqual({
        status: 400,
        message: expect.stringContaining(`recertification["${role}"]`),
      });
    }
    expect((await partner.ext('GET', '/settings')).data.recertification).toEqual(before);
  });

  test('an invalid expiry date is a 400', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('ex-invalid');
    expect((await partner.grant('ex-invalid', 'bob', MEMBER, { expiryDate: '2026-02-30' })).status).toBe(400);
  });

  test('clock: an advance moves it by exactly that much, however long the request takes', async () => {
    const before = (await f.as(PARTNER).ext('GET', '/clock')).data.offsetMs as number;
    for (let i = 0; i < 20; i++) await f.as(PARTNER).ext('POST', '/clock', { advance: '1s' });
    expect((await f.as(PARTNER).ext('GET', '/clock')).data.offsetMs).toBe(before + 20_000);
  });

  test('clock: bad requests are 400 and only partners move it', async () => {
    expect((await f.as(PARTNER).ext('POST', '/clock', { advance: 'soon' })).status).toBe(400);
    expect((await f.as('bob').ext('POST', '/clock', { advance: '1h' })).status).toBe(403);
  });
});
