/**
 * The sandbox against hostile users of a shared platform and hostile web pages: what an attack run
 * found (issue 14), each case as the attacker would try it.
 */
import * as net from 'net';
import { bindingName } from '../../controller/plan/binding-steps';
import { meshform, platformEnv, scratch } from '../helpers/cli';
import { binding, desired, user, workspace } from '../helpers/desired';
import {
  MANAGER,
  OWNER,
  PARTNER,
  type SandboxFixture,
  freshDataDir,
  sandboxFixture,
  spawnSandbox,
} from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(() => f.sandbox.close());

describe("another workspace's objects", () => {
  test("an Owner of one workspace cannot overwrite another workspace's payment method (PUT with its own workspace in the body)", async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('victim');
    await partner.createWorkspace('attacker');
    await partner.grant('attacker', 'bob', OWNER);
    const pm = {
      apiVersion: 'v2',
      kind: 'meshPaymentMethod',
      metadata: { name: 'victim-budget', ownedByWorkspace: 'victim' },
      spec: { displayName: 'Budget', amount: 1000, tags: {} },
    };
    expect((await partner.mesh('paymentMethod', 'POST', '/meshpaymentmethods', pm)).status).toBe(201);
    const forged = {
      ...pm,
      metadata: { name: 'victim-budget', ownedByWorkspace: 'attacker' },
      spec: { displayName: 'mine now', amount: 1, tags: {} },
    };
    const res = await f.as('bob').mesh('paymentMethod', 'PUT', '/meshpaymentmethods/victim-budget', forged);
    expect(res.status).toBe(403);
    const after = (await partner.mesh('paymentMethod', 'GET', '/meshpaymentmethods/victim-budget')).data;
    expect(after).toMatchObject({
      metadata: { ownedByWorkspace: 'victim' },
      spec: { displayName: 'Budget', amount: 1000 },
    });
    // Even a manager of both workspaces cannot move a payment method to another workspace.
    await partner.grant('victim', 'alice', OWNER);
    await partner.grant('attacker', 'alice', MANAGER);
    const moved = await f.as('alice').mesh('paymentMethod', 'PUT', '/meshpaymentmethods/victim-budget', forged);
    expect(moved.status).toBe(400);
    expect(moved.data.message).toMatch(/ownedByWorkspace cannot change/);
  });
});

describe('a web page in the user’s browser (DNS rebinding, cross-site posts)', () => {
  const port = () => new URL(f.sandbox.url).port;
  test.each([
    ['its own loopback address', () => `127.0.0.1:${port()}`, {}, true],
    ['localhost', () => `localhost:${port()}`, {}, true],
    ['a rebound DNS name pointing at loopback', () => `evil.example.com:${port()}`, {}, false],
    [
      'a loopback Host, but a page of another origin',
      () => `127.0.0.1:${port()}`,
      { Origin: 'http://evil.example.com' },
      false,
    ],
  ])(
    '/mesh/info publishes the dev credentials only when asked under a loopback name: %s',
    async (_name, host, extra, published) => {
      const res = await f.http.get('/mesh/info', { headers: { Host: host(), ...extra } });
      expect(res.status).toBe(200);
      expect('devLocalCredentials' in res.data).toBe(published);
    },
  );

  test.each([
    ['text/plain (a form a page may post without asking)', 'text/plain'],
    ['form-urlencoded', 'application/x-www-form-urlencoded'],
    ['no content type', undefined],
  ])('login takes JSON only: %s is 415', async (_name, type) => {
    const body = JSON.stringify({ clientId: PARTNER, clientSecret: 'whatever' });
    const res = await f.http.post('/api/login', body, {
      headers: type ? { 'Content-Type': type } : {},
      transformRequest: [(d) => d],
    });
    expect(res.status).toBe(415);
  });

  test('links never come from the Host header', async () => {
    const token = await f.as(PARTNER).login();
    const res = await f.http.get('/api/meshobjects/meshworkspaces', {
      headers: {
        Host: 'evil.example.com',
        Accept: 'application/vnd.meshcloud.api.meshworkspace.v2.hal+json',
        Authorization: `Bearer ${token}`,
      },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.data)).not.toMatch(/evil\.example\.com/);
    expect(res.data._links.self.href.startsWith(f.sandbox.url)).toBe(true);
  });
});

describe('binding names another workspace’s Owner holds (names are global on meshStack)', () => {
  test('registering a workspace, or a partner adding themselves, never fails on a name someone took first', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('squatter');
    await partner.grant('squatter', 'bob', OWNER);
    // bob guesses the names the platform would give and takes them in his own workspace.
    const names = {
      dave: 'squat-reg-registrant',
      erin: `squat-add-${PARTNER}-manager`,
      carol: `squat-add-${PARTNER}-member`,
    };
    for (const [subject, name] of Object.entries(names))
      expect((await f.as('bob').grant('squatter', subject, 'Workspace Member', { name })).status).toBe(201);
    expect((await f.as('carol').createWorkspace('squat-reg')).status).toBe(201);
    expect((await f.as('carol').workspaceBindings('squat-reg')).map((b) => [b.subject, b.role])).toContainEqual([
      'carol',
      OWNER,
    ]);
    await partner.createWorkspace('squat-add');
    expect((await partner.ext('POST', '/workspaces/squat-add/add-myself')).status).toBe(200);
  });

  test('meshform grants even when the name it would derive is taken in another workspace', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('squat-target');
    await partner.grant('squat-target', 'alice', OWNER);
    // The name meshform derived from content until now: predictable, so bob takes it first.
    const predicted = bindingName('squat-target', undefined, user('carol'), 'Workspace Member');
    expect((await f.as('bob').grant('squatter', 'alice', 'Workspace Member', { name: predicted })).status).toBe(201);
    const files = scratch('squat');
    try {
      const manifest = files.json(
        'squat.json',
        desired([
          workspace('squat-target', [binding(OWNER, user('alice')), binding('Workspace Member', user('carol'))], {
            adopt: true,
          }),
        ]),
      );
      const run = await meshform(['apply', '--manifest', manifest, '--auto-approve'], {
        env: platformEnv(f.sandbox.url, PARTNER),
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect((await partner.workspaceBindings('squat-target')).map((b) => [b.subject, b.role])).toContainEqual([
        'carol',
        'Workspace Member',
      ]);
      // Planned again, it is in place: observe matched it by content, whatever its name.
      expect(
        (
          await meshform(['plan', '--manifest', manifest, '--detailed-exitcode'], {
            env: platformEnv(f.sandbox.url, PARTNER),
          })
        ).code,
      ).toBe(0);
    } finally {
      files.dispose();
    }
  });
});

describe('the start-up message', () => {
  test('on a non-loopback bind it does not promise credentials from /mesh/info, and says where secrets come from', async () => {
    const sandbox = await spawnSandbox(await freshDataDir(), ['--host', '0.0.0.0']);
    try {
      const out = sandbox.output();
      expect(out).not.toMatch(/secret is read from/);
      expect(out).toMatch(
        /secrets are not published on 0\.0\.0\.0 \(not loopback\): give each key's clientSecret in a --seed file/,
      );
    } finally {
      await sandbox.close();
    }
  });
});

describe('a Workspace Member and the projects hidden from them', () => {
  test('sees no bindings and no events of a project they are not in', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('hidden-ws');
    await partner.grant('hidden-ws', 'alice', OWNER);
    await partner.grant('hidden-ws', 'erin', 'Workspace Member');
    await partner.grant('hidden-ws', 'dave', 'Workspace Member');
    await partner.createProject('hidden-ws', 'open');
    await partner.createProject('hidden-ws', 'secret');
    await partner.grantProject('hidden-ws', 'open', 'erin', 'Project Reader');
    await partner.grantProject('hidden-ws', 'secret', 'dave', 'Project Reader');
    const erin = f.as('erin');
    expect((await erin.mesh('project', 'GET', '/meshprojects/hidden-ws.secret')).status).toBe(404);
    const listed = await erin.mesh(
      'projectUserBinding',
      'GET',
      '/meshprojectbindings/userbindings?workspaceIdentifier=hidden-ws&projectIdentifier=secret',
    );
    expect(listed.status).toBe(200);
    expect(listed.data._embedded.meshProjectUserBindings).toEqual([]);
    expect((await erin.ext('GET', '/workspaces/hidden-ws/projects/secret/events')).status).toBe(404);
    const events = await erin.events('hidden-ws');
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toMatch(/secret/);
    // The Owner sees all of it.
    expect(JSON.stringify(await f.as('alice').events('hidden-ws'))).toMatch(/secret/);
  });
});

describe('a client that sends slowly (slowloris)', () => {
  test('a body trickled a byte at a time is cut off with 408 at the request timeout; the sandbox goes on answering', async () => {
    const slow = await sandboxFixture(['--request-timeout', '1']);
    try {
      const { hostname, port } = new URL(slow.sandbox.url);
      const socket = net.connect(Number(port), hostname);
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      socket.write(
        `POST /api/login HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      );
      const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
      await new Promise((r) => socket.once('close', r));
      clearInterval(trickle);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect((await slow.http.get('/mesh/info')).status).toBe(200);
    } finally {
      await slow.sandbox.close();
    }
  });
});
