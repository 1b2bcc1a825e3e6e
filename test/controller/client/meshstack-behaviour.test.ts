/**
 * meshform against a platform that behaves like the real meshStack (`../shared/meshstack-api.md`
 * section 8, from meshStack's OpenAPI document and its Terraform provider): full-rewrite PUT,
 * injected restricted-tag defaults, dropped empty tag lists, asynchronous project deletion,
 * absolute links of another origin, HTML answers from a front end, 4-eyes grants answered 201,
 * admin-only global user lists, dev-stack keys published by name. Each case runs against the
 * sandbox's default profile and its strict `meshstack` profile, which serves the meshObject API alone.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { apply } from '../../../controller/apply/apply';
import { HttpApiClient } from '../../../controller/client/http-client';
import { planAgainst } from '../../../controller/run';
import type { DesiredState, TagDefinition } from '../../../schemas/desired-state.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, project, user, workspace, stringTag } from '../../helpers/desired';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';
import { scratchDir } from '../../helpers/scratch';

const FAST_RETRY = { budgetMs: 10_000, baseDelayMs: 10, maxDelayMs: 100 };

describe.each([['default'], ['meshstack']])('meshform against the sandbox, %s profile', (profile) => {
  let f: SandboxFixture;
  beforeAll(async () => {
    f = await sandboxFixture(['--profile', profile]);
  });
  afterAll(() => f.sandbox.close());

  const client = (key = PARTNER) =>
    new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key }, retry: FAST_RETRY });
  async function converge(state: DesiredState, key = PARTNER) {
    const api = client(key);
    const { plan } = await planAgainst(api, state, { endpoint: f.sandbox.url });
    expect(plan.refusals).toEqual([]);
    const report = await apply(api, plan);
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
    return report;
  }
  const replan = async (state: DesiredState, key = PARTNER) =>
    (await planAgainst(client(key), state, { endpoint: f.sandbox.url })).plan;
  const stepsOf = (p: Awaited<ReturnType<typeof replan>>) => [
    ...p.globalSteps,
    ...p.workspaces.flatMap((w) => w.steps),
  ];

  test('renaming a project keeps its payment methods: PUT is a full rewrite', async () => {
    // GIVEN a project with a payment method and a substitute, made outside meshform
    const partner = f.as(PARTNER);
    await partner.createWorkspace('pm-ws');
    const created = await partner.mesh('project', 'POST', '/meshprojects', {
      apiVersion: 'v2',
      kind: 'meshProject',
      metadata: { name: 'web', ownedByWorkspace: 'pm-ws' },
      spec: {
        displayName: 'Web',
        tags: {},
        paymentMethodIdentifier: 'pm-main',
        substitutePaymentMethodIdentifier: 'pm-backup',
      },
    });
    expect(created.status).toBe(201);
    // WHEN meshform renames it
    await converge(
      desired([
        workspace('pm-ws', [], {
          additive: true,
          adopt: true,
          projects: [project('pm-ws', 'web', [], { displayName: 'Web shop' })],
        }),
      ]),
    );
    // THEN the platform kept both payment methods
    const after = (await partner.mesh('project', 'GET', '/meshprojects/pm-ws.web')).data;
    expect(after.spec).toMatchObject({
      displayName: 'Web shop',
      paymentMethodIdentifier: 'pm-main',
      substitutePaymentMethodIdentifier: 'pm-backup',
    });
  });

  test('renaming a workspace keeps platformBuilderAccessEnabled and fields meshform does not know', async () => {
    const partner = f.as(PARTNER);
    await partner.mesh('workspace', 'POST', '/meshworkspaces', {
      apiVersion: 'v2',
      kind: 'meshWorkspace',
      metadata: { name: 'pb-ws', tags: {}, costCenterRef: 'cc-17' },
      spec: { displayName: 'Builders', platformBuilderAccessEnabled: true, futureSetting: { level: 3 } },
    });
    await converge(
      desired([workspace('pb-ws', [], { displayName: 'Platform builders', additive: true, adopt: true })]),
    );
    const after = (await partner.mesh('workspace', 'GET', '/meshworkspaces/pb-ws')).data;
    expect(after.spec).toEqual({
      displayName: 'Platform builders',
      platformBuilderAccessEnabled: true,
      futureSetting: { level: 3 },
    });
    expect(after.metadata.costCenterRef).toBe('cc-17');
  });

  test('a plan of bindings the platform gave expiries (recertification) is empty on the second run', async () => {
    // The platform caps Workspace Member and Manager; the code declares no expiry (it cannot read the settings).
    await f.as(PARTNER).ext('PUT', '/settings', { recertification: { [MEMBER]: 30, [MANAGER]: 90 } });
    try {
      const state = desired([
        workspace('rc-a', [
          binding(OWNER, user('alice')),
          binding(MANAGER, user('bob')),
          binding(MEMBER, user('carol')),
        ]),
        workspace('rc-b', [binding(OWNER, user('bob')), binding(MEMBER, user('dave')), binding(MEMBER, user('erin'))]),
      ]);
      await converge(state);
      const live = await f.as(PARTNER).workspaceBindings('rc-a');
      expect(live.find((b) => b.subject === 'carol')?.expiryDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(stepsOf(await replan(state))).toEqual([]);
    } finally {
      await f.as(PARTNER).ext('PUT', '/settings', { recertification: {} });
    }
  });

  test('an injected restricted-tag default is no change, and a non-partner never fights it', async () => {
    const partner = f.as(PARTNER);
    const def = (key: string, extra: Record<string, unknown>) =>
      partner.mesh('tagDefinition', 'POST', '/meshtagdefinitions', {
        apiVersion: 'v1',
        kind: 'meshTagDefinition',
        metadata: { name: `meshWorkspace.${key}` },
        spec: {
          targetKind: 'meshWorkspace',
          key,
          displayName: key,
          restricted: false,
          mandatory: false,
          immutable: false,
          ...extra,
        },
      });
    await def('confidentiality', {
      restricted: true,
      valueType: { singleSelect: { options: ['internal', 'secret'], defaultValue: 'internal' } },
    });
    await def('team', { valueType: { string: {} } });
    try {
      const state = desired([workspace('tg-ws', [binding(OWNER, user('alice'))], { tags: { team: ['payments'] } })]);
      await converge(state);
      expect((await partner.mesh('workspace', 'GET', '/meshworkspaces/tg-ws')).data.metadata.tags).toEqual({
        confidentiality: ['internal'],
        meshformStack: ['test'],
        team: ['payments'],
      });
      expect(stepsOf(await replan(state))).toEqual([]);
      // The Owner (not a partner) renames it: the plan neither removes nor refuses the restricted default.
      const renamed = desired([
        workspace('tg-ws', [binding(OWNER, user('alice'))], { displayName: 'Tags', tags: { team: ['payments'] } }),
      ]);
      const plan = await replan(renamed, 'alice');
      expect(plan.refusals).toEqual([]);
      await converge(renamed, 'alice');
      expect((await partner.mesh('workspace', 'GET', '/meshworkspaces/tg-ws')).data.metadata.tags).toEqual({
        confidentiality: ['internal'],
        meshformStack: ['test'],
        team: ['payments'],
      });
      expect(stepsOf(await replan(renamed, 'alice'))).toEqual([]);
    } finally {
      await partner.mesh('tagDefinition', 'DELETE', '/meshtagdefinitions/meshWorkspace.confidentiality');
      await partner.mesh('tagDefinition', 'DELETE', '/meshtagdefinitions/meshWorkspace.team');
    }
  });

  test('a tag declared with an empty list is absent (the platform drops it): no perpetual update', async () => {
    const defined = (key: string) => stringTag('meshWorkspace', key);
    const state = desired(
      [workspace('tg-empty', [binding(OWNER, user('alice'))], { tags: { team: [], costCenter: ['1'] } })],
      { tagDefinitions: [defined('team'), defined('costCenter')] },
    );
    await converge(state);
    // Dropped; the strict profile lists every defined key, an unset one with an empty list.
    expect((await f.as(PARTNER).mesh('workspace', 'GET', '/meshworkspaces/tg-empty')).data.metadata.tags).toEqual({
      costCenter: ['1'],
      meshformStack: ['test'],
      ...(profile === 'meshstack' ? { team: [] } : {}),
    });
    expect(stepsOf(await replan(state))).toEqual([]);
  });

  test('a tag definition keeps its sortOrder and replicationKey when meshform updates it', async () => {
    const partner = f.as(PARTNER);
    const spec = {
      targetKind: 'meshProject',
      key: 'stage',
      displayName: 'Stage',
      description: 'old',
      valueType: { string: {} },
      restricted: false,
      mandatory: false,
      immutable: false,
    };
    await partner.mesh('tagDefinition', 'POST', '/meshtagdefinitions', {
      apiVersion: 'v1',
      kind: 'meshTagDefinition',
      metadata: { name: 'meshProject.stage' },
      spec: { ...spec, sortOrder: 7, replicationKey: 'stage_tag' },
    });
    try {
      const def: TagDefinition = {
        metadata: { name: 'meshProject.stage' },
        spec: { ...(spec as TagDefinition['spec']), description: 'The stage' },
      };
      await converge(desired([], { tagDefinitions: [def] }));
      const after = (await partner.mesh('tagDefinition', 'GET', '/meshtagdefinitions/meshProject.stage')).data.spec;
      expect(after).toMatchObject({ description: 'The stage', sortOrder: 7, replicationKey: 'stage_tag' });
      expect(stepsOf(await replan(desired([], { tagDefinitions: [def] })))).toEqual([]);
    } finally {
      await partner.mesh('tagDefinition', 'DELETE', '/meshtagdefinitions/meshProject.stage');
    }
  });

  test('creating a project whose identifier is still being deleted is an error, not "already exists"', async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('del-ws');
    await partner.createProject('del-ws', 'old');
    expect((await partner.mesh('project', 'DELETE', '/meshprojects/del-ws.old')).status).toBe(204);
    const err = await client()
      .projects.create({ workspace: 'del-ws', name: 'old', displayName: 'Old', tags: {} })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(err?.message).toMatch(/409/);
  });

  test('a grant held for 4-eyes is reported as waiting, never as created', async () => {
    const partner = f.as(PARTNER);
    await converge(desired([workspace('fe-ws', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))])]));
    await partner.ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
    try {
      const state = desired([
        workspace('fe-ws', [
          binding(OWNER, user('alice')),
          binding(MANAGER, user('bob')),
          binding(MEMBER, user('carol')),
        ]),
      ]);
      const api = client('bob');
      const { plan } = await planAgainst(api, state, { endpoint: f.sandbox.url });
      const report = await apply(api, plan);
      expect(report.results.map((r) => r.status)).toEqual(['pending-approval']);
      expect((await partner.workspaceBindings('fe-ws')).map((b) => b.subject).sort()).toEqual(['alice', 'bob']);
    } finally {
      await partner.ext('PUT', '/settings', { fourEyes: { enabled: false, minApprovalCount: 2 } });
    }
  });

  test('a workspace-scoped key plans invitations: users are found with filtered lists, not the admin-only global one', async () => {
    await converge(desired([workspace('inv-ws', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))])]));
    const frank = {
      kind: 'User' as const,
      name: 'frank@example.com',
      invitation: { firstName: 'Frank', lastName: 'Example', email: 'frank@example.com' },
    };
    const state = desired([
      workspace('inv-ws', [binding(OWNER, user('alice')), binding(MANAGER, user('bob')), binding(MEMBER, frank)]),
    ]);
    const plan = await replan(state, 'bob');
    expect(stepsOf(plan).map((s) => s.action)).toEqual(['create']);
    // meshStack's API has no invitations: refused in the plan, with what to do instead, not failed at apply.
    expect(plan.refusals.map((r) => r.rule)).toEqual(profile === 'meshstack' ? ['invitation-unsupported'] : []);
  });

  test('where the platform records no reasons, the plan says so for grants and workspace deletions', async () => {
    await converge(desired([workspace('why-ws', [binding(OWNER, user('alice'))])]));
    const state = desired([
      workspace('why-ws', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'), { reason: 'on-call' })]),
      workspace('why-gone', [], { deletion: 'team dissolved' }),
    ]);
    await converge(desired([workspace('why-gone', [binding(OWNER, user('alice'))])]));
    const notes = (await replan(state)).workspaces.flatMap((w) =>
      w.notes.filter((f) => f.rule === 'reason-not-recorded'),
    );
    expect(notes.map((f) => `${f.workspace}:${(f.params as { what: string }).what}`)).toEqual(
      profile === 'meshstack' ? ['why-ws:grant', 'why-gone:deletion'] : [],
    );
  });
});

describe('links and paging behind a proxy', () => {
  let f: SandboxFixture;
  beforeAll(async () => {
    // The backend writes its own base URL into every link, not the one the client used.
    f = await sandboxFixture(['--public-url', 'http://mesh-backend.internal:8080']);
    for (let i = 0; i < 5; i++) await f.as(PARTNER).createWorkspace(`px-${i}`);
  });
  afterAll(() => f.sandbox.close());

  test('links carry the public URL', async () => {
    const res = await f.as(PARTNER).mesh('workspace', 'GET', '/meshworkspaces?size=2');
    expect(res.data._links.next.href).toMatch(
      /^http:\/\/mesh-backend\.internal:8080\/api\/meshobjects\/meshworkspaces\?/,
    );
  });

  test.each([[1], [2], [1000]])('lists every item with pages of %i, by page number, newest first', async (pageSize) => {
    const api = new HttpApiClient({
      endpoint: f.sandbox.url,
      credentials: { kind: 'key', key: PARTNER },
      retry: FAST_RETRY,
      pageSize,
    });
    await api.workspaces.read('px-0'); // logs in first, so only the list's pages are counted below
    const before = api.stats.byMethod.GET;
    const names = (await api.workspaces.list()).map((w) => w.name).filter((n) => n.startsWith('px-'));
    expect(names).toEqual(['px-4', 'px-3', 'px-2', 'px-1', 'px-0']); // newest first: the client asks sort=createdAt,desc
    expect(api.stats.byMethod.GET - before).toBe(Math.ceil(5 / pageSize));
  });
});

describe('dev-stack credentials', () => {
  test('a key published under its name logs in with the clientId it carries', async () => {
    const dir = scratchDir('seed');
    const seed = path.join(dir, 'seed.yaml');
    fs.writeFileSync(
      seed,
      'users:\n  - { username: ci.bot, email: ci@example.com, partner: true }\napiKeys:\n  - { name: ci, clientId: ci-key-7f3a, user: ci.bot }\n',
    );
    const data = path.join(scratchDir('sandbox'), 'data');
    const f = await sandboxFixture(['--seed', seed], data);
    try {
      const info = (await f.http.get('/mesh/info')).data;
      expect(info.devLocalCredentials.apiKeys.ci.clientId).toBe('ci-key-7f3a');
      const api = new HttpApiClient({
        endpoint: f.sandbox.url,
        credentials: { kind: 'key', key: 'ci' },
        retry: FAST_RETRY,
      });
      await expect(api.workspaces.list()).resolves.toEqual([]);
    } finally {
      await f.sandbox.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A server that answers like a front end or proxy in front of meshStack: HTML pages, bodies left out. */
describe('answers without a JSON body', () => {
  let server: http.Server;
  let url: string;
  let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  const html = (res: http.ServerResponse, status: number) =>
    res.writeHead(status, { 'Content-Type': 'text/html' }).end(`<html><body><h1>${status}</h1></body></html>`);
  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/api/login') return json(res, 200, { access_token: 't', expires_in: 300 });
      if (req.url?.startsWith('/sandbox/')) return html(res, 404);
      if (req.url === '/mesh/info') return json(res, 200, { version: '2026.34.0', is4EPEnabled: true });
      return reply(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  const api = () =>
    new HttpApiClient({ endpoint: url, credentials: { kind: 'key', key: 'k', secret: 's' }, retry: FAST_RETRY });

  test('an optional probe answered with an HTML 404 means "not there", and does not break the next call', async () => {
    const a = api();
    await expect(a.extensions.capabilities()).resolves.toEqual([]);
    reply = (_req, res) =>
      json(res, 200, {
        _embedded: { meshWorkspaces: [] },
        page: { size: 1000, totalElements: 0, totalPages: 0, number: 0 },
      });
    await expect(a.workspaces.list()).resolves.toEqual([]);
  });

  test.each([
    ['a read answered 404 with a page', 'read', 404],
    ['a delete answered 404 with a page', 'delete', 404],
  ])('%s is "not there"', async (_name, op, status) => {
    reply = (_req, res) => html(res, status);
    const a = api();
    if (op === 'read') await expect(a.workspaces.read('x')).resolves.toBeUndefined();
    else await expect(a.workspaces.delete('x', 'gone')).resolves.toBeUndefined();
  });

  test('a platform older than meshProjectRole (404 or 406 on the list) has the default project roles: the list is "unknown", not an error', async () => {
    for (const status of [404, 406]) {
      reply = (_req, res) => html(res, status);
      await expect(api().projectRoles.list()).resolves.toBeUndefined();
    }
    reply = (_req, res) =>
      json(res, 200, {
        _embedded: {
          meshProjectRoles: [
            {
              kind: 'meshProjectRole',
              apiVersion: 'v1',
              metadata: { name: 'project-auditor', tags: {} },
              spec: { name: 'Project Auditor', rank: 10 },
            },
          ],
        },
        page: { size: 1000, totalElements: 1, totalPages: 1, number: 0 },
      });
    await expect(api().projectRoles.list()).resolves.toEqual(['Project Auditor']);
  });

  test('a 202 without a pendingRequest is a grant waiting for approval, not an error', async () => {
    reply = (req, res) => (req.method === 'POST' ? res.writeHead(202).end() : json(res, 404, { message: 'not found' }));
    await expect(
      api().bindings.create({
        name: 'b',
        workspace: 'w',
        subjectKind: 'User',
        subject: 'bob',
        role: 'Workspace Member',
      }),
    ).resolves.toMatchObject({ status: 'pending' });
  });
});

describe('one request at a time against a platform that is not on loopback', () => {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  const run = external ? test : test.skip;
  if (!external)
    process.stdout.write('skipped: this machine has no non-loopback IPv4 address to test a remote-looking endpoint\n');

  run('parallel calls are sent one after the other, as meshStack advises per API key', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = http.createServer((req, res) => {
      if (req.url === '/api/login')
        return res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ access_token: 't', expires_in: 300 }));
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(
          JSON.stringify({
            _embedded: { meshWorkspaces: [] },
            page: { size: 1000, totalElements: 0, totalPages: 1, number: 0 },
          }),
        );
      }, 30);
    });
    await new Promise<void>((r) => server.listen(0, external, r));
    try {
      const a = new HttpApiClient({
        endpoint: `http://${external}:${(server.address() as AddressInfo).port}`,
        credentials: { kind: 'key', key: 'k', secret: 's' },
        retry: FAST_RETRY,
      });
      await Promise.all(Array.from({ length: 5 }, () => a.workspaces.list()));
      expect(peak).toBe(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
