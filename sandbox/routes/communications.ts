/** Messages to workspace users: meshCommunicationDefinition and meshCommunication (v1-preview), in both profiles. */
import type { FastifyInstance } from 'fastify';
import {
  communicationJson,
  createCommunication,
  createDefinition,
  definitionJson,
  getCommunication,
  getDefinition,
  listCommunications,
  listDefinitions,
} from '../domain/communications';
import { halList } from '../hal';
import { type RouteContext, type RouteResult, type SandboxState, addRoute } from './route';

const API = '/api/meshobjects';

function page<T, J>(ctx: RouteContext, key: string, path: string, all: T[], render: (t: T) => J): RouteResult {
  const req = ctx.page();
  const items = all.slice(req.page * req.size, (req.page + 1) * req.size).map(render);
  return { status: 200, body: halList(key, items, all.length, req, ctx.base, path, ctx.query) };
}

export function registerCommunicationRoutes(app: FastifyInstance, state: SandboxState): void {
  const route = (
    method: 'GET' | 'POST',
    url: string,
    kind: string,
    handler: (ctx: RouteContext) => Promise<RouteResult>,
  ) => addRoute(app, state, { method, url: `${API}${url}`, media: { kind, version: 'v1-preview' }, handler });

  route('GET', '/meshcommunicationdefinitions', 'meshCommunicationDefinition', async (ctx) =>
    page(
      ctx,
      'meshCommunicationDefinitions',
      `${API}/meshcommunicationdefinitions`,
      await listDefinitions(ctx.tx, ctx.p),
      (d) => definitionJson(d, ctx.base),
    ),
  );
  route('POST', '/meshcommunicationdefinitions', 'meshCommunicationDefinition', async (ctx) => ({
    status: 201,
    body: definitionJson(await createDefinition(ctx.tx, ctx.p, ctx.body, ctx.now), ctx.base),
  }));
  route('GET', '/meshcommunicationdefinitions/:uuid', 'meshCommunicationDefinition', async (ctx) => ({
    status: 200,
    body: definitionJson(await getDefinition(ctx.tx, ctx.p, ctx.params.uuid), ctx.base),
  }));
  route('GET', '/meshcommunications', 'meshCommunication', async (ctx) =>
    page(
      ctx,
      'meshCommunications',
      `${API}/meshcommunications`,
      await listCommunications(ctx.tx, ctx.p, ctx.query.workspaceIdentifier),
      (c) => communicationJson(c, ctx.base),
    ),
  );
  route('POST', '/meshcommunications', 'meshCommunication', async (ctx) => ({
    status: 201,
    body: communicationJson(await createCommunication(ctx.tx, ctx.p, ctx.body, ctx.now), ctx.base),
  }));
  route('GET', '/meshcommunications/:uuid', 'meshCommunication', async (ctx) => ({
    status: 200,
    body: communicationJson(await getCommunication(ctx.tx, ctx.p, ctx.params.uuid), ctx.base),
  }));
}
