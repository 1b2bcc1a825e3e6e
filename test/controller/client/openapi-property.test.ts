/**
 * The client against every body meshStack's OpenAPI document allows (test/fixtures/openapi), drawn
 * by fast-check from the document itself and checked against it with ajv before use: `_embedded`
 * left out where it is optional, optional members left out or null, members the document does not
 * name, any page counts of a single page. Where a body carries what meshform needs to plan (a
 * binding's role, subject and target: optional in the document), the client never fails on it;
 * on any other schema-valid body it fails only with its typed "malformed response" error.
 */
import fc from 'fast-check';
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { ApiClient } from '../../../controller/client/api';
import { HttpApiClient } from '../../../controller/client/http-client';
import { isMeshformError } from '../../../core/errors';
import { type Narrowing, fromSchema, schemaNamed } from '../../helpers/openapi-arbitrary';
import { checkResponse, operationFor } from '../../helpers/openapi';

let server: http.Server;
let api: HttpApiClient;
let bodies: Record<string, unknown> = {};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/api/login') return json(200, { access_token: 't', expires_in: 300 });
    if (req.url === '/mesh/info') return json(200, { version: '2026.34.0', is4EPEnabled: false });
    const pathname = new URL(req.url!, 'http://x').pathname;
    return pathname in bodies ? json(200, bodies[pathname]) : res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = new HttpApiClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { kind: 'key', key: 'k', secret: 's' },
    retry: { budgetMs: 0, baseDelayMs: 1, maxDelayMs: 1 },
  });
});
afterAll(() => new Promise((r) => server.close(r)));

const API = '/api/meshobjects';
const tags = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.array(fc.string(), { maxLength: 2 }), {
  maxKeys: 3,
});
/** A single page, as the document allows its (untyped) page object to say so: any members left out. */
const page = fc.record(
  {
    size: fc.integer({ min: 1, max: 1000 }),
    totalElements: fc.integer({ min: 0, max: 1000 }),
    totalPages: fc.constantFrom(0, 1),
    number: fc.constant(0),
  },
  { requiredKeys: [] },
);

interface ListCase {
  readonly name: string;
  readonly lists: ReadonlyArray<{ path: string; schema: string; key: string; item: string; kind: string }>;
  readonly call: (a: ApiClient) => Promise<unknown[]>;
  /** What the client needs of each item beyond the document's `required`. */
  readonly require?: Record<string, string[]>;
}

const bindingNeeds = { item: ['targetRef', 'subject', 'roleRef'] };
const CASES: ListCase[] = [
  {
    name: 'workspaces',
    lists: [
      {
        path: `${API}/meshworkspaces`,
        schema: 'meshWorkspaceList',
        key: 'meshWorkspaces',
        item: 'meshWorkspace',
        kind: 'meshWorkspace',
      },
    ],
    call: (a) => a.workspaces.list(),
  },
  {
    name: 'projects',
    lists: [
      {
        path: `${API}/meshprojects`,
        schema: 'meshProjectListV2',
        key: 'meshProjects',
        item: 'meshProjectV2',
        kind: 'meshProject',
      },
    ],
    call: (a) => a.projects.list(),
  },
  {
    name: 'workspace bindings',
    lists: [
      {
        path: `${API}/meshworkspacebindings/userbindings`,
        schema: 'meshWorkspaceUserBindingList',
        key: 'meshWorkspaceUserBindings',
        item: 'meshWorkspaceUserBinding',
        kind: 'meshWorkspaceUserBinding',
      },
      {
        path: `${API}/meshworkspacebindings/groupbindings`,
        schema: 'meshWorkspaceGroupBindingList',
        key: 'meshWorkspaceGroupBindings',
        item: 'meshWorkspaceGroupBinding',
        kind: 'meshWorkspaceGroupBinding',
      },
    ],
    call: (a) => a.bindings.listWorkspaceBindings({ workspace: 'w' }),
    require: bindingNeeds,
  },
  {
    name: 'project bindings',
    lists: [
      {
        path: `${API}/meshprojectbindings/userbindings`,
        schema: 'meshProjectUserBindingListV3',
        key: 'meshProjectUserBindings',
        item: 'meshProjectUserBindingV3',
        kind: 'meshProjectUserBinding',
      },
      {
        path: `${API}/meshprojectbindings/groupbindings`,
        schema: 'meshProjectGroupBindingListV3',
        key: 'meshProjectGroupBindings',
        item: 'meshProjectGroupBindingV3',
        kind: 'meshProjectGroupBinding',
      },
    ],
    call: (a) => a.bindings.listProjectBindings('w', 'p'),
    require: bindingNeeds,
  },
  {
    name: 'tag definitions',
    lists: [
      {
        path: `${API}/meshtagdefinitions`,
        schema: 'meshTagDefinitionList',
        key: 'meshTagDefinitions',
        item: 'meshTagDefinition',
        kind: 'meshTagDefinition',
      },
    ],
    call: (a) => a.tagDefinitions.list(),
  },
  {
    name: 'workspace user groups',
    lists: [
      {
        path: `${API}/meshworkspaceusergroups`,
        schema: 'meshWorkspaceUserGroupList',
        key: 'meshWorkspaceUserGroups',
        item: 'meshWorkspaceUserGroup',
        kind: 'meshWorkspaceUserGroup',
      },
    ],
    call: (a) => a.groups.list('w'),
  },
];

/** A list body the document allows, its items drawn from the item schema. */
function listBody(l: ListCase['lists'][number], n: Narrowing): fc.Arbitrary<Record<string, unknown>> {
  const schema = schemaNamed(l.schema) as { required: string[]; properties: { _embedded: { required?: string[] } } };
  const item = fromSchema(schemaNamed(l.item), n, 'item');
  const embedded = fc.record(
    { [l.key]: fc.array(item, { maxLength: 4 }) },
    { requiredKeys: schema.properties._embedded.required ?? [] },
  );
  return fc.record(
    { _links: fc.constant({ self: { href: `https://mesh-backend-url${l.path}` } }), _embedded: embedded, page },
    { requiredKeys: schema.required as Array<'_links' | '_embedded' | 'page'> },
  );
}

function bodiesFor(c: ListCase, narrowed: boolean): fc.Arbitrary<Record<string, Record<string, unknown>>> {
  return fc
    .tuple(
      ...c.lists.map((l) =>
        listBody(
          l,
          narrowed
            ? {
                require: c.require,
                members: {
                  kind: fc.constant(l.kind),
                  tags,
                  members: fc.array(fc.string(), { maxLength: 2 }),
                  // A tag definition meshform can write back: one value type of the kinds it knows (any other is refused as data it cannot judge).
                  valueType: fc.constantFrom(
                    { string: {} },
                    { email: {} },
                    { integer: {} },
                    { multiSelect: { options: ['a', 'b'] } },
                  ),
                },
              }
            : {},
        ),
      ),
    )
    .map((bs) => Object.fromEntries(bs.map((b, i) => [c.lists[i].path, b])));
}

/** Every drawn body fits the document (the arbitraries stay within what it allows). */
function schemaProblems(drawn: Record<string, Record<string, unknown>>): string[] {
  return Object.entries(drawn).flatMap(([p, b]) => checkResponse(operationFor('GET', p)!, 200, b));
}

describe.each(CASES)('$name: any schema-valid list', (c) => {
  test('carrying what meshform needs, is read without failing, every item counted once', async () => {
    await fc.assert(
      fc.asyncProperty(bodiesFor(c, true), async (drawn) => {
        expect(schemaProblems(drawn)).toEqual([]);
        bodies = drawn;
        const items = await c.call(api);
        const listed = Object.values(drawn).flatMap(
          (b) => (b._embedded as Record<string, unknown[]> | undefined)?.[Object.keys(b._embedded ?? {})[0]] ?? [],
        );
        expect(items.length).toBeLessThanOrEqual(listed.length);
      }),
      { numRuns: 60 },
    );
  });

  test('whatever else it carries, fails at most with the typed malformed-response error', async () => {
    await fc.assert(
      fc.asyncProperty(bodiesFor(c, false), async (drawn) => {
        expect(schemaProblems(drawn)).toEqual([]);
        bodies = drawn;
        const outcome = await c.call(api).then(
          () => 'read',
          (e: unknown) => (isMeshformError(e) ? e.code : `untyped: ${String(e)}`),
        );
        expect(['read', 'api-malformed-response']).toContain(outcome);
      }),
      { numRuns: 60 },
    );
  });
});
