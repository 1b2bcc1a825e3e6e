/**
 * Sandbox extensions under /sandbox/v1 — NOT part of meshStack's API. They expose what the seeds
 * describe but the meshObject API has no endpoint for: pending 4-eyes requests, project quota,
 * workspace status and approval, history, platform settings, the outbox, the clock and faults.
 */
import type { FastifyInstance } from 'fastify';
import { accessTo, requirePartner, rolesOf, visibleWorkspaces } from '../domain/access';
import { listEvents } from '../domain/events';
import { sweepExpired } from '../domain/expiry';
import { memberProjectFilter, seesProject } from '../domain/projects';
import { approveRequest, declineRequest, listRequests, requestJson } from '../domain/requests';
import { getSettings, putMeta, putSettings } from '../domain/settings';
import { acceptInvitations } from '../domain/users';
import { addMyself, approveWorkspace, setQuota, setStatus } from '../domain/workspaces';
import { durationMs } from '../util/time';
import { type FaultInjector, parseFaults } from '../faults';
import { badRequest, notFound } from '../problem';
import { refuse } from '../domain/refusals';
import { type RouteContext, type RouteResult, type SandboxState, addRoute } from './route';

const EXTENSIONS = '/sandbox/v1';

const CAPABILITIES = [
  'role-requests',
  'workspace-quota',
  'workspace-status',
  'workspace-approval',
  'events',
  'settings',
  'whoami',
  'outbox',
  'clock',
  'faults',
  'project-binding-expiry',
  'invitations',
  'grant-reasons',
  'deletion-reasons',
  'groups-sync',
] as const;

const ok = (body: unknown): RouteResult => ({ status: 200, body });
/** The `workspaceIdentifier` filter of the extension lists: one identifier, or several comma-separated. */
const identifiers = (param: string | undefined): string[] | undefined =>
  param === undefined ? undefined : param.split(',').map((s) => s.trim());
const CLOCK_MIN = Date.parse('2000-01-01T00:00:00Z');
const CLOCK_MAX = Date.parse('9999-12-31T23:59:59Z');

async function workspaceStatus(ctx: RouteContext, name: string) {
  const a = await accessTo(ctx.tx, ctx.p, name, { includeDeleted: true });
  const [{ n }] = await ctx.tx.query<{ n: number }>(
    `select count(*)::int as n from projects where workspace = $1 and state = 'ACTIVE'`,
    [name],
  );
  const ws = a.workspace;
  return {
    name: ws.name,
    status: ws.status,
    approval: ws.approved ? 'approved' : 'pending',
    projectQuota: ws.project_quota,
    projectCount: n,
    ...(ws.deleted_on ? { deletedOn: new Date(ws.deleted_on).toISOString(), deletionReason: ws.deletion_reason } : {}),
  };
}

export function registerExtensionRoutes(app: FastifyInstance, state: SandboxState, faults: FaultInjector): void {
  const route = (method: 'GET' | 'POST' | 'PUT', url: string, handler: (ctx: RouteContext) => Promise<RouteResult>) =>
    addRoute(app, state, { method, url: `${EXTENSIONS}${url}`, handler });

  // Unauthenticated, so clients can discover the extensions before logging in.
  app.get(`${EXTENSIONS}/capabilities`, async () => ({
    extensions: CAPABILITIES,
    note: 'meshform sandbox extensions; not part of the meshStack API',
  }));

  route('GET', '/whoami', async (ctx) => {
    const visible = await visibleWorkspaces(ctx.tx, ctx.p);
    const names = visible === 'all' ? [] : visible;
    const workspaces: Record<string, string[]> = {};
    for (const ws of names) workspaces[ws] = [...(await rolesOf(ctx.tx, ctx.p.username, ws))].sort();
    return ok({ username: ctx.p.username, clientId: ctx.p.clientId, partner: ctx.p.isPartner, workspaces });
  });

  route('GET', '/settings', async (ctx) => ok(await getSettings(ctx.tx)));
  route('PUT', '/settings', async (ctx) => {
    requirePartner(ctx.p, 'change platform settings');
    return ok(await putSettings(ctx.tx, ctx.body ?? {}));
  });

  route('GET', '/workspaces', async (ctx) => {
    const visible = await visibleWorkspaces(ctx.tx, ctx.p);
    const wanted = identifiers(ctx.query.workspaceIdentifier);
    const rows = await ctx.tx.query<{ name: string }>(
      'select name from workspaces where deleted_on is null order by name',
    );
    const names = rows
      .map((r) => r.name)
      .filter((n) => (visible === 'all' || visible.includes(n)) && (!wanted || wanted.includes(n)));
    const workspaces = [];
    for (const name of names) workspaces.push(await workspaceStatus(ctx, name));
    return ok({ workspaces });
  });
  route('GET', '/workspaces/:name', async (ctx) => ok(await workspaceStatus(ctx, ctx.params.name)));
  route('PUT', '/workspaces/:name/quota', async (ctx) => {
    await setQuota(ctx.tx, ctx.p, ctx.params.name, ctx.body, ctx.now);
    return ok(await workspaceStatus(ctx, ctx.params.name));
  });
  route('PUT', '/workspaces/:name/status', async (ctx) => {
    await setStatus(ctx.tx, ctx.p, ctx.params.name, ctx.body, ctx.now);
    return ok(await workspaceStatus(ctx, ctx.params.name));
  });
  route('POST', '/workspaces/:name/approve', async (ctx) => {
    await approveWorkspace(ctx.tx, ctx.p, ctx.params.name, ctx.now);
    return ok(await workspaceStatus(ctx, ctx.params.name));
  });
  route('POST', '/workspaces/:name/add-myself', async (ctx) =>
    ok(await addMyself(ctx.tx, ctx.p, ctx.params.name, ctx.now)),
  );
  route('GET', '/workspaces/:name/events', async (ctx) => {
    await accessTo(ctx.tx, ctx.p, ctx.params.name, { includeDeleted: true });
    const visible = await memberProjectFilter(ctx.tx, ctx.p, ctx.params.name);
    const events = await listEvents(ctx.tx, ctx.params.name);
    return ok({
      events:
        visible === 'all'
          ? events
          : events.filter((e) => e.project === null || e.project === undefined || visible.includes(e.project)),
    });
  });
  route('GET', '/workspaces/:name/projects/:project/events', async (ctx) => {
    await accessTo(ctx.tx, ctx.p, ctx.params.name, { includeDeleted: true });
    if (!(await seesProject(ctx.tx, ctx.p, ctx.params.name, ctx.params.project)))
      throw notFound(`meshProject '${ctx.params.name}.${ctx.params.project}' not found`);
    return ok({ events: await listEvents(ctx.tx, ctx.params.name, ctx.params.project) });
  });

  route('GET', '/role-requests', async (ctx) => {
    const rows = await listRequests(ctx.tx, ctx.p, {
      workspaces: identifiers(ctx.query.workspaceIdentifier),
      status: ctx.query.status,
    });
    return ok({ roleRequests: rows.map((r) => requestJson(r, ctx.base)) });
  });
  for (const action of ['approve', 'decline', 'cancel'] as const) {
    route('POST', `/role-requests/:id/${action}`, async (ctx) => {
      const row =
        action === 'approve'
          ? await approveRequest(ctx.tx, ctx.p, ctx.params.id, ctx.now)
          : await declineRequest(ctx.tx, ctx.p, ctx.params.id, ctx.now, action === 'cancel');
      return ok(requestJson(row, ctx.base));
    });
  }

  // Workspace user groups come from the identity provider's sync (SCIM, LDAP) on meshStack; their API is read-only.
  route('PUT', '/workspaces/:name/groups/:group', async (ctx) => {
    requirePartner(ctx.p, 'sync workspace user groups');
    const body = (ctx.body ?? {}) as { members?: unknown; displayName?: unknown };
    if (!Array.isArray(body.members) || body.members.some((m) => typeof m !== 'string'))
      throw badRequest('members must be a list of usernames');
    await ctx.tx.query(
      `insert into user_groups (workspace, name, display_name, members) values ($1, $2, $3, $4)
       on conflict (workspace, name) do update set members = excluded.members, display_name = excluded.display_name`,
      [
        ctx.params.name,
        ctx.params.group,
        typeof body.displayName === 'string' ? body.displayName : ctx.params.group,
        JSON.stringify(body.members),
      ],
    );
    return ok({ workspace: ctx.params.name, name: ctx.params.group, members: body.members });
  });

  route('POST', '/users/:username/first-login', async (ctx) => {
    if (!ctx.p.isPartner && ctx.p.username !== ctx.params.username)
      throw refuse('first-login-rights', 'only the user or a partner may record a first login');
    return ok({ acceptedInvitations: await acceptInvitations(ctx.tx, ctx.params.username, ctx.now) });
  });

  route('GET', '/outbox', async (ctx) => {
    requirePartner(ctx.p, 'read the outbox');
    return ok({
      messages: await ctx.tx.query('select id::int as id, recipient, subject, body, at from outbox order by id'),
    });
  });

  route('GET', '/clock', async () => ok({ now: state.clock.now().toISOString(), offsetMs: state.clock.offset }));
  route('POST', '/clock', async (ctx) => {
    requirePartner(ctx.p, 'move the sandbox clock');
    const body = (ctx.body ?? {}) as { advance?: string | number; set?: string };
    let to: Date;
    const realNow = Date.now();
    if (body.set !== undefined) {
      to = new Date(typeof body.set === 'string' ? body.set : Number.NaN);
      if (Number.isNaN(to.getTime())) throw badRequest(`set must be an ISO date-time, got ${JSON.stringify(body.set)}`);
    } else {
      const ms = body.advance === undefined ? undefined : durationMs(body.advance);
      if (ms === undefined || ms < 0)
        throw badRequest('give {"advance": "90m"} (ms, s, m, h, d) or {"set": "<ISO date-time>"}');
      to = new Date(state.clock.now(realNow).getTime() + ms);
    }
    // Checked before the clock moves: a time no date can print would break every later request.
    if (!(to.getTime() >= CLOCK_MIN && to.getTime() <= CLOCK_MAX))
      throw badRequest(
        `the sandbox clock goes from 2000-01-01 to 9999-12-31, not to ${Number.isNaN(to.getTime()) ? 'an invalid date' : 'that time'}`,
      );
    state.clock.set(to, realNow);
    await putMeta(ctx.tx, 'clockOffsetMs', state.clock.offset);
    // Expiry is applied at once, so the next read already reflects the new time.
    const { removed } = await sweepExpired(ctx.tx, state.clock.now());
    return ok({ now: state.clock.now().toISOString(), offsetMs: state.clock.offset, expiredRemoved: removed });
  });
  route('POST', '/expiry/sweep', async (ctx) => ok({ expiredRemoved: (await sweepExpired(ctx.tx, ctx.now)).removed }));

  route('GET', '/faults', async () => ok({ ...faults.current, injected: faults.injected }));
  route('PUT', '/faults', async (ctx) => {
    requirePartner(ctx.p, 'inject faults');
    faults.configure(parseFaults(ctx.body));
    return ok(faults.current);
  });
}
