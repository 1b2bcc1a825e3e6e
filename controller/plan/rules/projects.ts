/**
 * Projects: immutable identifiers, identifiers still being deleted, deleting a workspace that keeps
 * projects. Project roles the platform has, and a workspace role first, are the platform's rules,
 * decided by the dry run (../simulate).
 */
import { finding } from '../findings';
import type { WorkspaceRule } from './context';
import { unseenProjects } from '../workspace-steps';

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
