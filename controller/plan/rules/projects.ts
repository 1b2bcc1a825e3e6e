/**
 * Projects, meshform's own checks: a project that looks renamed, a referenced workspace that is not
 * there, projects the key cannot see. The platform's rules (identifiers deleted or still being
 * deleted, a workspace that keeps projects, project roles, a workspace role first) are decided by
 * the dry run (../simulate).
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
