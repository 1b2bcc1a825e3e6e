/** Projects: the key sees them, identifiers still being deleted, deleting a workspace that keeps projects, project roles the platform has, project roles without a workspace role. */
import { DEFAULT_PROJECT_ROLES, isProjectRole, likelyMeant } from '../../../core/rules';
import type { Subject } from '../../../schemas/desired-state.generated';
import { finding } from '../findings';
import { unseenProjects } from '../workspace-steps';
import { type WorkspaceRule, grants, removals } from './context';

export const identifierChange: WorkspaceRule = (ctx) => {
  const liveProjects = Object.values(ctx.ws?.projects ?? {});
  return ctx.steps.flatMap((s) => {
    if (s.kind !== 'project' || s.action !== 'create') return [];
    const renamed = liveProjects.find(
      (x) => x.displayName === s.displayName && !ctx.desired.projects.some((q) => q.metadata.name === x.name),
    );
    return renamed
      ? [finding('identifier-change', { workspace: ctx.name, from: renamed.name, to: s.project }, ctx.name)]
      : [];
  });
};

/** meshStack keeps a deleted workspace's identifier for good: a workspace declared under it cannot be created. */
export const identifierDeleted: WorkspaceRule = (ctx) =>
  !ctx.ws && !ctx.desired.spec.deletion && ctx.live.deletedWorkspaces.includes(ctx.name)
    ? [finding('identifier-deleted', { workspace: ctx.name }, ctx.name)]
    : [];

/** A project grant names one of the platform's project roles (its meshProjectRole list, else the defaults). */
export const projectRoleExists: WorkspaceRule = (ctx) =>
  grants(ctx).flatMap((g) => {
    if (g.kind !== 'project-binding' || isProjectRole(g.grant.role, ctx.live.projectRoles)) return [];
    const roles = [...(ctx.live.projectRoles ?? DEFAULT_PROJECT_ROLES)];
    const meant = likelyMeant(g.grant.role, roles);
    return [
      finding(
        'unknown-project-role',
        { subject: g.grant.subject, role: g.grant.role, project: g.project!, roles, ...(meant ? { meant } : {}) },
        ctx.name,
      ),
    ];
  });

export const identifierBeingDeleted: WorkspaceRule = (ctx) =>
  ctx.steps.flatMap((s) =>
    s.kind === 'project' && s.action === 'create' && ctx.ws?.deletingProjects.includes(s.project)
      ? [finding('identifier-being-deleted', { workspace: ctx.name, project: s.project }, ctx.name)]
      : [],
  );

export const workspaceKeepsProjects: WorkspaceRule = (ctx) => {
  if (!ctx.desired.spec.deletion || !ctx.ws) return [];
  const marked = new Set(ctx.desired.projects.filter((p) => p.spec.deletion).map((p) => p.metadata.name));
  const remaining = Object.keys(ctx.ws.projects).filter((p) => !marked.has(p));
  return remaining.length
    ? [finding('workspace-has-projects', { workspace: ctx.name, projects: remaining }, ctx.name)]
    : [];
};

export const referencedExists: WorkspaceRule = (ctx) =>
  !ctx.ws && ctx.desired.spec.ownership === 'referenced' && !ctx.desired.spec.deletion
    ? [finding('referenced-missing', { workspace: ctx.name }, ctx.name)]
    : [];

/**
 * meshStack refuses a project role for a subject without a workspace role (a user may hold one
 * through a group). Where the code still declares such a role after the subject's workspace role is
 * gone (expired, removed), every apply would fail: refuse it in the plan and say what to do.
 */
export const projectMembers: WorkspaceRule = (ctx) => {
  if (!ctx.ws) return [];
  const key = (kind: string, name: string) => `${kind}:${name}`;
  const removed = new Set(
    removals(ctx)
      .filter((s) => s.kind === 'workspace-binding')
      .map((s) => s.binding.name),
  );
  const members = new Set(
    ctx.ws.bindings.filter((b) => !removed.has(b.name)).map((b) => key(b.subjectKind, b.subject)),
  );
  for (const g of grants(ctx))
    if (g.kind === 'workspace-binding') members.add(key(g.grant.subject.kind, g.grant.subject.name));
  const viaGroups = new Set(
    Object.entries(ctx.ws.groupMembers ?? {})
      .filter(([group]) => members.has(key('Group', group)))
      .flatMap(([, users]) => users.map((u) => key('User', u))),
  );
  return grants(ctx).flatMap((g) => {
    if (g.kind !== 'project-binding') return [];
    const k = key(g.grant.subject.kind, g.grant.subject.name);
    if (members.has(k) || viaGroups.has(k)) return [];
    const subject: Subject = g.grant.subject;
    return [
      finding(
        'project-member-missing',
        { subject, role: g.grant.role, project: g.project!, workspace: ctx.name },
        ctx.name,
      ),
    ];
  });
};

/** Declared projects the key cannot see are unknown, not missing: the plan cannot tell whether to create them. */
export const projectsVisible: WorkspaceRule = (ctx) => {
  const unseen = unseenProjects(ctx.desired, ctx.ws);
  return unseen.length
    ? [
        finding(
          'projects-not-visible',
          { workspace: ctx.name, projects: unseen, ...(ctx.caller ? { caller: ctx.caller.username } : {}) },
          ctx.name,
        ),
      ]
    : [];
};
