/**
 * Bad input, fuzzed with fast-check (1,000+ cases each): damaged manifests, damaged or truncated plan
 * files and random command lines give a clear error naming the JSON path and rule (or a usage
 * message), never a crash, a stack trace, or a single request to the platform; hostile API responses
 * give a typed error, never a wrong observation.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import fc from 'fast-check';
import { apply } from '../../controller/apply/apply';
import { FakePlatform } from '../../controller/client/fake-client';
import { HttpApiClient } from '../../controller/client/http-client';
import {
  ShapeError,
  normalizeBinding,
  normalizeEvents,
  normalizeIdentity,
  normalizeProject,
  normalizeRoleRequests,
  normalizeSettings,
  normalizeTagDefinition,
  normalizeWorkspace,
  normalizeWorkspaceStatuses,
} from '../../controller/client/wire';
import { savePlan } from '../../controller/plan/plan-file';
import { planAgainst } from '../../controller/run';
import { canonicalJson } from '../../core/canonical-json';
import { isInvalidFileError, isMeshformError } from '../../core/errors';
import { checkDesiredState } from '../../core/manifest-file';
import { meshform } from '../helpers/cli';
import { MANAGER, OWNER, binding, desired, group, project, user, workspace } from '../helpers/desired';
import { type Json, damaged, mutate, mutationArb } from '../helpers/mutate';
import { scratchDir } from '../helpers/scratch';

const NOW = new Date('2026-11-26T12:00:00Z');
const RUNS = 1000;
const SEED = 20261126;
const SECRET = 'fuzz-secret-never-printed';
const STACK_LINE = /^\s+at /m;

/** A manifest that uses every part of the schema. */
const MANIFEST = desired(
  [
    workspace(
      'payments',
      [
        binding(OWNER, user('alice')),
        binding(MANAGER, user('bob'), { expiryDate: '2027-06-30', reason: 'on call' }),
        binding('Workspace Member', group('payments-devs')),
      ],
      {
        tags: { costCenter: ['4711'] },
        projectQuota: 3,
        projects: [
          project(
            'payments',
            'payments-prod',
            [binding('Project Admin', user('bob'), { expiryDate: '2026-12-01T18:00:00Z' })],
            { tags: { environment: ['prod'] } },
          ),
        ],
      },
    ),
    workspace(
      'legacy',
      [
        binding('Workspace Member', {
          kind: 'User',
          name: 'nina@example.com',
          invitation: { firstName: 'Nina', lastName: 'New', email: 'nina@example.com' },
        }),
      ],
      { referenced: true },
    ),
  ],
  {
    rolePolicy: { recertification: [{ role: 'Workspace Manager', maxDurationDays: 365 }] },
    tagDefinitions: [
      {
        metadata: { name: 'meshWorkspace.costCenter' },
        spec: {
          targetKind: 'meshWorkspace',
          key: 'costCenter',
          displayName: 'Cost center',
          valueType: { string: { validationRegex: '^[0-9]{4}$' } },
          restricted: false,
          mandatory: true,
          immutable: false,
        },
      },
    ],
  },
) as unknown as Json;

describe('fuzzing bad input', () => {
  let dir: string;
  let server: http.Server;
  let endpoint: string;
  let requests = 0;
  beforeAll(async () => {
    dir = scratchDir('fuzz');
    // Stands in for the platform: counts every request and fails it, so any request is visible and quick.
    server = http.createServer((_req, res) => {
      requests++;
      res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"message":"fuzz platform"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const env = {
    MESHSTACK_ENDPOINT: '',
    MESHSTACK_API_KEY: 'fuzz',
    MESHSTACK_API_SECRET: SECRET,
    MESHSTACK_API_TOKEN: '',
    MESHFORM_RETRY_BUDGET: '0s',
  };
  const cli = (args: string[]) => meshform(args, { cwd: dir, env: { ...env, MESHSTACK_ENDPOINT: endpoint } });
  let file = 0;
  const writeFile = (text: string) => {
    const f = path.join(dir, `case-${file++}.json`);
    fs.writeFileSync(f, text);
    return f;
  };

  /** A clear error: exit 1, one "Error:" naming the file, each problem with its JSON path and rule, no stack, no secret. */
  function expectClearFileError(run: { code: number; stdout: string; stderr: string }, file: string) {
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^Error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid meshform (manifest|plan) \\(\\d+ problem\\(s\\)\\):\\n(  \\$[^\\n]*: .+ \\(rule: [\\w$:-]+\\)\\n)+$`,
      ),
    );
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
  }

  test(`${RUNS} damaged manifests: each is valid, or a named error before any platform call`, async () => {
    let invalid = 0;
    await fc.assert(
      fc.asyncProperty(damaged(MANIFEST), async (doc) => {
        let problems: Array<{ path: string; rule: string }> | undefined;
        try {
          checkDesiredState(doc, 'fuzz.json', NOW);
        } catch (e) {
          expect(isInvalidFileError(e)).toBe(true);
          problems = (e as { problems: Array<{ path: string; rule: string }> }).problems;
        }
        if (!problems) return;
        invalid++;
        for (const p of problems) expect(p.path).toMatch(/^\$/);
        const f = writeFile(JSON.stringify(doc));
        const before = requests;
        const run = await cli(['apply', '--manifest', f, '--auto-approve']);
        expectClearFileError(run, f);
        expect(requests).toBe(before);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(invalid).toBeGreaterThan(RUNS * 0.7);
    process.stdout.write(
      `fuzz: ${RUNS} damaged manifests, ${invalid} invalid: all named path and rule, no platform call\n`,
    );
  });

  test('manifests that are not JSON at all, or not an object: a named error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.nat({ max: 400 }).map((n) => JSON.stringify(MANIFEST).slice(0, n)),
        ),
        async (text) => {
          const f = writeFile(text);
          expectClearFileError(await cli(['plan', '--manifest', f]), f);
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });

  describe('saved plans', () => {
    let planText: string;
    beforeAll(async () => {
      // A real plan with every kind of step, made against the in-memory platform.
      const fake = new FakePlatform();
      const api = fake.client();
      await apply(
        api,
        (
          await planAgainst(
            api,
            desired([
              workspace('payments', [binding(OWNER, user('alice')), binding('Workspace Member', user('carol'))], {
                projects: [project('payments', 'p1')],
              }),
            ]),
            { endpoint },
          )
        ).plan,
      );
      const { plan } = await planAgainst(api, MANIFEST as never, { endpoint });
      const f = path.join(dir, 'plan.json');
      savePlan(f, plan);
      planText = fs.readFileSync(f, 'utf8');
    });

    test(`${RUNS} damaged plan files: a named error (schema or checksum), never applied`, async () => {
      const original = JSON.parse(planText) as Json;
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (ms) => {
          const doc = ms.reduce((d, m) => mutate(d, m), original);
          // A mutation that changes nothing (or only key order) leaves a valid plan: not a damaged one.
          fc.pre(canonicalJson(doc) !== canonicalJson(original));
          cases++;
          const f = writeFile(JSON.stringify(doc));
          const before = requests;
          expectClearFileError(await cli(['apply', f]), f);
          expect(requests).toBe(before);
        }),
        { numRuns: RUNS, seed: SEED },
      );
      expect(cases).toBeGreaterThan(RUNS * 0.9);
      process.stdout.write(`fuzz: ${cases} damaged plan files: all refused with path and rule, none applied\n`);
    });

    test('truncated plan files (a broken upload): a named JSON error', async () => {
      await fc.assert(
        // Cut into the JSON itself (dropping only the final newline leaves a complete plan).
        fc.asyncProperty(fc.nat({ max: planText.trimEnd().length - 1 }), async (n) => {
          const f = writeFile(planText.slice(0, n));
          expectClearFileError(await cli(['apply', f]), f);
        }),
        { numRuns: 300, seed: SEED },
      );
    });
  });

  test(`${RUNS} random command lines: a usage message or an exit code from the contract, never a crash`, async () => {
    fs.writeFileSync(path.join(dir, 'm.json'), JSON.stringify(MANIFEST));
    const safeValue = fc.oneof(
      fc.constantFrom(
        'm.json',
        'missing.json',
        'plan.json',
        'text',
        'markdown',
        'json',
        '0',
        '-1',
        '1.5',
        '5m',
        '0s',
        'abc',
        '',
        ' ',
        '../../etc/passwd',
        'payments',
        'all',
        'PENDING',
      ),
      fc.string({ maxLength: 12 }),
    );
    const flagWithValue = fc.tuple(
      fc.constantFrom(
        '--manifest',
        '--out',
        '--format',
        '--workspace',
        '--api-key',
        '--concurrency',
        '--interval',
        '--max-backoff',
        '--status',
        '--stack',
      ),
      safeValue,
    );
    const endpointFlag = fc.tuple(
      fc.constant('--endpoint'),
      fc.constantFrom('http://127.0.0.1:1', 'not a url', '', 'ftp://127.0.0.1'),
    );
    const bare = fc.constantFrom(
      '--detailed-exitcode',
      '--allow-last-owner-removal',
      '--allow-self-lockout',
      '--auto-approve',
      '--once',
      '--help',
      '-h',
      '-V',
      '--version',
      '--',
      '--unknown',
      '-x',
    );
    const token = fc.oneof(
      bare.map((t) => [t]),
      flagWithValue,
      endpointFlag,
      safeValue.map((v) => [v]),
    );
    // `sandbox` would start a server, and `synth --app` runs a command: neither belongs in a fuzz run.
    const command = fc.oneof(
      fc.constantFrom(
        ['plan'],
        ['apply'],
        ['reconcile'],
        ['requests'],
        ['requests', 'list'],
        ['requests', 'approve'],
        ['requests', 'decline'],
        ['synth'],
        ['help'],
        [],
      ),
      fc
        .string({ maxLength: 8 })
        .filter((s) => s !== 'sandbox')
        .map((s) => [s]),
    );
    const codes: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(command, fc.array(token, { maxLength: 6 }), async (cmd, tokens) => {
        const argv = [...cmd, ...tokens.flat()];
        const run = await cli(argv);
        codes[run.code] = (codes[run.code] ?? 0) + 1;
        expect([0, 1, 2, 3, 4]).toContain(run.code);
        expect(run.stderr).not.toMatch(STACK_LINE);
        expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
        // An error says what went wrong, or shows the usage (`meshform help <unknown>`).
        if (run.code === 1) expect(run.stderr).toMatch(/^(Error: |error: |Usage: meshform)/m);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    process.stdout.write(
      `fuzz: ${RUNS} random command lines, exit codes ${JSON.stringify(codes)}, no crash, no stack trace, no secret\n`,
    );
  });
});

describe('hostile API responses', () => {
  /** Valid items as meshStack returns them, and the normalizer that reads each. */
  const items: Array<[string, Json, (v: unknown) => unknown]> = [
    [
      'meshWorkspace',
      {
        apiVersion: 'v2',
        kind: 'meshWorkspace',
        metadata: { name: 'w', tags: { a: ['1'] }, createdOn: '2026-01-01T00:00:00Z' },
        spec: { displayName: 'W' },
      },
      normalizeWorkspace,
    ],
    [
      'meshProject',
      {
        apiVersion: 'v2',
        kind: 'meshProject',
        metadata: { name: 'p', ownedByWorkspace: 'w' },
        spec: { displayName: 'P', tags: {} },
      },
      normalizeProject,
    ],
    [
      'meshWorkspaceUserBinding',
      {
        kind: 'meshWorkspaceUserBinding',
        metadata: { name: 'b' },
        targetRef: { name: 'w' },
        roleRef: { name: 'Workspace Member' },
        subject: { name: 'u' },
        expiryDate: '2027-01-01',
      },
      normalizeBinding,
    ],
    [
      'meshProjectGroupBinding',
      {
        kind: 'meshProjectGroupBinding',
        metadata: { name: 'b' },
        targetRef: { name: 'p', ownedByWorkspace: 'w' },
        roleRef: { name: 'Project User' },
        subject: { name: 'g' },
      },
      normalizeBinding,
    ],
    [
      'meshTagDefinition',
      {
        kind: 'meshTagDefinition',
        metadata: { name: 'meshWorkspace.k' },
        spec: { targetKind: 'meshWorkspace', key: 'k', valueType: { string: {} }, restricted: true },
      },
      normalizeTagDefinition,
    ],
    ['whoami', { username: 'u', partner: false, workspaces: { w: ['Workspace Manager'] } }, normalizeIdentity],
    [
      'settings',
      { fourEyes: { enabled: true, minApprovalCount: 2 }, recertification: { 'Workspace Owner': 180 } },
      normalizeSettings,
    ],
    [
      'statuses',
      { workspaces: [{ name: 'w', status: 'active', approval: 'approved', projectQuota: null, projectCount: 0 }] },
      normalizeWorkspaceStatuses,
    ],
    [
      'role requests',
      {
        roleRequests: [
          {
            id: 'r',
            status: 'PENDING',
            workspace: 'w',
            bindingName: 'b',
            subject: { kind: 'User', name: 'u' },
            role: 'Workspace Member',
            requestedBy: 'm',
            requestedAt: '2026-01-01T00:00:00Z',
            approvals: ['m'],
          },
        ],
      },
      normalizeRoleRequests,
    ],
    [
      'events',
      { events: [{ type: 'USER_INVITED', actor: 'm', at: '2026-01-01T00:00:00Z', details: {} }] },
      normalizeEvents,
    ],
  ];

  /** Where `result` has a field the well-formed `baseline` has, it is of the same JSON type (and a name is never empty). */
  function shapeProblems(baseline: unknown, result: unknown, at = '$'): string[] {
    const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
    if (kind(baseline) !== kind(result)) return [`${at}: ${kind(result)} where ${kind(baseline)} belongs`];
    if (typeof result === 'string' && /(name|subject|role|workspace|id)$/i.test(at) && result === '')
      return [`${at}: empty`];
    if (Array.isArray(result))
      return (baseline as unknown[]).length
        ? result.flatMap((r, i) => shapeProblems((baseline as unknown[])[0], r, `${at}[${i}]`))
        : [];
    if (kind(result) !== 'object') return [];
    const b = baseline as Record<string, unknown>;
    // Free-form maps (tags, details, workspaces of whoami, recertification) keep their own keys.
    if (/(tags|details|workspaces|recertification|valueType)$/.test(at)) return [];
    return Object.entries(result as Record<string, unknown>).flatMap(([k, v]) =>
      k in b ? shapeProblems(b[k], v, `${at}.${k}`) : [`${at}.${k}: not a field it returns`],
    );
  }

  test.each(items)(
    `${RUNS} damaged %s responses: a typed shape error or a result of the right shape, never a crash`,
    (_kind, valid, normalize) => {
      const baseline = normalize(valid);
      let refused = 0;
      fc.assert(
        fc.property(damaged(valid), (doc) => {
          let result: unknown;
          try {
            result = normalize(doc);
          } catch (e) {
            expect(e).toBeInstanceOf(ShapeError);
            refused++;
            return;
          }
          expect(shapeProblems(baseline, result)).toEqual([]);
        }),
        { numRuns: RUNS, seed: SEED },
      );
      expect(refused).toBeGreaterThan(RUNS / 10);
    },
  );

  describe('over HTTP', () => {
    let server: http.Server;
    let url: string;
    let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void;
    beforeAll(async () => {
      server = http.createServer((req, res) =>
        req.url === '/api/login'
          ? res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"access_token":"t","expires_in":300}')
          : reply(req, res),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((r) => server.close(r)));
    const client = () =>
      new HttpApiClient({
        endpoint: url,
        credentials: { kind: 'key', key: 'k', secret: 's' },
        retry: { budgetMs: 0, baseDelayMs: 1, maxDelayMs: 1 },
      });
    const json = (res: http.ServerResponse, body: unknown) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    const workspaceItem = (i: number) => ({ metadata: { name: `w${i}` }, spec: { displayName: `W${i}` } });

    test.each([
      [
        'a page number that never moves on',
        (_req: http.IncomingMessage, res: http.ServerResponse) =>
          json(res, {
            _embedded: { meshWorkspaces: [workspaceItem(1)] },
            page: { size: 1, totalElements: 10, totalPages: 10, number: 0 },
          }),
        /asked for page 1, got page 0/,
      ],
      [
        'a list that never ends',
        (req: http.IncomingMessage, res: http.ServerResponse) =>
          json(res, {
            _embedded: { meshWorkspaces: [workspaceItem(1)] },
            page: {
              size: 1,
              totalElements: 1e9,
              totalPages: 1e9,
              number: Number(new URL(req.url!, 'http://x').searchParams.get('page')),
            },
          }),
        /more than \d+ pages|1000000000 pages/,
        'api-list-unstable',
      ],
      [
        'an extension answering with the wrong shape',
        (req: http.IncomingMessage, res: http.ServerResponse) =>
          req.url!.startsWith('/sandbox/v1/capabilities')
            ? json(res, { extensions: ['role-requests'] })
            : json(res, { roleRequests: 'none' }),
        /role requests\.roleRequests is not a list/,
      ],
      [
        'a 200 with an empty body',
        (_req: http.IncomingMessage, res: http.ServerResponse) =>
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(''),
        /no _embedded\.meshWorkspaces list|not an object/,
      ],
    ])('%s is a typed error', async (name, respond, message, code = 'api-malformed-response') => {
      reply = respond;
      const api = client();
      const call = name.startsWith('an extension') ? api.extensions.listRequests() : api.workspaces.list();
      const err = await call.catch((e) => e);
      expect(isMeshformError(err)).toBe(true);
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
    });

    test('a huge page (100,000 workspaces in one response) is read, not a crash', async () => {
      reply = (_req, res) =>
        json(res, {
          _embedded: { meshWorkspaces: Array.from({ length: 100_000 }, (_, i) => workspaceItem(i)) },
          page: { size: 100_000, totalElements: 100_000, totalPages: 1, number: 0 },
        });
      expect(await client().workspaces.list()).toHaveLength(100_000);
    });
  });
});
