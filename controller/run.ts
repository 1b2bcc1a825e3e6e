/** The controller's cycle, shared by the CLI commands and the tests: observe → plan → apply. */
import { canonicalJson, sha256Hex } from '../core/canonical-json';
import { PlanRefusedError, StalePlanError, UsageError } from '../core/errors';
import type { DesiredState } from '../schemas/desired-state.generated';
import type { Plan } from '../schemas/plan.generated';
import { type ApplyOptions, type ApplyReport, apply } from './apply/apply';
import type { ApiClient } from './client/api';
import type { LiveState } from './observe/live-state';
import { withExpiredBindings } from './observe/history';
import { observe } from './observe/observe';
import { withSubjectLookups } from './observe/subjects';
import { needsExpiryHistory } from './plan/binding-steps';
import { subjectLookups } from './plan/rules/subjects';
import { type PlanOptions, plan, planDigest } from './plan/plan';
import { judgePlan } from './plan/policies';
import { approvalOf } from './plan/steps';
import { findingMessage, stepSummary } from './render/describe';

/** "Now" as the platform sees it: its clock where it exposes one (the sandbox), else this machine's. */
export async function platformNow(api: ApiClient): Promise<Date> {
  return (await api.extensions.capabilities()).includes('clock') ? api.extensions.clock() : new Date();
}

/**
 * Observes what the plan of `desired` needs, then plans. The first read is the state; a second one,
 * only where the first shows it is needed, reads the platform's history of expired bindings and
 * whether subjects about to be bound exist.
 */
export async function planAgainst(
  api: ApiClient,
  desired: DesiredState,
  options: PlanOptions,
  at?: Date,
): Promise<{ plan: Plan; live: LiveState }> {
  const now = at ?? (await platformNow(api));
  const selected = desired.workspaces.filter(
    (w) => !options.workspaces || options.workspaces.includes(w.metadata.name),
  );
  const declared = selected.flatMap((w) => [...w.bindings, ...w.projects.flatMap((p) => p.bindings)]);
  // Users are looked up by e-mail to recognise accepted invitations (a binding by e-mail).
  const invitedEmails = declared.flatMap((b) => (b.subject.invitation ? [b.subject.invitation.email] : []));
  // Group members are read where a user's project role may rest on a workspace role held through a group.
  const groupsOf = selected
    .filter((w) => w.bindings.some((b) => b.subject.kind === 'Group'))
    .filter((w) =>
      w.projects.some((p) =>
        p.bindings.some(
          (b) =>
            b.subject.kind === 'User' &&
            !w.bindings.some((x) => x.subject.kind === 'User' && x.subject.name === b.subject.name),
        ),
      ),
    )
    .map((w) => w.metadata.name);
  const projectRoles = selected.some((w) => w.projects.some((p) => p.bindings.length > 0));
  // A full plan also looks for workspaces this stack owns that its code no longer declares.
  const ownedBy = options.workspaces || options.tagDefinitionsOnly ? {} : { ownedBy: desired.metadata.name };
  const observed = await observe(api, {
    workspaces: selected.map((w) => w.metadata.name),
    now,
    invitedEmails,
    groupsOf,
    projectRoles,
    ...ownedBy,
  });
  const lapsed = selected
    .filter((w) => needsExpiryHistory(w, observed.workspaces[w.metadata.name], observed))
    .map((w) => w.metadata.name);
  const live = await withSubjectLookups(
    api,
    await withExpiredBindings(api, observed, lapsed),
    subjectLookups(selected, observed),
  );
  return { plan: judgePlan(plan(desired, live, options, now), desired, live, options.policies ?? [], now), live };
}

export interface SavedPlanContext {
  readonly endpoint: string;
  /** The manifest as read now: the saved plan must have been made from exactly this. */
  readonly desired: DesiredState;
  /** The overrides given to this apply: one the saved plan was made with must be given again. */
  readonly overrides?: Pick<PlanOptions, Override>;
  /** The policies given to this apply: a plan judged by others is stale. */
  readonly policies?: PlanOptions['policies'];
  readonly now?: Date;
}

/** The plan options that let a refused plan through, and their flags: a saved plan carries them, and apply must be given them again. */
const OVERRIDES = [
  ['allowLastOwnerRemoval', '--allow-last-owner-removal'],
  ['allowSelfLockout', '--allow-self-lockout'],
  ['allowFewerApprovers', '--allow-fewer-approvers'],
  ['adoptUnowned', '--adopt'],
] as const;
type Override = (typeof OVERRIDES)[number][0];

const policyList = (p: Plan) =>
  p.policies?.length ? p.policies.map((s) => `${s.source} (sha256 ${s.sha256.slice(0, 12)})`).join(', ') : 'none';

/** The steps in which two plans differ, worded. */
function differences(saved: Plan, now: Plan): { workspaces: string[]; lines: string[] } {
  const stepsOf = (p: Plan) =>
    new Map([...p.globalSteps, ...p.workspaces.flatMap((w) => w.steps)].map((s) => [canonicalJson(s), s]));
  const [before, after] = [stepsOf(saved), stepsOf(now)];
  const added = [...after].filter(([k]) => !before.has(k)).map(([, s]) => s);
  const removed = [...before].filter(([k]) => !after.has(k)).map(([, s]) => s);
  const lines = [
    ...removed.map((s) => `in the saved plan, not planned now: ${stepSummary(s)}`),
    ...added.map((s) => `planned now, not in the saved plan: ${stepSummary(s)}`),
  ];
  const workspaces = [
    ...new Set([...added, ...removed].map((s) => ('workspace' in s ? s.workspace : '(tag definitions)'))),
  ].sort();
  return { workspaces, lines };
}

/**
 * The plan the manifest and the platform give now, made as the saved one was. A saved plan is only
 * a record of what was reviewed: apply trusts none of its steps, it plans again (every rule checked
 * again) and applies only when the result is the same plan, step for step.
 */
export async function rederive(
  api: ApiClient,
  saved: Plan,
  ctx: SavedPlanContext,
): Promise<{ fresh: Plan; stale: { workspaces: string[]; lines: string[] } }> {
  if (saved.platform.endpoint !== ctx.endpoint)
    throw new UsageError(
      `the saved plan was made for ${saved.platform.endpoint}, not ${ctx.endpoint}`,
      'plan-other-platform',
    );
  if (saved.refusals.length)
    throw new UsageError('the saved plan was refused when it was made; fix the code and plan again', 'plan-refused');
  if (sha256Hex(ctx.desired) !== saved.manifest.sha256) {
    throw new UsageError(
      'the saved plan was made from another manifest: synthesize the code the plan was reviewed for (its manifest is named by sha256 in the plan), or plan again',
      'plan-other-manifest',
    );
  }
  for (const [option, flag] of OVERRIDES) {
    if (saved.options[option] && ctx.overrides?.[option] !== true)
      throw new UsageError(
        `the saved plan was made with ${flag}: pass it to apply too, if you mean it`,
        'plan-override-missing',
      );
  }
  const options: PlanOptions = {
    endpoint: ctx.endpoint,
    ...(saved.options.workspaces ? { workspaces: saved.options.workspaces } : {}),
    ...(saved.options.tagDefinitionsOnly ? { tagDefinitionsOnly: true } : {}),
    ...Object.fromEntries(OVERRIDES.map(([option]) => [option, saved.options[option] === true])),
    ...(ctx.policies ? { policies: ctx.policies } : {}),
  };
  const { plan: fresh } = await planAgainst(api, ctx.desired, options, ctx.now);
  // The saved steps themselves, not the digest the file claims: a step appended to it is a difference.
  if (fresh.digest === planDigest(saved.globalSteps, saved.workspaces, saved.policies))
    return { fresh, stale: { workspaces: [], lines: [] } };
  const stale = differences(saved, fresh);
  if (canonicalJson(saved.policies ?? []) !== canonicalJson(fresh.policies ?? []))
    stale.lines.push(`judged by other policies: the saved plan by ${policyList(saved)}, now by ${policyList(fresh)}`);
  return {
    fresh,
    stale: stale.lines.length
      ? stale
      : { workspaces: fresh.workspaces.map((w) => w.name), lines: ['the same steps, in another order'] },
  };
}

/** Applies a saved plan: only when planning again gives the same steps (a changed platform, or an altered file, is refused). */
export async function applySavedPlan(
  api: ApiClient,
  saved: Plan,
  ctx: SavedPlanContext,
  options: ApplyOptions = {},
): Promise<ApplyReport> {
  const { fresh, stale } = await rederive(api, saved, ctx);
  if (fresh.refusals.length) throw refusedError(fresh);
  if (stale.lines.length) throw new StalePlanError(stale.workspaces, stale.lines);
  return apply(api, fresh, options);
}

export function refusedError(p: Plan): PlanRefusedError {
  return new PlanRefusedError(
    p.refusals.map((r) => ({ workspace: r.workspace ?? '*', rule: r.rule, message: findingMessage(r) })),
  );
}

export function hasChanges(p: Plan): boolean {
  return [...p.globalSteps, ...p.workspaces.flatMap((w) => w.steps)].some((s) => approvalOf(s) !== 'already-pending');
}
