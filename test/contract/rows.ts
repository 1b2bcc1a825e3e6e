/**
 * The platform contract: one row per rule of the seed pages, docs/safety.md's table and
 * meshStack's API, each a set-up, an actor, a change (as platform calls and as code) and the outcome.
 */
import type { ApiClient } from '../../controller/client/api';
import type { BindingRequest } from '../../controller/client/types';
import { type WorkspaceModel, approve, grant as modelGrant } from '../../core/model';
import type { DesiredState, Workspace } from '../../schemas/desired-state.generated';
import {
  MANAGER,
  MEMBER,
  OWNER,
  binding,
  desired,
  group,
  project,
  user,
  workspace,
  stringTag,
} from '../helpers/desired';
import { PARTNER } from '../helpers/sandbox';
import { createOwnedWorkspace } from '../helpers/ownership';
import type { Row, Setup } from './harness';

const DAY = 86_400_000;
const day = (now: Date, n: number) => new Date(now.getTime() + n * DAY).toISOString().slice(0, 10);

type Roles = { owners?: string[]; managers?: string[]; members?: string[]; groups?: Record<string, string[]> };

const grantAs = (api: ApiClient, b: Omit<BindingRequest, 'name'>) =>
  api.bindings.create({
    ...b,
    name: `c-${b.workspace}-${b.project ?? ''}-${b.subject}-${b.role}`.replace(/[^a-z0-9-]/gi, '-').toLowerCase(),
  });

/** A workspace with these roles (as the partner), and its groups. */
function team(
  r: Roles,
  extra: (p: Parameters<Setup>[0], api: ApiClient, ws: string, now: Date) => Promise<void> = async () => undefined,
): Setup {
  return async (p, api, ws, now) => {
    await createOwnedWorkspace(api, { name: ws });
    for (const [g, members] of Object.entries(r.groups ?? {})) await p.setGroup(ws, g, members);
    for (const o of r.owners ?? []) await grantAs(api, { workspace: ws, subjectKind: 'User', subject: o, role: OWNER });
    for (const m of r.managers ?? [])
      await grantAs(api, { workspace: ws, subjectKind: 'User', subject: m, role: MANAGER });
    for (const m of r.members ?? [])
      await grantAs(api, { workspace: ws, subjectKind: 'User', subject: m, role: MEMBER });
    for (const g of Object.keys(r.groups ?? {}))
      await grantAs(api, { workspace: ws, subjectKind: 'Group', subject: g, role: MEMBER });
    await extra(p, api, ws, now);
  };
}

/** The code for a workspace with these roles and extras (authoritative unless the extras say additive). */
function code(
  r: Roles & { extra?: Partial<Parameters<typeof workspace>[2]>; add?: Workspace['bindings'] },
  top: Partial<DesiredState> = {},
): (ws: string) => DesiredState {
  return (ws) =>
    desired(
      [
        workspace(
          ws,
          [
            ...(r.owners ?? []).map((o) => binding(OWNER, user(o))),
            ...(r.managers ?? []).map((m) => binding(MANAGER, user(m))),
            ...(r.members ?? []).map((m) => binding(MEMBER, user(m))),
            ...Object.keys(r.groups ?? {}).map((g) => binding(MEMBER, group(g))),
            ...(r.add ?? []),
          ],
          { ...r.extra },
        ),
      ],
      top,
    );
}

const grant =
  (subject: string, role: string, extra: Partial<BindingRequest> = {}) =>
  (api: ApiClient, ws: string) =>
    grantAs(api, { workspace: ws, subjectKind: 'User', subject, role, ...extra });

/** The name grantAs gives a user's workspace binding. */
const grantName = (ws: string, subject: string, role: string) =>
  `c-${ws}--${subject}-${role}`.replace(/[^a-z0-9-]/gi, '-').toLowerCase();

/** Decides the user's role request in the workspace, whatever its status (as meshPanel's button would). */
const decide =
  (subject: string, decision: 'approve' | 'decline') =>
  async (api: ApiClient, ws: string): Promise<unknown> => {
    const r = (await api.extensions.listRequests({ workspaces: [ws] })).find((x) => x.subject === subject);
    if (!r) throw new Error(`no role request for ${subject} in ${ws}`);
    const decided = await api.extensions.decideRequest(r.id, decision);
    return decided.status === 'PENDING' ? { status: 'pending' } : decided;
  };

/** The binding name of the subject's pending request in the model. */
function requestOf(m: WorkspaceModel, subject: string): string {
  const r = m.requests.find((x) => x.subject === subject);
  if (!r) throw new Error(`no pending request for ${subject} in the observed ${m.name}`);
  return r.name;
}

async function removeBinding(api: ApiClient, ws: string, subject: string, role: string): Promise<void> {
  const b = (await api.bindings.listWorkspaceBindings({ workspace: ws })).find(
    (x) => x.subject === subject && x.role === role,
  );
  if (!b) throw new Error(`no binding of ${subject} as ${role} in ${ws}`);
  await api.bindings.delete(b);
}

const TEAM: Roles = { owners: ['alice'], managers: ['bob'] };

export const ROWS: Row[] = [
  // ---- Workspace Owner (seeds: meshWorkspaces) -------------------------------------------------
  {
    id: 'k01',
    rule: 'owner-limit',
    title: 'a third Workspace Owner is refused',
    actor: PARTNER,
    setup: team({ owners: ['alice', 'dave'] }),
    change: grant('carol', OWNER),
    desired: code({ owners: ['alice', 'dave', 'carol'] }),
    platform: 409,
    plan: 'owner-limit',
  },
  {
    id: 'k02',
    rule: 'owner-group',
    title: 'the Owner role is for users only',
    actor: PARTNER,
    setup: team({ owners: ['alice'], groups: { devs: ['erin'] } }),
    change: (api, ws) => grantAs(api, { workspace: ws, subjectKind: 'Group', subject: 'devs', role: OWNER }),
    desired: code({ owners: ['alice'], groups: { devs: ['erin'] }, add: [binding(OWNER, group('devs'))] }),
    platform: 400,
    plan: 'owner-group',
  },
  {
    id: 'k03',
    rule: 'owner-grant-rights',
    title: 'a Manager cannot assign Owner while there is one',
    actor: 'bob',
    setup: team(TEAM),
    change: grant('carol', OWNER),
    desired: code({ ...TEAM, owners: ['alice', 'carol'] }),
    platform: 403,
    plan: 'owner-grant-rights',
  },
  {
    id: 'k04',
    rule: 'accepted',
    title: 'a Manager assigns Owner while there is none',
    actor: 'bob',
    setup: team({ managers: ['bob'] }),
    change: grant('carol', OWNER),
    desired: code({ managers: ['bob'], owners: ['carol'] }),
    platform: 'accepted',
    plan: 'applied',
  },
  {
    id: 'k05',
    rule: 'owner-removal-rights',
    title: 'a Manager cannot remove an Owner',
    actor: 'bob',
    setup: team({ owners: ['alice', 'dave'], managers: ['bob'] }),
    change: (api, ws) => removeBinding(api, ws, 'dave', OWNER),
    desired: code({ owners: ['alice'], managers: ['bob'] }),
    platform: 403,
    plan: 'owner-removal-rights',
  },
  {
    id: 'k06',
    rule: 'accepted',
    title: 'an Owner removes the other Owner',
    actor: 'alice',
    setup: team({ owners: ['alice', 'dave'] }),
    change: (api, ws) => removeBinding(api, ws, 'dave', OWNER),
    desired: code({ owners: ['alice'] }),
    platform: 'accepted',
    plan: 'applied',
  },
  {
    id: 'k07',
    rule: 'last-owner',
    title: 'meshform refuses to remove the last Owner (the platform would allow it)',
    actor: PARTNER,
    setup: team({ owners: ['alice'] }),
    change: (api, ws) => removeBinding(api, ws, 'alice', OWNER),
    desired: code({ managers: ['alice'] }),
    platform: 'accepted',
    plan: 'last-owner',
  },
  // ---- who manages access (seeds: the role table) ------------------------------------------------
  {
    id: 'k08',
    rule: 'caller-rights',
    title: 'a Member cannot grant roles',
    actor: 'dave',
    setup: team({ owners: ['alice'], members: ['dave'] }),
    change: grant('erin', MEMBER),
    desired: code({ owners: ['alice'], members: ['dave', 'erin'] }),
    platform: 403,
    plan: 'caller-rights',
  },
  {
    id: 'k09',
    rule: 'self-lockout',
    title: "meshform refuses removing the caller's own management rights (the platform would allow it)",
    actor: 'bob',
    setup: team(TEAM),
    change: (api, ws) => removeBinding(api, ws, 'bob', MANAGER),
    desired: code({ owners: ['alice'] }),
    platform: 'accepted',
    plan: 'self-lockout',
  },
  // ---- 4-eyes (seeds: the 4-eyes principle; meshStack's API docs) --------------------------------
  {
    id: 'k10',
    rule: 'accepted',
    title: "under 4-eyes a Manager's grant waits for a second approval",
    actor: 'bob',
    settings: { fourEyes: { enabled: true, minApprovalCount: 2 } },
    setup: team(TEAM),
    change: grant('carol', MEMBER),
    desired: code({ ...TEAM, members: ['carol'] }),
    platform: 'pending',
    plan: 'pending',
  },
  {
    id: 'k11',
    rule: 'accepted',
    title: "under 4-eyes a partner's grant takes effect at once",
    actor: PARTNER,
    settings: { fourEyes: { enabled: true, minApprovalCount: 2 } },
    setup: team(TEAM),
    change: grant('carol', MEMBER),
    desired: code({ ...TEAM, members: ['carol'] }),
    platform: 'accepted',
    plan: 'applied',
  },
  {
    id: 'k12',
    rule: 'accepted',
    title: 'group bindings made through the API are not held for 4-eyes',
    actor: 'bob',
    settings: { fourEyes: { enabled: true, minApprovalCount: 2 } },
    setup: team(TEAM, async (p, _api, ws) => p.setGroup(ws, 'ops', ['dave'])),
    change: (api, ws) => grantAs(api, { workspace: ws, subjectKind: 'Group', subject: 'ops', role: MEMBER }),
    desired: code({ ...TEAM, add: [binding(MEMBER, group('ops'))] }),
    platform: 'accepted',
    plan: 'applied',
  },
  {
    id: 'k13',
    rule: 'accepted',
    title: 'with a minimum of one approval a grant takes effect at once',
    actor: 'bob',
    settings: { fourEyes: { enabled: true, minApprovalCount: 1 } },
    setup: team(TEAM),
    change: grant('carol', MEMBER),
    desired: code({ ...TEAM, members: ['carol'] }),
    platform: 'accepted',
    plan: 'applied',
  },
  {
    id: 'k14',
    rule: 'accepted',
    title: 'the only manager of a workspace (fewer than the minimum) grants at once',
    actor: 'bob',
    settings: { fourEyes: { enabled: true, minApprovalCount: 2 } },
    setup: team({ managers: ['bob'] }),
    change: grant('carol', MEMBER),
    desired: code({ managers: ['bob'], members: ['carol'] }),
    platform: 'accepted',
    plan: 'applied',
  },
  // ---- expiry and recertification (seeds: Roles Recertification) ----------------------------------
  {
    id: 'k15',
    rule: 'expiry-beyond-recertification',
    title: 'an expiry beyond the maximum duration is refused',
    actor: PARTNER,
    settings: { recertification: { [MEMBER]: 30 } },
    setup: team(TEAM),
    change: (api, ws, now) =>
      grantAs(api, { workspace: ws, subjectKind: 'User', subject: 'carol', role: MEMBER, expiryDate: day(now, 60) }),
    desired: (ws, now) => code({ ...TEAM, add: [binding(MEMBER, user('carol'), { expiryDate: day(now, 60) })] })(ws),
    platform: 400,
    plan: 'expiry-beyond-recertification',
  },
  {
    id: 'k16',
    rule: 'accepted',
    title: 'a grant without expiry under recertification gets one from the platform',
    actor: PARTNER,
    settings: { recertification: { [MEMBER]: 30 } },
    setup: team(TEAM),
    change: grant('carol', MEMBER),
    desired: code({ ...TEAM, members: ['carol'] }),
    platform: 'accepted',
    plan: 'applied',
  },
  {
    id: 'k17',
    rule: 'expiry-past',
    title: 'an expiry in the past is refused by the platform; meshform does not grant it',
    actor: PARTNER,
    setup: team(TEAM),
    change: (api, ws, now) =>
      grantAs(api, { workspace: ws, subjectKind: 'User', subject: 'carol', role: MEMBER, expiryDate: day(now, -2) }),
    desired: (ws, now) => code({ ...TEAM, add: [binding(MEMBER, user('carol'), { expiryDate: day(now, -2) })] })(ws),
    platform: 400,
    plan: 'nothing',
  },
  // ---- project quota (seeds: Set Workspace Quotas) --------------------------------------------------
  {
    id: 'k18',
    rule: 'quota-below-usage',
    title: 'a quota below the projects in use is refused',
    actor: PARTNER,
    setup: team(TEAM, async (_p, api, ws) => {
      await api.projects.create({ workspace: ws, name: `${ws}-p1`, displayName: 'p1', tags: {} });
      await api.projects.create({ workspace: ws, name: `${ws}-p2`, displayName: 'p2', tags: {} });
    }),
    // The code declares one of the two projects (meshform never deletes undeclared ones) and a quota of 1.
    change: (api, ws) => api.extensions.setQuota(ws, 1),
    desired: (ws) =>
      code({ ...TEAM, extra: { projectQuota: 1, projects: [project(ws, `${ws}-p1`, [], { displayName: 'p1' })] } })(ws),
    platform: 400,
    plan: 'quota-below-usage',
  },
  {
    id: 'k19',
    rule: 'quota-reached',
    title: 'a project beyond the live quota is refused',
    actor: PARTNER,
    setup: team(TEAM, async (_p, api, ws) => {
      await api.projects.create({ workspace: ws, name: `${ws}-p1`, displayName: 'p1', tags: {} });
      await api.extensions.setQuota(ws, 1);
    }),
    change: (api, ws) => api.projects.create({ workspace: ws, name: `${ws}-p2`, displayName: 'p2', tags: {} }),
    desired: (ws) =>
      code({
        ...TEAM,
        extra: {
          additive: true,
          projects: [
            project(ws, `${ws}-p1`, [], { displayName: 'p1' }),
            project(ws, `${ws}-p2`, [], { displayName: 'p2' }),
          ],
        },
      })(ws),
    platform: 400,
    plan: 'quota-reached',
  },
  {
    id: 'k20',
    rule: 'quota-needs-partner',
    title: 'only a partner sets the project quota',
    actor: 'alice',
    setup: team(TEAM),
    change: (api, ws) => api.extensions.setQuota(ws, 5),
    desired: code({ ...TEAM, extra: { projectQuota: 5 } }),
    platform: 403,
    plan: 'quota-needs-partner',
  },
  {
    id: 'k21',
    rule: 'status-needs-partner',
    title: 'only a partner disables a workspace',
    actor: 'alice',
    setup: team(TEAM),
    change: (api, ws) => api.extensions.setStatus(ws, 'disabled'),
    desired: code({ ...TEAM, extra: { status: 'disabled' } }),
    platform: 403,
    plan: 'status-needs-partner',
  },
  // ---- tags (seeds: restricted tags; meshStack's tag docs) -----------------------------------------------
  {
    id: 'k22',
    rule: 'restricted-tag',
    title: 'an Owner cannot set a restricted workspace tag',
    actor: 'alice',
    tagDefinitions: [stringTag('meshWorkspace', 'k22', { restricted: true })],
    setup: team(TEAM),
    change: (api, ws) => api.workspaces.update(ws, { displayName: ws, tags: { k22: ['x'] } }),
    desired: code({ ...TEAM, extra: { tags: { k22: ['x'] } } }),
    platform: 403,
    plan: 'restricted-tag',
  },
  {
    id: 'k23',
    rule: 'restricted-tag',
    title: 'an Owner cannot create a project with a restricted tag',
    actor: 'alice',
    tagDefinitions: [stringTag('meshProject', 'k23', { restricted: true })],
    setup: team(TEAM),
    change: (api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: { k23: ['x'] } }),
    desired: (ws) =>
      code({ ...TEAM, extra: { projects: [project(ws, `${ws}-p`, [], { displayName: 'p', tags: { k23: ['x'] } })] } })(
        ws,
      ),
    platform: 403,
    plan: 'restricted-tag',
  },
  {
    id: 'k24',
    rule: 'restricted-tag',
    title: "an Owner cannot change a project's restricted tag",
    actor: 'alice',
    tagDefinitions: [stringTag('meshProject', 'k24', { restricted: true })],
    setup: team(TEAM, async (_p, api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: { k24: ['a'] } }),
    ),
    change: (api, ws) => api.projects.update(ws, `${ws}-p`, { displayName: 'p', tags: { k24: ['b'] } }),
    desired: (ws) =>
      code({ ...TEAM, extra: { projects: [project(ws, `${ws}-p`, [], { displayName: 'p', tags: { k24: ['b'] } })] } })(
        ws,
      ),
    platform: 403,
    plan: 'restricted-tag',
  },
  {
    id: 'k25',
    rule: 'immutable-tag',
    title: 'an immutable tag cannot change after creation',
    actor: PARTNER,
    tagDefinitions: [stringTag('meshProject', 'k25', { immutable: true })],
    setup: team(TEAM, async (_p, api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: { k25: ['a'] } }),
    ),
    change: (api, ws) => api.projects.update(ws, `${ws}-p`, { displayName: 'p', tags: { k25: ['b'] } }),
    desired: (ws) =>
      code({ ...TEAM, extra: { projects: [project(ws, `${ws}-p`, [], { displayName: 'p', tags: { k25: ['b'] } })] } })(
        ws,
      ),
    platform: 400,
    plan: 'immutable-tag',
  },
  {
    id: 'k26',
    rule: 'tag-value',
    title: "a value outside the definition's options is refused",
    actor: PARTNER,
    tagDefinitions: [stringTag('meshProject', 'k26', { valueType: { singleSelect: { options: ['dev', 'prod'] } } })],
    setup: team(TEAM),
    change: (api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: { k26: ['qa'] } }),
    desired: (ws) =>
      code({ ...TEAM, extra: { projects: [project(ws, `${ws}-p`, [], { displayName: 'p', tags: { k26: ['qa'] } })] } })(
        ws,
      ),
    platform: 400,
    plan: 'tag-value',
  },
  {
    id: 'k27',
    rule: 'tag-undefined',
    title: 'a tag key without a definition is refused once definitions exist',
    actor: PARTNER,
    tagDefinitions: [stringTag('meshProject', 'k27', {})],
    setup: team(TEAM),
    change: (api, ws) =>
      api.projects.create({
        workspace: ws,
        name: `${ws}-p`,
        displayName: 'p',
        tags: { k27: ['x'], unknownkey: ['y'] },
      }),
    desired: (ws) =>
      code({
        ...TEAM,
        extra: {
          projects: [project(ws, `${ws}-p`, [], { displayName: 'p', tags: { k27: ['x'], unknownkey: ['y'] } })],
        },
      })(ws),
    platform: 400,
    plan: 'tag-undefined',
  },
  {
    id: 'k28',
    rule: 'tag-mandatory',
    title: 'a mandatory tag must be set',
    actor: PARTNER,
    tagDefinitions: [stringTag('meshProject', 'k28', { mandatory: true })],
    setup: team(TEAM),
    change: (api, ws) => api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} }),
    desired: (ws) => code({ ...TEAM, extra: { projects: [project(ws, `${ws}-p`, [], { displayName: 'p' })] } })(ws),
    platform: 400,
    plan: 'tag-mandatory',
  },
  {
    id: 'k29',
    rule: 'tag-definition-needs-partner',
    title: 'only a partner manages tag definitions',
    actor: 'alice',
    setup: team(TEAM),
    change: (api) => api.tagDefinitions.put(stringTag('meshProject', 'k29', {})),
    desired: (ws) => code({ ...TEAM }, { tagDefinitions: [stringTag('meshProject', 'k29', {})] })(ws),
    platform: 403,
    plan: 'tag-definition-needs-partner',
  },
  // ---- identifiers and deletion (seeds: immutable identifiers, Workspace Deletion) ------------------
  {
    id: 'k30',
    rule: 'identifier-being-deleted',
    title: 'an identifier whose project is still being deleted cannot be used',
    actor: PARTNER,
    setup: team(TEAM, async (_p, api, ws) => {
      await api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} });
      await api.projects.delete(ws, `${ws}-p`);
    }),
    change: (api, ws) => api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p again', tags: {} }),
    desired: (ws) =>
      code({ ...TEAM, extra: { projects: [project(ws, `${ws}-p`, [], { displayName: 'p again' })] } })(ws),
    platform: 409,
    plan: 'identifier-being-deleted',
  },
  {
    id: 'k38',
    rule: 'unknown-project-role',
    title: 'a project role the platform does not have is refused (a typo is not stored)',
    actor: PARTNER,
    setup: team(TEAM, async (_p, api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} }),
    ),
    change: (api, ws) =>
      grantAs(api, { workspace: ws, project: `${ws}-p`, subjectKind: 'User', subject: 'bob', role: 'Project Admn' }),
    desired: (ws) =>
      code({
        ...TEAM,
        extra: { projects: [project(ws, `${ws}-p`, [binding('Project Admn', user('bob'))], { displayName: 'p' })] },
      })(ws),
    platform: 400,
    plan: 'unknown-project-role',
  },
  {
    id: 'k37',
    rule: 'identifier-deleted',
    title: "a deleted workspace's identifier is never used again",
    actor: PARTNER,
    setup: team(TEAM, async (_p, api, ws) => api.workspaces.delete(ws, 'obsolete')),
    change: (api, ws) => api.workspaces.create({ name: ws, displayName: 'again', tags: {} }),
    desired: code(TEAM),
    platform: 409,
    plan: 'identifier-deleted',
  },
  {
    id: 'k31',
    rule: 'deletion-rights',
    title: 'only an Owner (or partner) deletes a workspace',
    actor: 'bob',
    setup: team(TEAM),
    change: (api, ws) => api.workspaces.delete(ws, 'obsolete'),
    desired: code({ ...TEAM, extra: { deletion: 'obsolete' } }),
    platform: 403,
    plan: 'deletion-rights',
  },
  {
    id: 'k32',
    rule: 'workspace-has-projects',
    title: 'a workspace with projects cannot be deleted',
    actor: 'alice',
    setup: team(TEAM, async (_p, api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} }),
    ),
    change: (api, ws) => api.workspaces.delete(ws, 'obsolete'),
    desired: code({ ...TEAM, extra: { deletion: 'obsolete' } }),
    platform: 409,
    plan: 'workspace-has-projects',
  },
  {
    id: 'k33',
    rule: 'accepted',
    title: 'an Owner deletes a workspace without projects',
    actor: 'alice',
    setup: team(TEAM),
    change: (api, ws) => api.workspaces.delete(ws, 'obsolete'),
    desired: code({ ...TEAM, extra: { deletion: 'obsolete' } }),
    platform: 'accepted',
    plan: 'applied',
  },
  // ---- workspace states (seeds: Disabling Workspaces, Approve new Workspaces) ---------------------
  {
    id: 'k34',
    rule: 'workspace-not-writable',
    title: 'nobody but a partner changes a disabled workspace',
    actor: 'alice',
    setup: team(TEAM, async (_p, api, ws) => api.extensions.setStatus(ws, 'disabled')),
    change: grant('carol', MEMBER),
    desired: code({ ...TEAM, members: ['carol'], extra: { status: 'disabled' } }),
    platform: 403,
    plan: 'workspace-not-writable',
  },
  // ---- project roles need a workspace role (meshStack's API: "user must first be in the workspace") --
  {
    id: 'k35',
    rule: 'project-member-missing',
    title: 'a project role for someone without a workspace role is refused',
    actor: PARTNER,
    setup: team(TEAM, async (_p, api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} }),
    ),
    change: (api, ws) =>
      grantAs(api, { workspace: ws, project: `${ws}-p`, subjectKind: 'User', subject: 'erin', role: 'Project User' }),
    desired: (ws) =>
      code({
        ...TEAM,
        extra: {
          additive: true,
          projects: [project(ws, `${ws}-p`, [binding('Project User', user('erin'))], { displayName: 'p' })],
        },
      })(ws),
    platform: 400,
    plan: 'project-member-missing',
  },
  {
    id: 'k36',
    rule: 'accepted',
    title: 'a project role for a user who is a workspace member only through a group',
    actor: PARTNER,
    setup: team({ ...TEAM, groups: { devs: ['erin'] } }, async (_p, api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} }),
    ),
    change: (api, ws) =>
      grantAs(api, { workspace: ws, project: `${ws}-p`, subjectKind: 'User', subject: 'erin', role: 'Project User' }),
    desired: (ws) =>
      code({
        ...TEAM,
        groups: { devs: ['erin'] },
        extra: { projects: [project(ws, `${ws}-p`, [binding('Project User', user('erin'))], { displayName: 'p' })] },
      })(ws),
    platform: 'accepted',
    plan: 'applied',
  },
  // ---- issue 20: what the plan predicted differed from what the platform did ------------------------
  {
    id: 'k40',
    rule: 'accepted',
    title: 'under 4-eyes a renewal waits when a group holds Workspace Manager; the old binding stays',
    actor: 'alice',
    settings: { fourEyes: { enabled: true, minApprovalCount: 2 } },
    setup: team({ owners: ['alice'] }, async (p, api, ws, now) => {
      await p.setGroup(ws, 'admins', ['dave']);
      await grantAs(api, { workspace: ws, subjectKind: 'Group', subject: 'admins', role: MANAGER });
      await grantAs(api, {
        workspace: ws,
        subjectKind: 'User',
        subject: 'carol',
        role: MEMBER,
        expiryDate: day(now, 10),
      });
    }),
    // A binding name of its own: grantAs names by content without the expiry, and a repeated name is a repeated create.
    change: (api, ws, now) =>
      api.bindings.create({
        name: `c-${ws}-carol-renewal`,
        workspace: ws,
        subjectKind: 'User',
        subject: 'carol',
        role: MEMBER,
        expiryDate: day(now, 20),
      }),
    desired: (ws, now) =>
      code({
        owners: ['alice'],
        add: [binding(MANAGER, group('admins')), binding(MEMBER, user('carol'), { expiryDate: day(now, 20) })],
      })(ws),
    platform: 'pending',
    plan: 'pending',
    keeps: { subject: 'carol', role: MEMBER },
  },
  {
    id: 'k41',
    rule: 'deletion-rights',
    title: "a Manager's declared deletion of a workspace with projects is refused before any project goes",
    actor: 'bob',
    setup: team(TEAM, async (_p, api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} }),
    ),
    change: (api, ws) => api.workspaces.delete(ws, 'obsolete'),
    desired: (ws) =>
      code({
        ...TEAM,
        extra: {
          deletion: 'obsolete',
          projects: [project(ws, `${ws}-p`, [], { displayName: 'p', deletion: 'obsolete' })],
        },
      })(ws),
    platform: 403,
    plan: 'deletion-rights',
  },
  {
    id: 'k42',
    rule: 'workspace-has-projects',
    title: "a declared deletion waits while a project's deletion is pending: the plan shows the waiting step",
    actor: 'alice',
    setup: team(TEAM, async (_p, api, ws) => {
      await api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} });
      await api.projects.delete(ws, `${ws}-p`);
    }),
    change: (api, ws) => api.workspaces.delete(ws, 'obsolete'),
    desired: (ws) =>
      code({
        ...TEAM,
        extra: {
          deletion: 'obsolete',
          projects: [project(ws, `${ws}-p`, [], { displayName: 'p', deletion: 'obsolete' })],
        },
      })(ws),
    platform: 409,
    plan: 'waiting',
  },
  {
    id: 'k43',
    rule: 'accepted',
    title: 'recertification caps workspace roles only: a project role keeps its expiry',
    actor: PARTNER,
    // The platform takes a time frame for workspace roles only (the sandbox refuses a project role's name).
    settings: { recertification: { [MEMBER]: 30 } },
    setup: team(TEAM, async (_p, api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} }),
    ),
    change: (api, ws, now) =>
      grantAs(api, {
        workspace: ws,
        project: `${ws}-p`,
        subjectKind: 'User',
        subject: 'bob',
        role: 'Project User',
        expiryDate: day(now, 60),
      }),
    desired: (ws, now) =>
      code({
        ...TEAM,
        extra: {
          projects: [
            project(ws, `${ws}-p`, [binding('Project User', user('bob'), { expiryDate: day(now, 60) })], {
              displayName: 'p',
            }),
          ],
        },
      })(ws),
    platform: 'accepted',
    plan: 'applied',
  },
  {
    id: 'k44',
    rule: 'tag-regex-invalid',
    title: 'a tag definition whose validation regex cannot be compiled is refused',
    actor: PARTNER,
    setup: team(TEAM),
    change: (api) =>
      api.tagDefinitions.put(
        stringTag('meshProject', 'k44', { valueType: { string: { validationRegex: '(?i)^dev$' } } }),
      ),
    desired: (ws) =>
      code(
        { ...TEAM },
        {
          tagDefinitions: [
            stringTag('meshProject', 'k44', { valueType: { string: { validationRegex: '(?i)^dev$' } } }),
          ],
        },
      )(ws),
    platform: 400,
    plan: 'tag-regex-invalid',
  },
  {
    id: 'k45',
    rule: 'manager-assignment-restricted',
    title: 'with restrictCustomerAdminRoleAssignment only a partner assigns Workspace Manager',
    actor: 'alice',
    settings: { restrictCustomerAdminRoleAssignment: true },
    setup: team(TEAM),
    change: grant('carol', MANAGER),
    desired: code({ ...TEAM, managers: ['bob', 'carol'] }),
    platform: 403,
    plan: 'manager-assignment-restricted',
  },
  // ---- found by the plan's property test on the sandbox and the fake (test/contract/plan-predictions) ----
  {
    id: 'k50',
    rule: 'accepted',
    title: 'an Owner renewed among two Owners goes first, and the project role its removal took is granted again',
    actor: PARTNER,
    setup: team({ owners: ['alice', 'dave'] }, async (_p, api, ws) => {
      await api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} });
      await grantAs(api, {
        workspace: ws,
        project: `${ws}-p`,
        subjectKind: 'User',
        subject: 'dave',
        role: 'Project User',
      });
    }),
    // The renewal's first half: dave's last workspace role goes, and his project role with it.
    change: (api, ws) => removeBinding(api, ws, 'dave', OWNER),
    desired: (ws, now) =>
      code({
        owners: ['alice'],
        add: [binding(OWNER, user('dave'), { expiryDate: day(now, 20) })],
        extra: { projects: [project(ws, `${ws}-p`, [binding('Project User', user('dave'))], { displayName: 'p' })] },
      })(ws),
    platform: 'accepted',
    plan: 'applied',
  },
  {
    id: 'k51',
    rule: 'accepted',
    title: "under 4-eyes an Owner's renewal of a binding without expiry waits, and the plan keeps the old one",
    actor: 'alice',
    settings: { fourEyes: { enabled: true, minApprovalCount: 2 } },
    setup: team({ owners: ['alice', 'bob'], members: ['carol'] }),
    change: (api, ws, now) =>
      api.bindings.create({
        name: `c-${ws}-carol-renewal`,
        workspace: ws,
        subjectKind: 'User',
        subject: 'carol',
        role: MEMBER,
        expiryDate: day(now, 20),
      }),
    desired: (ws, now) =>
      code({ owners: ['alice', 'bob'], add: [binding(MEMBER, user('carol'), { expiryDate: day(now, 20) })] })(ws),
    platform: 'pending',
    plan: 'pending',
    keeps: { subject: 'carol', role: MEMBER },
  },
  {
    id: 'k52',
    rule: 'accepted',
    title: "under 4-eyes a renewal after a new Manager's grant waits for that Manager; the old binding stays",
    actor: 'alice',
    settings: { fourEyes: { enabled: true, minApprovalCount: 2 } },
    setup: team({ owners: ['alice'], members: ['erin'] }),
    // alice alone approved bob's grant; the renewal after it waits for bob.
    change: async (api, ws, now) => {
      await grant('bob', MANAGER)(api, ws);
      return api.bindings.create({
        name: `c-${ws}-erin-renewal`,
        workspace: ws,
        subjectKind: 'User',
        subject: 'erin',
        role: MEMBER,
        expiryDate: day(now, 20),
      });
    },
    desired: (ws, now) =>
      code({
        owners: ['alice'],
        managers: ['bob'],
        add: [binding(MEMBER, user('erin'), { expiryDate: day(now, 20) })],
      })(ws),
    platform: 'pending',
    plan: 'pending',
    keeps: { subject: 'erin', role: MEMBER },
  },
  // ---- calls the plan never makes, held through the model's transition (Row.direct) -----------------
  {
    id: 'k53',
    rule: 'binding-exists',
    title: 'the same binding granted again (another name, the same expiry) is refused, and the client finds it done',
    actor: PARTNER,
    setup: team({ ...TEAM, members: ['carol'] }),
    change: (api, ws) =>
      api.bindings.create({
        name: `c-${ws}-carol-again`,
        workspace: ws,
        subjectKind: 'User',
        subject: 'carol',
        role: MEMBER,
      }),
    direct: (m, ctx, ws) =>
      modelGrant(m, ctx, { name: `c-${ws}-carol-again`, subjectKind: 'User', subject: 'carol', role: MEMBER }),
    desired: code({ ...TEAM, members: ['carol'] }),
    // meshStack answers 409; the client reads the binding back and finds the grant done (Row.direct).
    platform: 'accepted',
    plan: 'binding-exists',
  },
  {
    id: 'k54',
    rule: 'unknown-workspace-role',
    title: 'a workspace role the platform does not have is refused',
    actor: PARTNER,
    setup: team(TEAM),
    change: grant('carol', 'Workspace Admin'),
    direct: (m, ctx) =>
      modelGrant(m, ctx, { name: 'x', subjectKind: 'User', subject: 'carol', role: 'Workspace Admin' }),
    desired: code(TEAM),
    platform: 400,
    plan: 'unknown-workspace-role',
  },
  {
    id: 'k55',
    rule: 'project-not-found',
    title: 'a project role on a project that does not exist is refused',
    actor: PARTNER,
    setup: team(TEAM),
    change: (api, ws) =>
      grantAs(api, { workspace: ws, project: `${ws}-none`, subjectKind: 'User', subject: 'bob', role: 'Project User' }),
    direct: (m, ctx, ws) =>
      modelGrant(m, ctx, {
        name: 'x',
        project: `${ws}-none`,
        subjectKind: 'User',
        subject: 'bob',
        role: 'Project User',
      }),
    desired: code(TEAM),
    platform: 404,
    plan: 'project-not-found',
  },
  {
    id: 'k56',
    rule: 'project-not-found',
    title: 'a project role on a project whose deletion is pending is refused',
    actor: PARTNER,
    setup: team(TEAM, async (_p, api, ws) => {
      await api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} });
      await api.projects.delete(ws, `${ws}-p`);
    }),
    change: (api, ws) =>
      grantAs(api, { workspace: ws, project: `${ws}-p`, subjectKind: 'User', subject: 'bob', role: 'Project User' }),
    direct: (m, ctx, ws) =>
      modelGrant(m, ctx, { name: 'x', project: `${ws}-p`, subjectKind: 'User', subject: 'bob', role: 'Project User' }),
    desired: code(TEAM),
    platform: 404,
    plan: 'project-not-found',
  },
  {
    id: 'k57',
    rule: 'approval-rights',
    title: 'under 4-eyes the requester cannot approve their own role request',
    actor: 'bob',
    settings: { fourEyes: { enabled: true, minApprovalCount: 2 } },
    setup: team(TEAM, async (p, _api, ws) => void (await grant('carol', MEMBER)(p.client('bob'), ws))),
    change: decide('carol', 'approve'),
    direct: (m, ctx) => approve(m, ctx, requestOf(m, 'carol')),
    desired: code(TEAM),
    platform: 403,
    plan: 'approval-rights',
  },
  {
    id: 'k58',
    rule: 'request-not-pending',
    title: 'a role request already approved cannot be approved again',
    actor: 'alice',
    settings: { fourEyes: { enabled: true, minApprovalCount: 2 } },
    setup: team(TEAM, async (p, _api, ws) => {
      await grant('carol', MEMBER)(p.client('bob'), ws);
      await decide('carol', 'approve')(p.client('alice'), ws);
    }),
    change: decide('carol', 'approve'),
    // The observed workspace holds pending requests only: this one is not among them.
    direct: (m, ctx, ws) => approve(m, ctx, grantName(ws, 'carol', MEMBER)),
    desired: code({ ...TEAM, members: ['carol'] }),
    platform: 409,
    plan: 'request-not-pending',
  },
  {
    id: 'k59',
    rule: 'approval-rights',
    title: 'under 4-eyes each approver approves a role request once',
    actor: 'alice',
    settings: { fourEyes: { enabled: true, minApprovalCount: 3 } },
    setup: team({ ...TEAM, managers: ['bob', 'dave'] }, async (p, _api, ws) => {
      await grant('carol', MEMBER)(p.client('bob'), ws);
      await decide('carol', 'approve')(p.client('alice'), ws);
    }),
    change: decide('carol', 'approve'),
    direct: (m, ctx) => approve(m, ctx, requestOf(m, 'carol')),
    desired: code({ ...TEAM, managers: ['bob', 'dave'] }),
    platform: 403,
    plan: 'approval-rights',
  },
  // ---- tags, quota and identifiers as transitions of the platform model (core/model/update.ts, tags.ts) ----
  {
    id: 'k60',
    rule: 'accepted',
    title: "a restricted tag's default is injected: an Owner's project without it is accepted",
    actor: 'alice',
    tagDefinitions: [
      stringTag('meshProject', 'k60', { restricted: true, valueType: { string: { defaultValue: 'std' } } }),
    ],
    setup: team(TEAM),
    change: (api, ws) => api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: {} }),
    desired: (ws) => code({ ...TEAM, extra: { projects: [project(ws, `${ws}-p`, [], { displayName: 'p' })] } })(ws),
    platform: 'accepted',
    plan: 'applied',
  },
  {
    id: 'k61',
    rule: 'accepted',
    title: 'an immutable tag is set when the project is created',
    actor: PARTNER,
    tagDefinitions: [stringTag('meshProject', 'k61', { immutable: true })],
    setup: team(TEAM),
    change: (api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: { k61: ['a'] } }),
    desired: (ws) =>
      code({ ...TEAM, extra: { projects: [project(ws, `${ws}-p`, [], { displayName: 'p', tags: { k61: ['a'] } })] } })(
        ws,
      ),
    platform: 'accepted',
    plan: 'applied',
  },
  {
    id: 'k62',
    rule: 'immutable-tag',
    title: "a workspace's immutable tag cannot change after creation",
    actor: PARTNER,
    tagDefinitions: [stringTag('meshWorkspace', 'k62', { immutable: true })],
    // Set when the workspace is created (as the partner), the only time it can be.
    setup: async (_p, api, ws) => {
      await createOwnedWorkspace(api, { name: ws, tags: { k62: ['a'] } });
      await grantAs(api, { workspace: ws, subjectKind: 'User', subject: 'alice', role: OWNER });
    },
    change: (api, ws) => api.workspaces.update(ws, { displayName: ws, tags: { k62: ['b'] } }),
    desired: code({ owners: ['alice'], extra: { tags: { k62: ['b'] } } }),
    platform: 400,
    plan: 'immutable-tag',
  },
  {
    id: 'k63',
    rule: 'tag-value',
    title: "a value that does not match the definition's validation regex is refused",
    actor: PARTNER,
    tagDefinitions: [stringTag('meshProject', 'k63', { valueType: { string: { validationRegex: '^[a-z]+$' } } })],
    setup: team(TEAM),
    change: (api, ws) =>
      api.projects.create({ workspace: ws, name: `${ws}-p`, displayName: 'p', tags: { k63: ['ABC'] } }),
    desired: (ws) =>
      code({
        ...TEAM,
        extra: { projects: [project(ws, `${ws}-p`, [], { displayName: 'p', tags: { k63: ['ABC'] } })] },
      })(ws),
    platform: 400,
    plan: 'tag-value',
  },
  {
    id: 'k64',
    rule: 'accepted',
    title: 'a partner raises the quota and creates the project that then fits, in one plan',
    actor: PARTNER,
    setup: team(TEAM, async (_p, api, ws) => {
      await api.projects.create({ workspace: ws, name: `${ws}-p1`, displayName: 'p1', tags: {} });
      await api.extensions.setQuota(ws, 1);
    }),
    change: (api, ws) => api.extensions.setQuota(ws, 2),
    desired: (ws) =>
      code({
        ...TEAM,
        extra: {
          projectQuota: 2,
          projects: [
            project(ws, `${ws}-p1`, [], { displayName: 'p1' }),
            project(ws, `${ws}-p2`, [], { displayName: 'p2' }),
          ],
        },
      })(ws),
    platform: 'accepted',
    plan: 'applied',
  },
];

/** Catalogue rules that are not a platform contract, with the reason (checked by the suite). */
export const NOT_PLATFORM_RULES: Record<string, string> = {
  'unknown-workspace': 'a command-line check: --workspace names a workspace the manifest does not have',
  'referenced-missing': 'the code references a workspace that does not exist: there is no platform call to compare',
  'identifier-change':
    "a heuristic of meshform: a new project with an existing one's display name looks like a rename (the platform would create it)",
  'tag-definition-needs-partner': 'covered by row k29 (a global step)',
  'workspace-unowned':
    "meshform's own record (the meshformStack tag): the platform lets any stack write any workspace it may write; test/controller/plan/rules/ownership.test.ts and the cycle tests hold it",
  'workspace-owned-elsewhere':
    "meshform's own record, as workspace-unowned: one stack per workspace is meshform's rule, not the platform's",
  'ownership-tag-needs-partner':
    'the platform refuses a tag definition from a non-partner, as row k29 shows for any tag definition',
  'projects-not-visible':
    'what the key could not read (a Member sees only its projects), not a platform refusal: test/controller/observe/unknowns.test.ts holds it',
  'invitation-unsupported':
    'a capability check of meshform: the strict meshstack profile has no invitation API and the default profile has one; test/controller/plan/rules/unsupported.test.ts and meshstack-behaviour.test.ts hold it',
  'ownership-tag-undefined-tags':
    "meshform's guard for the estate, not a platform refusal: the platform accepts the definition, then refuses every later save of a workspace with an undefined tag; test/controller/import/adopt-free-form-tags.test.ts holds it on each platform",
  'fewer-approvers':
    "meshform's own guard against a pattern: the platform accepts each step (removing a co-Owner; a grant that then needs nobody else's approval), the plan refuses them together (the sandbox's part, approvers through groups, is in four-eyes.test.ts)",
  'self-lockout-unknown':
    "what the key could not read (a user group's members), not a platform refusal: meshform's own guard, as self-lockout; test/controller/plan/rules/caller.test.ts holds it",
};
