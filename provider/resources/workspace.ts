/**
 * meshform_workspace, backed by meshform's own cycle for one workspace: observe → plan → apply, with
 * every rule, refusal and ordering of `meshform plan`.
 *
 * ReadResource shows drift as meshform sees it: it plans the state's own declaration against the
 * platform and writes each step's "before" back into the state (a grant still to make drops the
 * binding, an out-of-band binding an authoritative workspace would remove appears, a changed display
 * name or tag shows its live value). Drift meshform would not act on is not drift here either, so
 * the platform's normalisations (injected tag defaults, date-only expiries) never show as changes.
 */
import { PROJECT_FIELDS, WORKSPACE_FIELDS } from '../../core/declaration';
import { isExpired } from '../../core/expiry';
import { OWNERSHIP_TAG_KEY, owningStackOf } from '../../core/rules';
import type { ApiClient } from '../../controller/client/api';
import { importEstate } from '../../controller/import/model';
import { observe } from '../../controller/observe/observe';
import type { PlanOptions } from '../../controller/plan/plan';
import { approvalOf, isGrant, isRemoval } from '../../controller/plan/steps';
import { findingMessage } from '../../controller/render/describe';
import { resultLine, stepLine } from '../../controller/render/text';
import { planAgainst, planThenApply, platformNow } from '../../controller/run';
import type { PolicySource } from '../../core/policy/policy-file';
import type { DesiredState } from '../../schemas/desired-state.generated';
import type { Attributes, GrantStep, Plan, Step } from '../../schemas/plan.generated';
import type { WorkspaceEntry } from '../../schemas/workspace-data.generated';
import { UNKNOWN, copyValue, hasUnknown, isObject } from '../protocol/values';
import { type StackSettings, desiredState } from './desired';
import { ALLOWABLE, type Diagnostic, error, findingDiagnostic, overrideOf, warning } from './diagnostics';
import {
  BINDING_STATUS,
  type Obj,
  bindingKey,
  bindingLists,
  entryOf,
  objects,
  text,
  valueOf,
  withDefaults,
} from './workspace-value';

export interface ResourceContext {
  readonly api: ApiClient;
  readonly endpoint: string;
  readonly settings: StackSettings;
  /** The organisation's policies (the provider's `policy` file), judged in every plan. */
  readonly policies?: readonly PolicySource[];
}

const clone = (v: Obj): Obj => copyValue(v) as Obj;
const allowed = (v: Obj): string[] =>
  Array.isArray(v.allow) ? v.allow.filter((x): x is string => typeof x === 'string') : [];

/** The binding list a step is about (the workspace's, or its project's), where the value has it. */
const listOf = (v: Obj, project: string | undefined) => bindingLists(v).find((l) => l.project === (project ?? ''));

const stepKey = (kind: string, name: string, role: string) => `${kind}:${name}:${role}`;
/** A grant step's binding, as `${project}|${bindingKey}` names a binding value. */
const grantKey = (s: GrantStep) =>
  `${s.project ?? ''}|${stepKey(s.grant.subject.kind, s.grant.subject.name, s.grant.role)}`;

/** Display name and tags as they are live, for the keys the state declares or the step changes (the ownership tag is meshform's, not the resource's). */
function liveAttributes(target: Obj, before: Attributes, after: Attributes): void {
  target.display_name = before.displayName;
  const declared = isObject(target.tags) ? target.tags : {};
  const changed = [...new Set([...Object.keys(before.tags), ...Object.keys(after.tags)])].filter(
    (k) => JSON.stringify(before.tags[k]) !== JSON.stringify(after.tags[k]),
  );
  const tags: Obj = {};
  // A step names only the tags that differ: a declared tag it does not name is live as declared.
  for (const k of new Set([...Object.keys(declared), ...changed])) {
    const live = changed.includes(k) ? before.tags[k] : declared[k];
    if (k !== OWNERSHIP_TAG_KEY && live !== undefined) tags[k] = live;
  }
  target.tags = Object.keys(tags).length || isObject(target.tags) ? tags : null;
}

/** The state as the platform has it: each step of planning the state's declaration, undone. */
export function driftedState(state: Obj, steps: readonly Step[], now: Date): Obj | null {
  const out = clone(state);
  for (const b of bindingLists(out).flatMap((l) => l.bindings)) {
    b.status =
      typeof b.expiry_date === 'string' && isExpired(b.expiry_date, now)
        ? BINDING_STATUS.expired
        : BINDING_STATUS.active;
  }
  for (const s of steps) {
    if (s.kind === 'workspace' && s.action === 'create') return null;
    if (s.kind === 'workspace' && s.action === 'update') {
      liveAttributes(out, s.before, s.after);
      if (s.before.tags[OWNERSHIP_TAG_KEY]?.[0] !== s.after.tags[OWNERSHIP_TAG_KEY]?.[0])
        out.owner_stack = s.before.tags[OWNERSHIP_TAG_KEY]?.[0] ?? null;
    }
    if (s.kind === 'workspace-status' && s.before) out.status = s.before;
    if (s.kind === 'workspace-quota') out.project_quota = s.before;
    if (s.kind === 'project' && s.action === 'create')
      out.project = objects(out.project).filter((p) => p.identifier !== s.project);
    if (s.kind === 'project' && s.action === 'update') {
      const p = objects(out.project).find((x) => x.identifier === s.project);
      if (p) liveAttributes(p, s.before, s.after);
    }
    const list = listOf(out, 'project' in s ? s.project : undefined);
    if (isGrant(s) && list) {
      const key = stepKey(s.grant.subject.kind, s.grant.subject.name, s.grant.role);
      if (s.reason === 'missing') list.holder.binding = list.bindings.filter((b) => bindingKey(b) !== key);
      else
        for (const b of list.bindings.filter((x) => bindingKey(x) === key))
          b.expiry_date = s.replaces?.expiryDate ?? null;
    }
    if (isRemoval(s) && s.reason !== 'replaced' && list) {
      const key = stepKey(s.binding.subjectKind, s.binding.subject, s.binding.role);
      const declared = list.bindings.find((b) => bindingKey(b) === key);
      // Still on the platform: an expired binding it has not removed yet, or one the code does not declare.
      if (declared) declared.status = BINDING_STATUS.active;
      else {
        const subject =
          s.binding.subjectKind === 'Group'
            ? { user: null, group: s.binding.subject }
            : { user: s.binding.subject, group: null };
        list.holder.binding = [
          ...list.bindings,
          {
            role: s.binding.role,
            ...subject,
            invite: null,
            expiry_date: s.binding.expiryDate ?? null,
            reason: null,
            status: BINDING_STATUS.active,
          },
        ];
      }
    }
  }
  return out;
}

function planOptions(ctx: ResourceContext, v: Obj): PlanOptions {
  return {
    endpoint: ctx.endpoint,
    workspaces: [text(v.identifier)],
    ...overrideOf(allowed(v)),
    ...(ctx.policies ? { policies: ctx.policies } : {}),
  };
}

/** The desired state of one workspace entry, through the constructs; none where its manifest rules fail. */
function desiredOf(
  ctx: ResourceContext,
  entry: WorkspaceEntry,
  now: Date,
): { state?: DesiredState; diagnostics: Diagnostic[] } {
  let built;
  try {
    built = desiredState(ctx.settings, now, [entry]);
  } catch (e) {
    return { diagnostics: [error('meshform: invalid workspace', (e as Error).message)] };
  }
  const diagnostics = built.findings.map((f) =>
    (f.severity === 'error' ? error : warning)(
      `meshform: ${f.rule}`,
      `${f.message}\nRule: ${f.rule} (at ${f.path.replace(/^\$\.workspaces\[0\]\.?/, '') || 'the workspace'})`,
    ),
  );
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { state: built.state, diagnostics };
}

async function planFor(
  ctx: ResourceContext,
  v: Obj,
  entry: WorkspaceEntry,
  now: Date,
): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
  const { state, diagnostics } = desiredOf(ctx, entry, now);
  if (!state) return { diagnostics };
  const { plan } = await planAgainst(ctx.api, state, planOptions(ctx, v), now);
  return { plan, diagnostics };
}

const stepsOf = (p: Plan, name: string): Step[] => p.workspaces.find((w) => w.name === name)?.steps ?? [];

export async function readWorkspace(
  ctx: ResourceContext,
  state: Obj,
): Promise<{ state: Obj | null; diagnostics: Diagnostic[] }> {
  const now = await platformNow(ctx.api);
  const { plan } = await planFor(ctx, state, entryOf(state), now);
  // A state that no longer plans (a rule tightened since) is shown as it was; plan says why.
  if (!plan) return { state, diagnostics: [] };
  return { state: driftedState(state, stepsOf(plan, text(state.identifier)), now), diagnostics: [] };
}

/** Each binding's status after apply: known where no step touches it, unknown where a grant decides it (4-eyes may hold it back). */
function plannedStatuses(planned: Obj, prior: Obj | null, steps: readonly Step[] | undefined, now: Date): void {
  const grants = new Set((steps ?? []).filter(isGrant).map(grantKey));
  for (const { project, bindings } of bindingLists(planned)) {
    const before = (prior && listOf(prior, project)?.bindings) || [];
    for (const b of bindings) {
      if (typeof b.expiry_date === 'string' && isExpired(b.expiry_date, now)) b.status = BINDING_STATUS.expired;
      else if (!steps || grants.has(`${project}|${bindingKey(b)}`)) b.status = UNKNOWN;
      else
        b.status =
          (before.find((x) => bindingKey(x) === bindingKey(b))?.status as string | undefined) ?? BINDING_STATUS.active;
    }
  }
}

function approvalWarnings(steps: readonly Step[]): Diagnostic[] {
  return steps.filter(isGrant).flatMap((s) => {
    const approval = approvalOf(s);
    if (approval === 'needs-approval')
      return [
        warning(
          'meshform: 4-eyes approval',
          `${stepLine(s)}\nmeshStack holds this grant until ${s.approvers?.length ? s.approvers.join(' or ') : 'a second person'} approves it (meshPanel: Workspace Access > Access Requests). Apply requests it; until it is approved the binding is "waiting for approval" and every plan shows it again.`,
        ),
      ];
    if (approval === 'already-pending')
      return [
        warning(
          'meshform: waiting for approval',
          `${stepLine(s)}\nRequested by an earlier apply and not approved yet: apply does not request it again; the binding shows in the state once it is approved.`,
        ),
      ];
    return [];
  });
}

/** The declaration a destroy applies: the workspace and its projects marked for deletion with the state's reason. */
function deletionEntry(prior: Obj): WorkspaceEntry {
  const entry = entryOf(prior);
  const deletion = { reason: text(prior.deletion_reason) };
  return {
    ...entry,
    deletion,
    projects: (entry.projects ?? []).map((p) => ({ ...p, deletion: p.deletion ?? deletion })),
  };
}

function refusals(plan: Plan, atPlanTime: boolean): Diagnostic[] {
  // A tag definition this configuration creates exists only after apply: at plan time that is a warning, apply checks it for real.
  return plan.refusals.map((f) => findingDiagnostic(f, atPlanTime && f.rule === 'tag-undefined' ? 'warning' : 'error'));
}

export interface PlanResult {
  readonly planned: Obj | null;
  readonly diagnostics: Diagnostic[];
}

export async function planWorkspaceResource(
  ctx: ResourceContext,
  prior: Obj | null,
  proposed: Obj | null,
): Promise<PlanResult> {
  const now = await platformNow(ctx.api);
  if (!proposed) {
    if (!prior) return { planned: null, diagnostics: [] };
    if (typeof prior.deletion_reason !== 'string' || !prior.deletion_reason) {
      return {
        planned: prior,
        diagnostics: [
          error(
            'meshform deletes a workspace only with a reason',
            `Destroying meshform_workspace "${text(prior.identifier)}" would delete the meshStack workspace and its projects. Set deletion_reason = "…" on it and apply, then destroy; or, to stop managing it without deleting it, use a removed block with lifecycle { destroy = false } (or terraform state rm).`,
          ),
        ],
      };
    }
    const { plan, diagnostics } = await planFor(ctx, prior, deletionEntry(prior), now);
    return { planned: null, diagnostics: [...diagnostics, ...(plan ? refusals(plan, false) : [])] };
  }
  if (prior && typeof proposed.identifier === 'string' && prior.identifier !== proposed.identifier) {
    return {
      planned: proposed,
      diagnostics: [
        error(
          'meshStack identifiers are immutable',
          `The workspace identifier cannot change from "${text(prior.identifier)}" to "${text(proposed.identifier)}", and meshform never replaces a workspace: declare a new meshform_workspace, and delete this one with deletion_reason if it should go.`,
          ['identifier'],
        ),
      ],
    };
  }
  const unknownAllow = allowed(proposed).filter((a) => !ALLOWABLE.includes(a));
  if (unknownAllow.length)
    return {
      planned: proposed,
      diagnostics: [
        error(
          'meshform: unknown override',
          `allow may hold ${ALLOWABLE.map((a) => `"${a}"`).join(', ')}; got ${unknownAllow.map((a) => `"${a}"`).join(', ')}.`,
          ['allow'],
        ),
      ],
    };
  const planned = clone(proposed);
  planned.id = planned.identifier;
  planned.owner_stack = ctx.settings.stack;
  withDefaults(WORKSPACE_FIELDS, planned);
  for (const p of objects(planned.project)) withDefaults(PROJECT_FIELDS, p);
  if (hasUnknown(planned)) {
    // Values only known after apply (references to other resources): meshform plans at apply.
    plannedStatuses(planned, prior, undefined, now);
    return { planned, diagnostics: [] };
  }
  const { plan, diagnostics } = await planFor(ctx, planned, entryOf(planned), now);
  if (!plan) return { planned, diagnostics };
  const steps = stepsOf(plan, text(planned.identifier));
  plannedStatuses(planned, prior, steps, now);
  return {
    planned,
    diagnostics: [
      ...diagnostics,
      ...refusals(plan, true),
      ...plan.warnings.map((f) => findingDiagnostic(f, 'warning')),
      ...approvalWarnings(steps),
    ],
  };
}

export async function applyWorkspace(
  ctx: ResourceContext,
  prior: Obj | null,
  planned: Obj | null,
): Promise<{ state: Obj | null; diagnostics: Diagnostic[] }> {
  const now = await platformNow(ctx.api);
  const target = planned ?? prior!;
  const { state: desired, diagnostics } = desiredOf(ctx, planned ? entryOf(planned) : deletionEntry(prior!), now);
  if (!desired) return { state: prior, diagnostics };
  const outcome = await planThenApply(ctx.api, desired, planOptions(ctx, target), { at: now });
  const plan = outcome.plan;
  if (outcome.kind === 'refused') return { state: prior, diagnostics: [...diagnostics, ...refusals(plan, false)] };
  const results = outcome.kind === 'declined' ? [] : outcome.report.results;
  const failed = results.filter((r) => r.status === 'failed' || r.status === 'skipped');
  if (failed.length) {
    const lines = results.map(resultLine).join('\n');
    return {
      state: prior,
      diagnostics: [
        error(
          `meshform: ${failed.length} of ${results.length} step(s) not applied`,
          `${lines}\nWhat was applied stays applied; plan and apply again to finish (meshform converges).`,
        ),
      ],
    };
  }
  if (!planned) {
    // meshStack deletes projects asynchronously: the workspace itself goes in a later run, so Terraform must keep it until then.
    const waits = plan.workspaces.flatMap((w) => w.notes).filter((n) => n.rule === 'deletion-waits');
    if (waits.length)
      return {
        state: prior,
        diagnostics: [
          error(
            'meshform: the workspace is deleted in a later run',
            `${waits.map(findingMessage).join('\n')}\nRun terraform destroy (or apply) again once meshStack has finished deleting the projects.`,
          ),
        ],
      };
    return { state: null, diagnostics };
  }
  const state = clone(planned);
  const statuses = new Map(results.flatMap((r) => (isGrant(r.step) ? [[grantKey(r.step), r.status] as const] : [])));
  for (const { project, bindings } of bindingLists(state)) {
    for (const b of bindings.filter((x) => x.status === UNKNOWN))
      b.status =
        statuses.get(`${project}|${bindingKey(b)}`) === 'pending-approval'
          ? BINDING_STATUS.waiting
          : BINDING_STATUS.active;
  }
  const waiting = results.filter((r) => r.status === 'pending-approval');
  const waits = waiting.map((r) =>
    warning(
      'meshform: waiting for 4-eyes approval',
      `${resultLine(r)}\nThe grant is requested, not in effect: the binding is "waiting for approval", and the next plan shows it again until it is approved.`,
    ),
  );
  return { state, diagnostics: [...diagnostics, ...waits] };
}

/**
 * Import writes nothing (Terraform imports during plan): a workspace no stack owns is imported with
 * adopt = true, and the plan shows its claim as owner_stack null → this stack.
 */
export async function importWorkspace(
  ctx: ResourceContext,
  id: string,
): Promise<{ state: Obj | null; diagnostics: Diagnostic[] }> {
  const now = await platformNow(ctx.api);
  const live = await observe(ctx.api, { workspaces: [id], now });
  if (!live.workspaces[id])
    return {
      state: null,
      diagnostics: [
        error('meshform: no such workspace', `The platform has no workspace "${id}" that this key can see.`),
      ],
    };
  const estate = importEstate(live, { bindingManagement: 'authoritative', stack: ctx.settings.stack, adopt: true });
  const imported = estate.workspaces[0];
  if (!imported)
    return {
      state: null,
      diagnostics: [error('meshform: workspace owned by another stack', estate.notes.map((n) => n.text).join('\n'))],
    };
  const notes = imported.notes.map((n) =>
    warning('meshform import', `${n.project ? `project ${n.project}: ` : ''}${n.text}`),
  );
  return {
    state: { ...valueOf(imported.entry), owner_stack: owningStackOf(live.workspaces[id].tags) ?? null },
    diagnostics: notes,
  };
}
