/** The meshObject API subset meshform uses, under /api/meshobjects, with meshStack's paths, media types and shapes. */
import type { FastifyInstance } from 'fastify';
import type { Tx } from '../db';
import { accessTo } from '../domain/access';
import {
  createWorkspaceBinding,
  deleteBinding,
  getWorkspaceBinding,
  listWorkspaceBindings,
  loadWorkspaceBinding,
} from '../domain/bindings';
import {
  deletePaymentMethod,
  deleteTagDefinition,
  getPaymentMethod,
  getTagDefinition,
  listPaymentMethods,
  listTagDefinitions,
  putPaymentMethod,
  putTagDefinition,
} from '../domain/catalog';
import {
  createProjectBinding,
  getProjectBinding,
  listProjectBindings,
  loadProjectBinding,
} from '../domain/project-bindings';
import { deleteProjectRole, getProjectRole, listProjectRoles, putProjectRole } from '../domain/project-roles';
import {
  createProject,
  deleteProject,
  getProject,
  listProjects,
  projectStates,
  updateProject,
} from '../domain/projects';
import { deleteUser, getGroup, getUser, listGroups, listUsers, putUser } from '../domain/users';
import { createWorkspace, deleteWorkspace, listWorkspaces, updateWorkspace } from '../domain/workspaces';
import { halList, sortOf, untilOf } from '../hal';
import { badRequest, notFound } from '../problem';
import { refuse } from '../domain/refusals';
import {
  groupJson,
  paymentMethodJson,
  projectBindingJson,
  projectJson,
  projectRoleJson,
  tagDefinitionJson,
  userJson,
  workspaceBindingJson,
  workspaceJson,
} from '../representations';
import { strictBody } from '../strict';
import { registerCommunicationRoutes } from './communications';
import { registerEventLogRoutes } from './event-log';
import { type RouteContext, type RouteResult, type SandboxState, addRoute } from './route';

const API = '/api/meshobjects';
const ok = (body: unknown): RouteResult => ({ status: 200, body });
const NO_CONTENT: RouteResult = { status: 204 };

/** Lists whose filtering happened in memory are paged here. */
function pageOf<T, J>(ctx: RouteContext, key: string, path: string, all: T[], render: (t: T) => J) {
  const req = ctx.page();
  return ok(
    halList(
      key,
      all.slice(req.page * req.size, (req.page + 1) * req.size).map(render),
      all.length,
      req,
      ctx.base,
      path,
      ctx.query,
    ),
  );
}

/**
 * A created binding (201), or a grant held for 4-eyes. meshStack's API documents only 201, and the
 * meshstack profile answers so: 201 with the request echoed, and no binding until it is approved.
 * The default profile answers 202 with the pending request (a sandbox extension).
 */
async function grantResult(
  ctx: RouteContext,
  outcome: { status: 'created' | 'pending'; requestId?: string; workspace: string; bindingName: string },
  load: (tx: Tx) => Promise<unknown>,
): Promise<RouteResult> {
  if (outcome.status === 'created') return { status: 201, body: await load(ctx.tx) };
  const body = ctx.body as Record<string, unknown>;
  if (ctx.profile === 'meshstack') return { status: 201, body };
  return {
    status: 202,
    body: {
      ...body,
      pendingRequest: {
        id: outcome.requestId,
        status: 'PENDING',
        _links: { self: { href: `${ctx.base}/sandbox/v1/role-requests/${outcome.requestId}` } },
      },
    },
  };
}

/**
 * Why a binding is removed, for its event: `X-Removal-Reason: expired` from a client that removes a
 * binding whose expiry (finer than the platform's day) has passed. A sandbox extension, as the
 * deletion reason is: meshStack's API takes none. Any other value is an ordinary removal.
 */
function removalReason(ctx: { profile: string; headers: Record<string, unknown> }): 'expired' | 'removed' {
  return ctx.profile === 'default' && ctx.headers['x-removal-reason'] === 'expired' ? 'expired' : 'removed';
}

export function registerMeshObjectRoutes(app: FastifyInstance, state: SandboxState): void {
  registerEventLogRoutes(app, state);
  registerCommunicationRoutes(app, state);
  const route = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    kind: string,
    version: string,
    handler: (ctx: RouteContext) => Promise<RouteResult>,
  ) =>
    addRoute(app, state, {
      method,
      url: `${API}${url}`,
      media: { kind, version },
      handler:
        state.profile === 'meshstack'
          ? async (ctx) => {
              const result = await handler(ctx);
              return result.status < 300 ? { ...result, body: await strictBody(ctx.tx, result.body) } : result;
            }
          : handler,
    });

  // meshWorkspace v2
  route('GET', '/meshworkspaces', 'meshWorkspace', 'v2', async (ctx) => {
    const req = ctx.page();
    const { rows, total } = await listWorkspaces(
      ctx.tx,
      ctx.p,
      req.size,
      req.page * req.size,
      untilOf(ctx.query),
      sortOf(ctx.query),
    );
    return ok(
      halList(
        'meshWorkspaces',
        rows.map((w) => workspaceJson(w, ctx.base)),
        total,
        req,
        ctx.base,
        `${API}/meshworkspaces`,
        ctx.query,
      ),
    );
  });
  route('GET', '/meshworkspaces/:name', 'meshWorkspace', 'v2', async (ctx) =>
    ok(workspaceJson((await accessTo(ctx.tx, ctx.p, ctx.params.name, { includeDeleted: true })).workspace, ctx.base)),
  );
  route('POST', '/meshworkspaces', 'meshWorkspace', 'v2', async (ctx) => ({
    status: 201,
    body: workspaceJson(await createWorkspace(ctx.tx, ctx.p, ctx.body, ctx.now), ctx.base),
  }));
  route('PUT', '/meshworkspaces/:name', 'meshWorkspace', 'v2', async (ctx) => {
    return ok(workspaceJson(await updateWorkspace(ctx.tx, ctx.p, ctx.params.name, ctx.body, ctx.now), ctx.base));
  });
  route('DELETE', '/meshworkspaces/:name', 'meshWorkspace', 'v2', async (ctx) => {
    // The deletion reason header is a sandbox extension; meshStack's API takes none.
    const header = ctx.profile === 'default' ? (ctx.headers['x-deletion-reason'] as string | undefined) : undefined;
    const reason = header ?? 'deleted through the API';
    if ((await deleteWorkspace(ctx.tx, ctx.p, ctx.params.name, reason, ctx.now)) === 'gone')
      throw notFound(`meshWorkspace '${ctx.params.name}' not found`);
    return NO_CONTENT;
  });

  // meshProject v2
  route('GET', '/meshprojects', 'meshProject', 'v2', async (ctx) => {
    const req = ctx.page();
    const { rows, total } = await listProjects(
      ctx.tx,
      ctx.p,
      ctx.query.workspaceIdentifier,
      projectStates(ctx.query.state),
      req.size,
      req.page * req.size,
      sortOf(ctx.query),
    );
    return ok(
      halList(
        'meshProjects',
        rows.map((r) => projectJson(r, ctx.base)),
        total,
        req,
        ctx.base,
        `${API}/meshprojects`,
        ctx.query,
      ),
    );
  });
  route('GET', '/meshprojects/:id', 'meshProject', 'v2', async (ctx) =>
    ok(projectJson(await getProject(ctx.tx, ctx.p, ctx.params.id), ctx.base)),
  );
  route('POST', '/meshprojects', 'meshProject', 'v2', async (ctx) => ({
    status: 201,
    body: projectJson(await createProject(ctx.tx, ctx.p, ctx.body, ctx.now), ctx.base),
  }));
  route('PUT', '/meshprojects/:id', 'meshProject', 'v2', async (ctx) => {
    return ok(projectJson(await updateProject(ctx.tx, ctx.p, ctx.params.id, ctx.body, ctx.now), ctx.base));
  });
  route('DELETE', '/meshprojects/:id', 'meshProject', 'v2', async (ctx) => {
    await deleteProject(ctx.tx, ctx.p, ctx.params.id, ctx.now);
    return NO_CONTENT;
  });

  // meshWorkspaceUserBinding / meshWorkspaceGroupBinding v2
  for (const [path, kind, subjectKind] of [
    ['userbindings', 'meshWorkspaceUserBinding', 'user'],
    ['groupbindings', 'meshWorkspaceGroupBinding', 'group'],
  ] as const) {
    route('GET', `/meshworkspacebindings/${path}`, kind, 'v2', async (ctx) => {
      const req = ctx.page();
      const f = {
        workspace: ctx.query.workspaceIdentifier,
        role: ctx.query.workspaceRole,
        subject: path === 'userbindings' ? ctx.query.username : ctx.query.groupIdentifier,
      };
      const { rows, total } = await listWorkspaceBindings(
        ctx.tx,
        ctx.p,
        subjectKind,
        { ...f, until: untilOf(ctx.query), sort: sortOf(ctx.query) },
        req.size,
        req.page * req.size,
      );
      return ok(
        halList(
          `${kind}s`,
          rows.map((r) => workspaceBindingJson(r, r.display_name, ctx.base)),
          total,
          req,
          ctx.base,
          `${API}/meshworkspacebindings/${path}`,
          ctx.query,
        ),
      );
    });
    route('GET', `/meshworkspacebindings/${path}/:name`, kind, 'v2', async (ctx) => {
      const row = await getWorkspaceBinding(ctx.tx, ctx.p, subjectKind, ctx.params.name);
      return ok(workspaceBindingJson(row, row.display_name, ctx.base));
    });
    route('POST', `/meshworkspacebindings/${path}`, kind, 'v2', async (ctx) => {
      const outcome = await createWorkspaceBinding(
        ctx.tx,
        ctx.p,
        subjectKind,
        ctx.body,
        ctx.now,
        ctx.profile === 'default',
      );
      // The creator passed the manager check already: read the new binding without a second one.
      return grantResult(ctx, outcome, async () => {
        const row = await loadWorkspaceBinding(ctx.tx, subjectKind, outcome.bindingName);
        return workspaceBindingJson(row, row.display_name, ctx.base);
      });
    });
    route('DELETE', `/meshworkspacebindings/${path}/:name`, kind, 'v2', async (ctx) => {
      await deleteBinding(ctx.tx, ctx.p, 'workspace', subjectKind, ctx.params.name, ctx.now, removalReason(ctx));
      return NO_CONTENT;
    });
  }

  // meshProjectUserBinding / meshProjectGroupBinding v3
  for (const [path, kind, subjectKind] of [
    ['userbindings', 'meshProjectUserBinding', 'user'],
    ['groupbindings', 'meshProjectGroupBinding', 'group'],
  ] as const) {
    route('GET', `/meshprojectbindings/${path}`, kind, 'v3', async (ctx) => {
      const { workspaceIdentifier: ws, projectIdentifier: project } = ctx.query;
      if (!ws || !project) throw badRequest('workspaceIdentifier and projectIdentifier are required');
      const req = ctx.page();
      const { rows, total } = await listProjectBindings(
        ctx.tx,
        ctx.p,
        subjectKind,
        ws,
        project,
        req.size,
        req.page * req.size,
        sortOf(ctx.query),
      );
      return ok(
        halList(
          `${kind}s`,
          rows.map((r) => projectBindingJson(r, r.display_name, ctx.base)),
          total,
          req,
          ctx.base,
          `${API}/meshprojectbindings/${path}`,
          ctx.query,
        ),
      );
    });
    route('GET', `/meshprojectbindings/${path}/:name`, kind, 'v3', async (ctx) => {
      const row = await getProjectBinding(ctx.tx, ctx.p, subjectKind, ctx.params.name);
      return ok(projectBindingJson(row, row.display_name, ctx.base));
    });
    route('POST', `/meshprojectbindings/${path}`, kind, 'v3', async (ctx) => {
      const outcome = await createProjectBinding(
        ctx.tx,
        ctx.p,
        subjectKind,
        ctx.body,
        ctx.now,
        ctx.profile === 'default',
      );
      return grantResult(ctx, outcome, async () => {
        const row = await loadProjectBinding(ctx.tx, subjectKind, outcome.bindingName);
        return projectBindingJson(row, row.display_name, ctx.base);
      });
    });
    route('DELETE', `/meshprojectbindings/${path}/:name`, kind, 'v3', async (ctx) => {
      await deleteBinding(ctx.tx, ctx.p, 'project', subjectKind, ctx.params.name, ctx.now, removalReason(ctx));
      return NO_CONTENT;
    });
  }

  // meshTagDefinition v1
  route('GET', '/meshtagdefinitions', 'meshTagDefinition', 'v1', async (ctx) =>
    pageOf(ctx, 'meshTagDefinitions', `${API}/meshtagdefinitions`, await listTagDefinitions(ctx.tx), (d) =>
      tagDefinitionJson(d, ctx.base),
    ),
  );
  route('GET', '/meshtagdefinitions/:name', 'meshTagDefinition', 'v1', async (ctx) =>
    ok(tagDefinitionJson(await getTagDefinition(ctx.tx, ctx.params.name), ctx.base)),
  );
  route('POST', '/meshtagdefinitions', 'meshTagDefinition', 'v1', async (ctx) => ({
    status: 201,
    body: tagDefinitionJson(await putTagDefinition(ctx.tx, ctx.p, undefined, ctx.body), ctx.base),
  }));
  route('PUT', '/meshtagdefinitions/:name', 'meshTagDefinition', 'v1', async (ctx) =>
    ok(tagDefinitionJson(await putTagDefinition(ctx.tx, ctx.p, ctx.params.name, ctx.body), ctx.base)),
  );
  route('DELETE', '/meshtagdefinitions/:name', 'meshTagDefinition', 'v1', async (ctx) => {
    await deleteTagDefinition(ctx.tx, ctx.p, ctx.params.name);
    return NO_CONTENT;
  });

  // meshUser v2
  route('GET', '/meshusers', 'meshUser', 'v2', async (ctx) => {
    const q = ctx.query;
    // As meshStack's API key permissions: the unfiltered list needs admin rights (ADM_USER_LIST).
    if (!ctx.p.isPartner && !q.workspaceIdentifier && !q.username && !q.email)
      throw refuse(
        'user-list-rights',
        'listing all meshUsers needs admin rights; filter by workspaceIdentifier, username or email',
      );
    const users = await listUsers(ctx.tx, ctx.p, {
      workspace: q.workspaceIdentifier,
      role: q.workspaceRole,
      username: q.username,
      email: q.email,
    });
    return pageOf(ctx, 'meshUsers', `${API}/meshusers`, users, (u) => userJson(u, ctx.base));
  });
  route('GET', '/meshusers/:username', 'meshUser', 'v2', async (ctx) =>
    ok(userJson(await getUser(ctx.tx, ctx.p, ctx.params.username), ctx.base)),
  );
  route('POST', '/meshusers', 'meshUser', 'v2', async (ctx) => ({
    status: 201,
    body: userJson(await putUser(ctx.tx, ctx.p, undefined, ctx.body, ctx.now), ctx.base),
  }));
  route('PUT', '/meshusers/:username', 'meshUser', 'v2', async (ctx) =>
    ok(userJson(await putUser(ctx.tx, ctx.p, ctx.params.username, ctx.body, ctx.now), ctx.base)),
  );
  route('DELETE', '/meshusers/:username', 'meshUser', 'v2', async (ctx) => {
    await deleteUser(ctx.tx, ctx.p, ctx.params.username);
    return NO_CONTENT;
  });

  // meshWorkspaceUserGroup v1 (read-only, as in meshStack)
  route('GET', '/meshworkspaceusergroups', 'meshWorkspaceUserGroup', 'v1', async (ctx) =>
    pageOf(
      ctx,
      'meshWorkspaceUserGroups',
      `${API}/meshworkspaceusergroups`,
      await listGroups(ctx.tx, ctx.p, ctx.query.workspaceIdentifier),
      (g) => groupJson(g, ctx.base),
    ),
  );
  route('GET', '/meshworkspaceusergroups/:id', 'meshWorkspaceUserGroup', 'v1', async (ctx) =>
    ok(groupJson(await getGroup(ctx.tx, ctx.p, ctx.params.id), ctx.base)),
  );

  // meshProjectRole v1: every API key may list them; a partner manages them
  route('GET', '/meshprojectroles', 'meshProjectRole', 'v1', async (ctx) =>
    pageOf(ctx, 'meshProjectRoles', `${API}/meshprojectroles`, await listProjectRoles(ctx.tx), (r) =>
      projectRoleJson(r, ctx.base),
    ),
  );
  route('GET', '/meshprojectroles/:name', 'meshProjectRole', 'v1', async (ctx) =>
    ok(projectRoleJson(await getProjectRole(ctx.tx, ctx.params.name), ctx.base)),
  );
  route('POST', '/meshprojectroles', 'meshProjectRole', 'v1', async (ctx) => ({
    status: 201,
    body: projectRoleJson(await putProjectRole(ctx.tx, ctx.p, undefined, ctx.body), ctx.base),
  }));
  route('PUT', '/meshprojectroles/:name', 'meshProjectRole', 'v1', async (ctx) =>
    ok(projectRoleJson(await putProjectRole(ctx.tx, ctx.p, ctx.params.name, ctx.body), ctx.base)),
  );
  route('DELETE', '/meshprojectroles/:name', 'meshProjectRole', 'v1', async (ctx) => {
    await deleteProjectRole(ctx.tx, ctx.p, ctx.params.name, ctx.now);
    return NO_CONTENT;
  });

  // meshPaymentMethod v2
  route('GET', '/meshpaymentmethods', 'meshPaymentMethod', 'v2', async (ctx) =>
    pageOf(
      ctx,
      'meshPaymentMethods',
      `${API}/meshpaymentmethods`,
      await listPaymentMethods(ctx.tx, ctx.p, ctx.query.workspaceIdentifier),
      (m) => paymentMethodJson(m, ctx.base),
    ),
  );
  route('GET', '/meshpaymentmethods/:name', 'meshPaymentMethod', 'v2', async (ctx) =>
    ok(paymentMethodJson(await getPaymentMethod(ctx.tx, ctx.p, ctx.params.name), ctx.base)),
  );
  route('POST', '/meshpaymentmethods', 'meshPaymentMethod', 'v2', async (ctx) => ({
    status: 201,
    body: paymentMethodJson(await putPaymentMethod(ctx.tx, ctx.p, undefined, ctx.body, ctx.now), ctx.base),
  }));
  route('PUT', '/meshpaymentmethods/:name', 'meshPaymentMethod', 'v2', async (ctx) =>
    ok(paymentMethodJson(await putPaymentMethod(ctx.tx, ctx.p, ctx.params.name, ctx.body, ctx.now), ctx.base)),
  );
  route('DELETE', '/meshpaymentmethods/:name', 'meshPaymentMethod', 'v2', async (ctx) => {
    await deletePaymentMethod(ctx.tx, ctx.p, ctx.params.name, ctx.now);
    return NO_CONTENT;
  });
}
