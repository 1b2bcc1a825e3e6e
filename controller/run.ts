/** The controller's cycle, shared by the CLI commands and the tests: observe → plan → apply. */
import { canonicalJson, sha256Hex } from '../core/canonical-json';
import { DigestMismatchError, PlanRefusedError, StalePlanError, UsageError } from '../core/errors';
import type { DesiredState } from '../schemas/desired-state.generated';
import type { Plan } from '../schemas/plan.generated';
import { type AnyStep, type ApplyOptions, type ApplyReport, apply } from './apply/apply';
import type { ApiClient } from './client/api';
import { explainingForbidden } from './forbidden-workspace';
import type { LiveState } from './observe/live-state';
import { observeMore } from './observe/more';
import { withUndefinedTags } from './observe/estate-tags';
import { withOwnershipTagRemovals } from './observe/history';
import { observe } from './observe/observe';
import { firstFacts, moreFacts, plannedWorkspaces, untaggedOwned } from './plan/facts';
import { type PlanOptions, plan, planDigest } from './plan/plan';
import { judgePlan } from './plan/policies';
import type { PolicySource } from '../core/policy/policy-file';
import { policySources } from '../core/policy/sources';
import { approvalOf, reviewedStep } from './plan/steps';
import { fieldChanges, findingMessage, stepSummary } from './render/describe';

/** "Now" as the platform sees it: its clock where it exposes one (the sandbox), else this machine's. */
export async function platformNow(api: ApiClient): Promise<Date> {
  return (await api.extensions.capabilities()).includes('clock') ? api.extensions.clock() : new Date();
}

/**
 * Observes the facts the plan of `desired` declares it needs (plan/facts.ts), then plans. The first
 * read is the state; a second one, only where the first shows it is needed, reads the platform's
 * history of expired bindings and whether subjects about to be bound exist.
 */
export async function planAgainst(
  api: ApiClient,
  desired: DesiredState,
  options: PlanOptions,
  at?: Date,
): Promise<{ plan: Plan; live: LiveState }> {
  // The code's policies are compiled (and checked against the organisation's) before any platform call.
  const policies = policySources(desired, options.policies);
  // A 403 on a declared workspace names it and the ones this key can plan, not only a URL.
  const declared = desired.workspaces.map((w) => w.metadata.name);
  return explainingForbidden(api, declared, () => observeAndPlan(api, desired, options, policies, at));
}

async function observeAndPlan(
  api: ApiClient,
  desired: DesiredState,
  options: PlanOptions,
  policies: readonly PolicySource[],
  at?: Date,
): Promise<{ plan: Plan; live: LiveState }> {
  const now = at ?? (await platformNow(api));
  const observed = await observe(api, { ...firstFacts(desired, options), now });
  const live = await withUndefinedTags(
    api,
    await withOwnershipTagRemovals(
      api,
      await observeMore(api, observed, moreFacts(plannedWorkspaces(desired, options), observed)),
      untaggedOwned(desired, options, observed),
    ),
    desired,
  );
  return { plan: judgePlan(plan(desired, live, options, now), desired, live, policies, now), live };
}

/** What one plan-then-apply did: refused, nothing to change, declined at the question, or applied. */
export type Outcome =
  | { readonly kind: 'refused'; readonly plan: Plan }
  /** Nothing to change; the report says which grants an earlier apply requested still wait (apply calls nothing for them). */
  | { readonly kind: 'unchanged'; readonly plan: Plan; readonly report: ApplyReport }
  | { readonly kind: 'declined'; readonly plan: Plan }
  | { readonly kind: 'applied'; readonly plan: Plan; readonly report: ApplyReport };

export interface PlanThenApplyOptions {
  /** "Now"; the platform's clock where not given. */
  readonly at?: Date;
  /** The digest of the plan a reviewer saw: any other plan is not applied (DigestMismatchError). */
  readonly expectDigest?: string;
  /** Shown the plan before anything is applied. */
  readonly onPlan?: (plan: Plan) => void;
  /** Asked once the plan has changes, before they are applied: false declines. */
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  readonly apply?: ApplyOptions;
}

/**
 * The one workflow of every command that changes the platform (`apply`, `reconcile`, the provider):
 * observe and plan; a refused plan, or one without changes, stops there; otherwise apply it.
 */
export async function planThenApply(
  api: ApiClient,
  desired: DesiredState,
  options: PlanOptions,
  how: PlanThenApplyOptions = {},
): Promise<Outcome> {
  const { plan } = await planAgainst(api, desired, options, how.at);
  how.onPlan?.(plan);
  if (plan.refusals.length) return { kind: 'refused', plan };
  if (how.expectDigest !== undefined && plan.digest !== how.expectDigest)
    throw new DigestMismatchError(how.expectDigest, plan.digest);
  if (!hasChanges(plan)) return { kind: 'unchanged', plan, report: await apply(api, plan) };
  if (how.confirm && !(await how.confirm(plan))) return { kind: 'declined', plan };
  return { kind: 'applied', plan, report: await apply(api, plan, how.apply) };
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

/**
 * The steps in which two plans differ, as a reviewer approves them (reviewedStep), worded: a step of
 * both (the same id) with the fields that changed, saved value → value now.
 */
function differences(saved: Plan, now: Plan): { workspaces: string[]; lines: string[] } {
  const stepsOf = (p: Plan) =>
    new Map([...p.globalSteps, ...p.workspaces.flatMap((w) => w.steps)].map((s) => [s.id, s]));
  const [before, after] = [stepsOf(saved), stepsOf(now)];
  const same = (a: AnyStep, b: AnyStep) => canonicalJson(reviewedStep(a)) === canonicalJson(reviewedStep(b));
  const removed = [...before.values()].filter((s) => !after.has(s.id));
  const added = [...after.values()].filter((s) => !before.has(s.id));
  const changed = [...after.values()].filter((s) => before.has(s.id) && !same(before.get(s.id)!, s));
  const lines = [
    ...removed.map((s) => `in the saved plan, not planned now: ${stepSummary(s)}`),
    ...added.map((s) => `planned now, not in the saved plan: ${stepSummary(s)}`),
    ...changed.map(
      (s) =>
        `changed since the saved plan: ${stepSummary(s)} (${fieldChanges(reviewedStep(before.get(s.id)!), reviewedStep(s)).join('; ')})`,
    ),
  ];
  const workspaces = [
    ...new Set([...added, ...removed, ...changed].map((s) => ('workspace' in s ? s.workspace : '(tag definitions)'))),
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

function refusedError(p: Plan): PlanRefusedError {
  return new PlanRefusedError(
    p.refusals.map((r) => ({ workspace: r.workspace ?? '*', rule: r.rule, message: findingMessage(r) })),
  );
}

export function hasChanges(p: Plan): boolean {
  return [...p.globalSteps, ...p.workspaces.flatMap((w) => w.steps)].some((s) => approvalOf(s) !== 'already-pending');
}
