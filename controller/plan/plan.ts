/**
 * plan(): a pure function of (desired, observed, options, now). It works out the steps that turn the
 * observed platform into the desired state, in a safe order (./binding-steps, ./workspace-steps),
 * then runs the named rules (./rules) over each workspace's steps; any refusal refuses the plan.
 * Steps and findings are structured data: render/ words them. No I/O.
 */
import { canonicalJson, sha256Hex } from '../../core/canonical-json';
import { expire } from '../../core/model';
import { OWNERSHIP_TAG_DEFINITION } from '../../core/rules';
import type { DesiredState, TagDefinition, Workspace } from '../../schemas/desired-state.generated';
import type { Finding, Plan, Step, TagDefinitionStep, WorkspacePlan } from '../../schemas/plan.generated';
import { type LiveState, type LiveWorkspaceState, workspaceFingerprint } from '../observe/live-state';
import { type BindingContext, planBindings } from './binding-steps';
import { modelContext, simulate, workspaceModel } from './simulate';
import { Findings, finding } from './findings';
import type { PlanOptions } from './options';
import { ownershipDefinitionFor, undefinedTagRefusals, withOwnership } from './ownership';
import { WORKSPACE_RULES } from './rules';
import { approvalOf, reviewedStep } from './steps';
import {
  deletionSteps,
  projectDeletions,
  projectSteps,
  unseenProjects,
  quotaStep,
  statusStep,
  workspaceAttributeStep,
} from './workspace-steps';

export type { PlanOptions } from './options';

/** Equality of JSON values regardless of key order. */
const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

export function plan(declared: DesiredState, live: LiveState, options: PlanOptions, now: Date): Plan {
  const desired = withOwnership(declared, live);
  const global = planGlobal(desired, live, options);
  const refusals = [...global.refusals];
  const warnings = [...global.warnings];
  const workspaces = global.selected.map((w) => {
    const result = planWorkspace(w, global.after, live.workspaces[w.metadata.name], {
      options,
      now,
      recertification: global.recertification,
      stack: desired.metadata.name,
    });
    refusals.push(...result.findings.refusals);
    warnings.push(...result.findings.warnings);
    return result.plan;
  });
  return {
    apiVersion: 'meshform.io/v2',
    kind: 'Plan',
    createdAt: now.toISOString(),
    manifest: { name: desired.metadata.name, sha256: sha256Hex(declared) },
    options: {
      ...(options.workspaces ? { workspaces: [...options.workspaces] } : {}),
      ...(options.tagDefinitionsOnly ? { tagDefinitionsOnly: true } : {}),
      allowLastOwnerRemoval: options.allowLastOwnerRemoval === true,
      allowSelfLockout: options.allowSelfLockout === true,
      ...(options.allowFewerApprovers ? { allowFewerApprovers: true } : {}),
      ...(options.adoptUnowned ? { adoptUnowned: true } : {}),
    },
    digest: planDigest(global.steps, workspaces),
    platform: {
      endpoint: options.endpoint,
      version: live.platform.version,
      fourEyes: live.platform.fourEyes.enabled,
      capabilities: [...live.platform.capabilities].sort(),
      ...(live.caller ? { caller: { username: live.caller.username, partner: live.caller.partner } } : {}),
    },
    globalSteps: global.steps,
    workspaces,
    refusals,
    warnings,
    summary: summarize(global.steps, workspaces),
  };
}

/**
 * What is planned once for the whole stack: which workspaces, the tag definitions, the findings about
 * the platform and the options, and the state the workspaces' steps are checked against (the tag
 * definitions as they will be once the global steps ran).
 */
function planGlobal(desired: DesiredState, live: LiveState, options: PlanOptions) {
  const refusals: Finding[] = [];
  const warnings: Finding[] = [];
  const caller = live.caller;
  if (!caller) warnings.push(finding('caller-unknown', {}));
  if (live.platform.fourEyes.enabled && !live.platform.capabilities.includes('role-requests'))
    warnings.push(finding('requests-invisible', {}));
  const selected = options.tagDefinitionsOnly
    ? []
    : desired.workspaces.filter((w) => !options.workspaces || options.workspaces.includes(w.metadata.name));
  const skipped = options.notPlanned?.workspaces ?? [];
  if (skipped.length)
    warnings.push(
      finding('not-planned', { count: skipped.length, names: [...skipped], base: options.notPlanned!.base }),
    );
  const removed = options.notPlanned?.removed ?? [];
  if (removed.length)
    warnings.push(finding('removed-from-code', { names: [...removed], base: options.notPlanned!.base }));
  for (const n of (options.workspaces ?? []).filter((n) => !desired.workspaces.some((w) => w.metadata.name === n)))
    refusals.push(finding('unknown-workspace', { workspace: n }, n));
  const left = (live.leftTheCode ?? []).filter((n) => !desired.workspaces.some((w) => w.metadata.name === n));
  if (left.length) warnings.push(finding('left-the-code', { stack: desired.metadata.name, names: left }));
  // A scoped plan (one Terraform anchor) leaves tag definitions alone, except the ownership tag's, which its workspaces need.
  const steps =
    options.workspaces && !options.tagDefinitionsOnly
      ? planTagDefinitions({ ...desired, tagDefinitions: ownershipDefinitionFor(desired, selected) }, live)
      : planTagDefinitions(desired, live);
  refusals.push(...undefinedTagRefusals(steps, live));
  if (steps.length && caller && !caller.partner) {
    const others = steps.filter((s) => s.definition.metadata.name !== OWNERSHIP_TAG_DEFINITION.metadata.name);
    if (others.length)
      refusals.push(finding('tag-definition-needs-partner', { count: others.length, caller: caller.username }));
    if (others.length < steps.length)
      refusals.push(finding('ownership-tag-needs-partner', { caller: caller.username }));
  }
  // The platform's recertification settings where it shows them, else the code's RolePolicy: the known maximum.
  const recertification =
    live.platform.recertification ??
    Object.fromEntries(desired.rolePolicy.recertification.map((r) => [r.role, r.maxDurationDays]));
  // Workspace steps run after the global ones: their tags are checked against the definitions as they will be then.
  const definitions = [
    ...live.tagDefinitions.filter((d) => !steps.some((s) => s.definition.metadata.name === d.metadata.name)),
    ...steps.map((s) => s.definition),
  ];
  const after: LiveState = { ...live, tagDefinitions: definitions };
  return { steps, refusals, warnings, selected, recertification, after };
}

/** The plan's counts: what it adds, changes, removes, and what waits for approval. */
function summarize(globalSteps: readonly TagDefinitionStep[], workspaces: readonly WorkspacePlan[]): Plan['summary'] {
  const all: Step[] = workspaces.flatMap((w) => w.steps);
  return {
    add:
      globalSteps.filter((s) => s.action === 'create').length +
      all.filter((s) => s.action === 'create' && approvalOf(s) !== 'already-pending').length,
    change: globalSteps.filter((s) => s.action === 'update').length + all.filter((s) => s.action === 'update').length,
    remove: all.filter((s) => s.action === 'delete' && s.reason !== 'expired').length,
    expired: all.filter((s) => s.action === 'delete' && s.reason === 'expired').length,
    needApproval: all.filter((s) => approvalOf(s) === 'needs-approval').length,
    alreadyPending: all.filter((s) => approvalOf(s) === 'already-pending').length,
  };
}

/**
 * What the plan does, as one hash: its steps in order, per workspace (not when it was made, nor what
 * it observed, nor who applies it: see reviewedStep), and the policies that judged it, where there
 * were any (a saved plan re-derived under other policies is stale).
 */
export function planDigest(
  globalSteps: readonly Step[] | readonly TagDefinitionStep[],
  workspaces: readonly Pick<WorkspacePlan, 'name' | 'steps'>[],
  policies?: Plan['policies'],
): string {
  return `sha256:${sha256Hex({
    globalSteps,
    workspaces: workspaces.map((w) => ({ name: w.name, steps: w.steps.map(reviewedStep) })),
    ...(policies?.length ? { policies } : {}),
  })}`;
}

/** Tag definitions: compared on what the code declares (the platform may keep more, e.g. sortOrder). */
function planTagDefinitions(desired: DesiredState, live: LiveState): TagDefinitionStep[] {
  const steps: TagDefinitionStep[] = [];
  for (const def of desired.tagDefinitions) {
    const existing: TagDefinition | undefined = live.tagDefinitions.find((d) => d.metadata.name === def.metadata.name);
    if (existing && same(existing.spec, { ...existing.spec, ...def.spec })) continue;
    steps.push({
      id: `tag-definition:${def.metadata.name}:${existing ? 'update' : 'create'}`,
      kind: 'tag-definition',
      action: existing ? 'update' : 'create',
      reason: existing ? 'changed' : 'missing',
      definition: { ...def },
      before: existing ? { ...existing } : null,
    });
  }
  return steps;
}

interface WorkspaceInputs {
  readonly options: PlanOptions;
  readonly now: Date;
  readonly recertification: Record<string, number>;
  readonly stack: string;
}

/**
 * One workspace: its candidate steps in a safe order, then the dry run through the platform model
 * (what the platform will answer each step), then meshform's own rules over the result.
 */
function planWorkspace(
  d: Workspace,
  live: LiveState,
  ws: LiveWorkspaceState | undefined,
  inputs: WorkspaceInputs,
): { plan: WorkspacePlan; findings: Findings } {
  const { options, now, recertification, stack } = inputs;
  const name = d.metadata.name;
  const findings = new Findings(name);
  const notes: Finding[] = [];
  const model = workspaceModel(name, ws, live.deletedWorkspaces.includes(name));
  const modelCtx = modelContext(live, name, ws, now, recertification);
  // The steps are chosen on the workspace as the platform's expiry sweep leaves it (the dry run sweeps too):
  // a binding that expired but is still listed keeps nobody in the workspace.
  const swept = expire(model, now).state;
  const candidates = candidateSteps(d, live, ws, { now, model: swept, modelContext: modelCtx }, notes);
  const sim = simulate(model, modelCtx, candidates);
  const context = {
    name,
    stack,
    desired: d,
    ws,
    live,
    model,
    modelContext: modelCtx,
    steps: sim.steps,
    ownerCounts: sim.ownerCounts,
    options,
    now,
    recertification,
    caller: live.caller,
    callerRoles:
      (live.caller && Object.hasOwn(live.caller.workspaces, name) ? live.caller.workspaces[name] : undefined) ?? [],
  };
  const seen = new Set<string>();
  const once = (fs: readonly Finding[]) =>
    fs.filter((f) => {
      const key = JSON.stringify([f.rule, f.params]);
      return !seen.has(key) && seen.add(key);
    });
  for (const [, rule] of WORKSPACE_RULES) findings.addAll(once(rule(context)));
  findings.addAll(once(sim.findings));
  findings.addAll(notes);
  const state: WorkspacePlan['state'] = !ws
    ? 'absent'
    : ws.status?.approval === 'pending'
      ? 'pending-approval'
      : ws.status?.status === 'disabled'
        ? 'disabled'
        : 'ready';
  return {
    plan: { name, fingerprint: workspaceFingerprint(ws), state, steps: sim.steps, notes: findings.notes },
    findings,
  };
}

/** The steps that turn the observed workspace into the declared one, in the order apply runs them. */
function candidateSteps(
  d: Workspace,
  live: LiveState,
  ws: LiveWorkspaceState | undefined,
  model: Pick<BindingContext, 'now' | 'model' | 'modelContext'>,
  notes: Finding[],
): Step[] {
  const name = d.metadata.name;
  if (!ws && d.spec.deletion) {
    notes.push(finding('already-deleted', { workspace: name }, name));
    return [];
  }
  if (d.spec.deletion && ws) return deletionSteps(d, ws, notes);
  const has = (c: string) => live.platform.capabilities.includes(c as never);
  const attributes = workspaceAttributeStep(d, ws, live);
  const status = statusStep(d, ws, has('workspace-status'), notes);
  const quota = quotaStep(d, ws, has('workspace-quota'), notes);
  const raising = quota && (quota.before === null || quota.after >= quota.before);
  const projects = projectSteps(d, ws, live, notes);
  const deletes = projectDeletions(d, ws);
  // No binding on a project that is being deleted, or marked for deletion (gone, or going): it would fail every apply; nor on one the key cannot see.
  const noBindings = new Set([
    ...d.projects.filter((p) => p.spec.deletion).map((p) => p.metadata.name),
    ...(ws?.deletingProjects ?? []),
    ...unseenProjects(d, ws),
  ]);
  const bindings = planBindings({ live, ws, desired: d, ...model }, noBindings);
  notes.push(...bindings.notes);
  if (
    live.platform.capabilities.includes('project-binding-expiry') === false &&
    bindings.steps.some((s) => s.kind === 'project-binding' && s.action === 'create' && s.grant.expiryDate)
  ) {
    notes.push(finding('project-expiry-enforced', { workspace: name }, name));
  }
  // Order: the workspace, enabling it, raising the quota, projects, bindings, project deletions, lowering the quota, disabling it.
  return [
    ...(attributes ? [attributes] : []),
    ...(status && status.after === 'active' ? [status] : []),
    ...(quota && raising ? [quota] : []),
    ...projects,
    ...bindings.steps,
    ...deletes,
    ...(quota && !raising ? [quota] : []),
    ...(status && status.after === 'disabled' ? [status] : []),
  ];
}
