/**
 * plan(): a pure function of (desired, observed, options, now). It works out the steps that turn the
 * observed platform into the desired state, in a safe order (./binding-steps, ./workspace-steps),
 * then runs the named rules (./rules) over each workspace's steps; any refusal refuses the plan.
 * Steps and findings are structured data: render/ words them. No I/O.
 */
import { canonicalJson, sha256Hex } from '../../core/canonical-json';
import { OWNERSHIP_TAG_DEFINITION } from '../../core/rules';
import type { DesiredState, TagDefinition, Workspace } from '../../schemas/desired-state.generated';
import type { Finding, Plan, Step, TagDefinitionStep, WorkspacePlan } from '../../schemas/plan.generated';
import { type LiveState, type LiveWorkspaceState, workspaceFingerprint } from '../observe/live-state';
import { planBindings } from './binding-steps';
import { Findings, finding } from './findings';
import type { PlanOptions } from './options';
import { needsOwnershipTag, withOwnership } from './ownership';
import { WORKSPACE_RULES } from './rules';
import { approvalOf } from './steps';
import {
  deletionSteps,
  projectDeletions,
  projectSteps,
  quotaStep,
  statusStep,
  workspaceAttributeStep,
} from './workspace-steps';

export type { PlanOptions } from './options';

/** Equality of JSON values regardless of key order. */
const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

export function plan(declared: DesiredState, live: LiveState, options: PlanOptions, now: Date): Plan {
  const desired = withOwnership(declared);
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
  for (const n of (options.workspaces ?? []).filter((n) => !desired.workspaces.some((w) => w.metadata.name === n)))
    refusals.push(finding('unknown-workspace', { workspace: n }, n));
  const left = (live.leftTheCode ?? []).filter((n) => !desired.workspaces.some((w) => w.metadata.name === n));
  if (left.length) warnings.push(finding('left-the-code', { stack: desired.metadata.name, names: left }));
  // A scoped plan (one Terraform anchor) leaves tag definitions alone, except the ownership tag's, which its workspaces need.
  const globalSteps =
    options.workspaces && !options.tagDefinitionsOnly
      ? planTagDefinitions(
          { ...desired, tagDefinitions: needsOwnershipTag(selected) ? [OWNERSHIP_TAG_DEFINITION] : [] },
          live,
        )
      : planTagDefinitions(desired, live);
  if (globalSteps.length && caller && !caller.partner) {
    const others = globalSteps.filter((s) => s.definition.metadata.name !== OWNERSHIP_TAG_DEFINITION.metadata.name);
    if (others.length)
      refusals.push(finding('tag-definition-needs-partner', { count: others.length, caller: caller.username }));
    if (others.length < globalSteps.length)
      refusals.push(finding('ownership-tag-needs-partner', { caller: caller.username }));
  }
  // The platform's recertification settings where it shows them, else the code's RolePolicy: the known maximum.
  const recertification =
    live.platform.recertification ??
    Object.fromEntries(desired.rolePolicy.recertification.map((r) => [r.role, r.maxDurationDays]));
  // Workspace steps run after the global ones: their tags are checked against the definitions as they will be then.
  const definitions = [
    ...live.tagDefinitions.filter((d) => !globalSteps.some((s) => s.definition.metadata.name === d.metadata.name)),
    ...globalSteps.map((s) => s.definition),
  ];
  const after: LiveState = { ...live, tagDefinitions: definitions };
  const workspaces = selected.map((w) => {
    const result = planWorkspace(
      w,
      after,
      live.workspaces[w.metadata.name],
      options,
      now,
      recertification,
      desired.metadata.name,
    );
    refusals.push(...result.findings.refusals);
    warnings.push(...result.findings.warnings);
    return result.plan;
  });
  const all: Step[] = workspaces.flatMap((w) => w.steps);
  const approval = approvalOf;
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
    digest: planDigest(globalSteps, workspaces),
    platform: {
      endpoint: options.endpoint,
      version: live.platform.version,
      fourEyes: live.platform.fourEyes.enabled,
      capabilities: [...live.platform.capabilities].sort(),
      ...(caller ? { caller: { username: caller.username, partner: caller.partner } } : {}),
    },
    globalSteps,
    workspaces,
    refusals,
    warnings,
    summary: {
      add:
        globalSteps.filter((s) => s.action === 'create').length +
        all.filter((s) => s.action === 'create' && approval(s) !== 'already-pending').length,
      change: globalSteps.filter((s) => s.action === 'update').length + all.filter((s) => s.action === 'update').length,
      remove: all.filter((s) => s.action === 'delete' && s.reason !== 'expired').length,
      expired: all.filter((s) => s.action === 'delete' && s.reason === 'expired').length,
      needApproval: all.filter((s) => approval(s) === 'needs-approval').length,
      alreadyPending: all.filter((s) => approval(s) === 'already-pending').length,
    },
  };
}

/**
 * What the plan does, as one hash: its steps in order, per workspace (not when it was made, nor what
 * it observed), and the policies that judged it, where there were any (a saved plan re-derived under
 * other policies is stale).
 */
export function planDigest(
  globalSteps: readonly Step[] | readonly TagDefinitionStep[],
  workspaces: readonly Pick<WorkspacePlan, 'name' | 'steps'>[],
  policies?: Plan['policies'],
): string {
  return `sha256:${sha256Hex({ globalSteps, workspaces: workspaces.map((w) => ({ name: w.name, steps: w.steps })), ...(policies?.length ? { policies } : {}) })}`;
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

function planWorkspace(
  d: Workspace,
  live: LiveState,
  ws: LiveWorkspaceState | undefined,
  options: PlanOptions,
  now: Date,
  recertification: Record<string, number>,
  stack: string,
): { plan: WorkspacePlan; findings: Findings } {
  const name = d.metadata.name;
  const findings = new Findings(name);
  const notes: Finding[] = [];
  const state: WorkspacePlan['state'] = !ws
    ? 'absent'
    : ws.status?.approval === 'pending'
      ? 'pending-approval'
      : ws.status?.status === 'disabled'
        ? 'disabled'
        : 'ready';
  const done = (steps: Step[], ownerCounts: number[] = [0]) => {
    const callerRoles = live.caller?.workspaces[name] ?? [];
    for (const [, rule] of WORKSPACE_RULES)
      findings.addAll(
        rule({
          name,
          stack,
          desired: d,
          ws,
          live,
          steps,
          ownerCounts,
          options,
          now,
          recertification,
          caller: live.caller,
          callerRoles,
        }),
      );
    findings.addAll(notes);
    return { plan: { name, fingerprint: workspaceFingerprint(ws), state, steps, notes: findings.notes }, findings };
  };

  if (!ws && d.spec.deletion) {
    notes.push(finding('already-deleted', { workspace: name }, name));
    return done([]);
  }
  if (d.spec.deletion && ws) return done(deletionSteps(d, ws, notes));

  const has = (c: string) => live.platform.capabilities.includes(c as never);
  const attributes = workspaceAttributeStep(d, ws, live);
  const status = statusStep(d, ws, has('workspace-status'), notes);
  const quota = quotaStep(d, ws, has('workspace-quota'), notes);
  const raising = quota && (quota.before === null || quota.after >= quota.before);
  const projects = projectSteps(d, ws, live, notes);
  const deletes = projectDeletions(d, ws);
  // No binding on a project that is being deleted, or marked for deletion (gone, or going): it would fail every apply.
  const noBindings = new Set([
    ...d.projects.filter((p) => p.spec.deletion).map((p) => p.metadata.name),
    ...(ws?.deletingProjects ?? []),
  ]);
  const bindings = planBindings({ live, ws, desired: d, now }, noBindings);
  notes.push(...bindings.notes);
  if (
    live.platform.capabilities.includes('project-binding-expiry') === false &&
    bindings.steps.some((s) => s.kind === 'project-binding' && s.action === 'create' && s.grant.expiryDate)
  ) {
    notes.push(finding('project-expiry-enforced', { workspace: name }, name));
  }
  // Order: the workspace, enabling it, raising the quota, projects, bindings, project deletions, lowering the quota, disabling it.
  const steps: Step[] = [
    ...(attributes ? [attributes] : []),
    ...(status && status.after === 'active' ? [status] : []),
    ...(quota && raising ? [quota] : []),
    ...projects,
    ...bindings.steps,
    ...deletes,
    ...(quota && !raising ? [quota] : []),
    ...(status && status.after === 'disabled' ? [status] : []),
  ];
  return done(steps, bindings.ownerCounts);
}
