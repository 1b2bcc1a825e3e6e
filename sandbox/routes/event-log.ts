/** meshStack's event log, `GET /api/meshobjects/mesheventlogs[/{uuid}]` (meshEventLog v1), in both profiles. */
import type { FastifyInstance } from 'fastify';
import { eventLogJson, getEventLog, listEventLogs } from '../domain/event-log';
import { halList } from '../hal';
import { type SandboxState, addRoute } from './route';

const PATH = '/api/meshobjects/mesheventlogs';
const media = { kind: 'meshEventLog', version: 'v1' };

export function registerEventLogRoutes(app: FastifyInstance, state: SandboxState): void {
  addRoute(app, state, {
    method: 'GET',
    url: PATH,
    media,
    handler: async (ctx) => {
      const req = ctx.page();
      const all = await listEventLogs(ctx.tx, ctx.p, ctx.query);
      const page = all.slice(req.page * req.size, (req.page + 1) * req.size).map((e) => eventLogJson(e, ctx.base));
      return { status: 200, body: halList('meshEventLogs', page, all.length, req, ctx.base, PATH, ctx.query) };
    },
  });
  addRoute(app, state, {
    method: 'GET',
    url: `${PATH}/:uuid`,
    media,
    handler: async (ctx) => ({
      status: 200,
      body: eventLogJson(await getEventLog(ctx.tx, ctx.p, ctx.params.uuid), ctx.base),
    }),
  });
}
