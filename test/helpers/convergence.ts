/**
 * How many applies a plan takes to converge. Under 4-eyes the plan keeps a subject's old binding (or
 * leaves a project grant out) while a new grant may wait for approval for some key, whichever key
 * applies it (core/model mayBeHeld): when the applying key's grant took effect at once, the next
 * plan finishes the job. Any other plan converges in one apply.
 */
import { type ApiClient } from '../../controller/client/api';
import { apply } from '../../controller/apply/apply';
import { stepSummary } from '../../controller/render/describe';
import type { Plan } from '../../schemas/plan.generated';

const DEFERRING = new Set(['kept-until-approved', 'project-grant-waits']);

/** Whether the plan defers a step to the next run because a grant may wait for approval. */
function defersToNextRun(plan: Plan): boolean {
  return plan.workspaces.some((w) => w.notes.some((n) => DEFERRING.has(n.rule)));
}

/**
 * The steps still left once the platform took `applied`: the plan after it, after one more apply
 * where `applied` deferred a step (none when that apply's grants wait for approval).
 */
export async function stepsLeftAfter(applied: Plan, replan: () => Promise<Plan>, api: ApiClient): Promise<string[]> {
  let again = await replan();
  if (defersToNextRun(applied) && (again.workspaces.some((w) => w.steps.length) || again.globalSteps.length)) {
    const report = await apply(api, again);
    const failed = report.results.filter((r) => r.status === 'failed');
    if (failed.length) return failed.map((r) => `failed on the second run: ${stepSummary(r.step)}`);
    // A grant of that run that waits for approval is a change still to make, as in the first.
    if (report.counts['pending-approval'] || report.counts.waiting) return [];
    again = await replan();
  }
  return [...again.globalSteps, ...again.workspaces.flatMap((w) => w.steps)].map(stepSummary);
}
