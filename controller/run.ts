/** The controller's cycle, shared by the CLI commands and the tests: observe → plan → apply. */
import { StalePlanError, UsageError } from '../core/errors';
import type { DesiredState } from '../schemas/desired-state.generated';
import type { Plan } from '../schemas/plan.generated';
import { type ApplyOptions, type ApplyReport, apply } from './apply/apply';
import type { ApiClient } from './client/api';
import { type LiveState, workspaceFingerprint } from './observe/live-state';
import { withExpiredBindings } from './observe/history';
import { observe } from './observe/observe';
import { withSubjectLookups } from './observe/subjects';
import { needsExpiryHistory } from './plan/binding-steps';
import { subjectLookups } from './plan/rules/subjects';
import { type PlanOptions, plan } from './plan/plan';
import { approvalOf } from './plan/steps';

/** "Now" as the platform sees it: its clock where it exposes one (the sandbox), else this machine's. */
export async function platformNow(api: ApiClient): Promise<Date> {
  return (await api.extensions.capabilities()).includes('clock') ? api.extensions.clock() : new Date();
}

/**
 * Observes what the plan of `desired` needs, then plans. The first read is the state; a second one,
 * only where the first shows it is needed, reads the platform's history of expired bindings and
 * whether subjects about to be bound exist.
 */
export async function planAgainst(api: ApiClient, desired: DesiredState, options: PlanOptions, at?: Date): Promise<{ plan: Plan; live: LiveState }> {
  const now = at ?? (await platformNow(api));
  const selected = desired.workspaces.filter((w) => !options.workspaces || options.workspaces.includes(w.metadata.name));
  const declared = selected.flatMap((w) => [...w.bindings, ...w.projects.flatMap((p) => p.bindings)]);
  // Users are looked up by e-mail to recognise accepted invitations (a binding by e-mail).
  const invitedEmails = declared.flatMap((b) => (b.subject.invitation ? [b.subject.invitation.email] : []));
  // Group members are read where a user's project role may rest on a workspace role held through a group.
  const groupsOf = selected
    .filter((w) => w.bindings.some((b) => b.subject.kind === 'Group'))
    .filter((w) => w.projects.some((p) => p.bindings.some((b) => b.subject.kind === 'User' && !w.bindings.some((x) => x.subject.kind === 'User' && x.subject.name === b.subject.name))))
    .map((w) => w.metadata.name);
  const projectRoles = selected.some((w) => w.projects.some((p) => p.bindings.length > 0));
  const observed = await observe(api, { workspaces: selected.map((w) => w.metadata.name), now, invitedEmails, groupsOf, projectRoles });
  const lapsed = selected.filter((w) => needsExpiryHistory(w, observed.workspaces[w.metadata.name], observed)).map((w) => w.metadata.name);
  const live = await withSubjectLookups(api, await withExpiredBindings(api, observed, lapsed), subjectLookups(selected, observed));
  return { plan: plan(desired, live, options, now), live };
}

/** Workspaces whose observed state differs from what the plan was made on. */
export async function staleWorkspaces(api: ApiClient, saved: Plan): Promise<string[]> {
  const live = await observe(api, { workspaces: saved.workspaces.map((w) => w.name), now: new Date(saved.createdAt) });
  return saved.workspaces.filter((w) => workspaceFingerprint(live.workspaces[w.name]) !== w.fingerprint).map((w) => w.name);
}

/** Applies a saved plan, refusing it when it is stale or made for another platform (like Terraform's saved plans). */
export async function applySavedPlan(api: ApiClient, saved: Plan, endpoint: string, options: ApplyOptions = {}): Promise<ApplyReport> {
  if (saved.platform.endpoint !== endpoint) throw new UsageError(`the saved plan was made for ${saved.platform.endpoint}, not ${endpoint}`, 'plan-other-platform');
  if (saved.refusals.length) throw new UsageError('the saved plan was refused when it was made; fix the code and plan again', 'plan-refused');
  const stale = await staleWorkspaces(api, saved);
  if (stale.length) throw new StalePlanError(stale);
  return apply(api, saved, options);
}

export function hasChanges(p: Plan): boolean {
  return [...p.globalSteps, ...p.workspaces.flatMap((w) => w.steps)].some((s) => approvalOf(s) !== 'already-pending');
}
