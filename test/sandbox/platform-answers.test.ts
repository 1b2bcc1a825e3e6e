/**
 * The sandbox answers as the platform would (issue 22): names that are members of every object are
 * names, not 500s; binding names are identifiers; a display name that is not text is a 400; a
 * Member does not read a project they are not in; a login tells nobody whether a key exists; a
 * login body is small.
 */
import axios from 'axios';
import * as net from 'net';
import { MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
  const partner = f.as(PARTNER);
  await partner.createWorkspace('answers');
  await partner.grant('answers', 'alice', OWNER);
  await partner.grant('answers', 'erin', MEMBER);
  await partner.createProject('answers', 'open');
  await partner.createProject('answers', 'secret');
  await partner.grantProject('answers', 'open', 'erin', 'Project Reader');
  await partner.grantProject('answers', 'secret', 'dave', 'Project Reader', { name: 'secret-dave' });
});
afterAll(() => f.sandbox.close());

describe('role names that are members of every object', () => {
  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    '%s is refused with 400 as an unknown role',
    async (role) => {
      const partner = f.as(PARTNER);
      const ws = await partner.grant('answers', 'bob', role, {
        name: `ws-role-${role.replace(/_/g, 'u').toLowerCase()}`,
      });
      expect(ws.status).toBe(400);
      const project = await partner.grantProject('answers', 'open', 'bob', role, {
        name: `p-role-${role.replace(/_/g, 'u').toLowerCase()}`,
      });
      expect(project.status).toBe(400);
    },
  );
});

describe('binding names are identifiers', () => {
  test.each(['../../etc/passwd', 'a/b', 'bidi\u202egnp.exe', ' ', '', 'tab\there', 'x'.repeat(300)])(
    '%j is refused with 400, and nothing is written',
    async (name) => {
      const partner = f.as(PARTNER);
      expect((await partner.grant('answers', 'carol', MEMBER, { name })).status).toBe(400);
      expect((await partner.grantProject('answers', 'open', 'carol', 'Project User', { name })).status).toBe(400);
      expect((await partner.workspaceBindings('answers')).map((b) => b.subject)).not.toContain('carol');
    },
  );
});

test('a lone surrogate in a display name is a 400, not a 500', async () => {
  // Written raw: JSON.stringify would escape it, and the server must read the escape as the same text.
  const res = await f.as(PARTNER).mesh('workspace', 'POST', '/meshworkspaces', {
    apiVersion: 'v2',
    kind: 'meshWorkspace',
    metadata: { name: 'lone-surrogate', tags: {} },
    spec: { displayName: 'half \ud800 a pair' },
  });
  expect(res.status).toBe(400);
  expect(res.data.message).toMatch(/displayName/);
});

test.each([
  '/meshprojectbindings/userbindings/secret-dave',
  '/meshprojectbindings/userbindings?workspaceIdentifier=answers&projectIdentifier=secret',
  '/meshprojectbindings/userbindings?workspaceIdentifier=answers',
  '/meshprojectbindings/userbindings?projectIdentifier=secret',
  '/meshprojectbindings/userbindings',
  '/meshprojectbindings/userbindings?size=1000',
])('a Member reads no binding of a project they are not assigned to: GET %s', async (url) => {
  const res = await f.as('erin').mesh('projectUserBinding', 'GET', url);
  expect([200, 400, 404]).toContain(res.status);
  const bindings = (res.data._embedded?.meshProjectUserBindings ?? []) as Array<{ subject: { name: string } }>;
  expect(bindings.map((b) => b.subject.name)).not.toContain('dave');
  if (res.status !== 200) expect(res.data).not.toHaveProperty('subject');
});

describe('login', () => {
  test('an unknown key and a wrong secret get the same answers, before and after the failed-login limit', async () => {
    const attempt = (clientId: string) =>
      f.http.post('/api/login', { clientId, clientSecret: 'wrong' }).then((r) => ({ status: r.status, data: r.data }));
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 8; i++) {
      known.push(await attempt('bob'));
      unknown.push(await attempt('nobody-has-this-key'));
    }
    const shape = (xs: unknown[]) => JSON.stringify(xs).replace(/"(timestamp|instance|path)":"[^"]*"/g, '');
    expect(shape(unknown)).toBe(shape(known));
    expect(known.some((k) => (k as { status: number }).status === 429)).toBe(true);
  });

  test('a login body larger than any login is refused with 413 before it is read', async () => {
    const res = await axios.post(
      `${f.sandbox.url}/api/login`,
      JSON.stringify({ clientId: 'x', clientSecret: 'y'.repeat(1024 * 1024) }),
      { headers: { 'Content-Type': 'application/json' }, validateStatus: () => true },
    );
    expect(res.status).toBe(413);
  });
});

test('300 unauthenticated requests whose bodies never complete are all closed at the request timeout; the sandbox goes on answering', async () => {
  const slow = await sandboxFixture(['--request-timeout', '1']);
  try {
    const { hostname, port } = new URL(slow.sandbox.url);
    const sockets = Array.from({ length: 300 }, () => {
      const socket = net.connect(Number(port), hostname);
      socket.on('error', () => undefined);
      // Read what the server says (a 408), so that its end of the connection is seen.
      socket.resume();
      socket.write(
        `POST /api/meshobjects/meshworkspaces HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
      );
      return new Promise<void>((resolve) => socket.once('close', () => resolve()));
    });
    // Every one is closed by the server (the test would hang on one it keeps).
    await Promise.all(sockets);
    expect((await slow.http.get('/mesh/info')).status).toBe(200);
  } finally {
    await slow.sandbox.close();
  }
});

test('a workspace, project and tag named like Object members are stored and read as any other', async () => {
  const partner = f.as(PARTNER);
  expect((await partner.createWorkspace('constructor', { tags: { constructor: ['a'], toString: ['b'] } })).status).toBe(
    201,
  );
  expect((await partner.grant('constructor', 'alice', OWNER, { name: 'ctor-alice' })).status).toBe(201);
  expect((await partner.createProject('constructor', 'constructor', { constructor: ['c'] })).status).toBe(201);
  expect(
    (await partner.grantProject('constructor', 'constructor', 'alice', 'Project Admin', { name: 'ctor-p-alice' }))
      .status,
  ).toBe(201);
  const ws = await partner.mesh('workspace', 'GET', '/meshworkspaces/constructor');
  expect(ws.status).toBe(200);
  expect(ws.data.metadata.tags).toEqual({ constructor: ['a'], toString: ['b'] });
  expect((await partner.mesh('project', 'GET', '/meshprojects/constructor.constructor')).status).toBe(200);
  expect((await partner.grant('constructor', 'bob', MEMBER, { name: 'ctor-bob' })).status).toBe(201);
  expect((await partner.ext('GET', '/workspaces/constructor/events')).status).toBe(200);
});
