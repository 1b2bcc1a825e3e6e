/**
 * The project quota (seed: Set Workspace Quotas): only partners set it, never below the projects in
 * use; a project beyond it is refused. A project being deleted no longer counts.
 */
import { isValidQuota } from '../rules';
import { type Refusal, type Transition, appliedAs, refusal, refused } from './outcome';
import { type ModelContext, type WorkspaceModel, isKnown } from './state';

const usage = (ws: WorkspaceModel) => ws.projects.filter((p) => p.state === 'active').length;

export function setQuota(ws: WorkspaceModel, ctx: ModelContext, quota: number | null): Transition {
  if (isKnown(ctx.actor) && !ctx.actor.partner) return refused(ws, 'quota-needs-partner', 403, { workspace: ws.name });
  if (quota !== null && !isValidQuota(quota)) return refused(ws, 'quota-value', 400, { value: quota });
  const used = usage(ws);
  if (quota !== null && quota < used)
    return refused(ws, 'quota-below-usage', 400, { workspace: ws.name, quota, usage: used });
  return appliedAs({ ...ws, quota });
}

/** Why one more project does not fit, or undefined (also where the quota is unknown: the platform will say). */
export function quotaReached(ws: WorkspaceModel): Refusal | undefined {
  if (!isKnown(ws.quota) || ws.quota === null) return undefined;
  const projects = usage(ws);
  return projects >= ws.quota
    ? refusal('quota-reached', 400, { workspace: ws.name, quota: ws.quota, projects, creates: 1 })
    : undefined;
}
