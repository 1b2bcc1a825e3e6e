/**
 * plan(): a pure function of (desired, observed, options, now). It decides everything apply will do,
 * in order, and refuses what would break a platform invariant. No I/O.
 */
import { canonicalJson, sha256Hex } from '../../core/canonical-json';
import { exceedsRecertification, isExpired } from '../../core/expiry';
import type { DesiredState, TagDefinition, Workspace } from '../../schemas/desired-state.generated';
import type { Plan, Step, WorkspacePlan } from '../../schemas/plan.generated';
import { type LiveState, type LiveWorkspaceState, workspaceFingerprint } from '../observe/live-state';
import { MANAGER, OWNER, planBindings } from './binding-steps';

export interface PlanOptions {
  /** The platform URL recorded in the plan (never credentials). */
  readonly endpoint: string;
  /** Plan only these workspaces (the Terraform anchor of one workspace). */
  readonly workspaces?: readonly string[];
  /** Allow a plan that leaves a workspace without any Owner. */
  readonly allowLastOwnerRemoval?: boolean;
  /** Allow a plan that removes the caller's own Owner/Manager rights. */
  readonly allowSelfLockout?: boolean;
}

type Refusal = Plan['refusals'][number];

/** Equality of JSON values regardless of key order. */
const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

export function plan(desired: DesiredState, live: LiveState, options: PlanOptions, now: Date): Plan {
  const refusals: Refusal[] = [];
  const warnings: string[] = [];
  const caller = live.caller;
  if (!caller) warnings.push('the platform does not tell who is calling: lock-out, partner-right and 4-eyes predictions are conservative');
  if (live.platform.fourEyes.enabled && !live.platform.capabilities.includes('role-requests')) {
    warnings.push('4-eyes is on and the platform does not show pending role requests: a grant waiting for approval is planned again until it is approved (approve in meshPanel under Workspace Access > Access Requests)');
  }
  const selected = desired.workspaces.filter((w) => !options.workspaces || options.workspaces.includes(w.metadata.name));
  const unknown = (options.workspaces ?? []).filter((n) => !desired.workspaces.some((w) => w.metadata.name === n));
  for (const n of unknown) refusals.push({ workspace: n, rule: 'unknown-workspace', message: `workspace "${n}" is not in the manifest` });
  const globalSteps = options.workspaces ? [] : planTagDefinitions(desired, live, refusals);
  const policy = Object.fromEntries(desired.rolePolicy.recertification.map((r) => [r.role, r.maxDurationDays]));
  const workspaces = selected.map((w) => planWorkspace(w, live, live.workspaces[w.metadata.name], options, now, refusals, policy));
  const all = [...globalSteps, ...workspaces.flatMap((w) => w.steps)];
  return {
    apiVersion: 'meshform.io/v1',
    kind: 'Plan',
    createdAt: now.toISOString(),
    manifest: { name: desired.metadata.name, sha256: sha256Hex(desired) },
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
      add: all.filter((s) => s.action === 'create' && s.approval !== 'already-pending').length,
      change: all.filter((s) => s.action === 'update').length,
      remove: all.filter((s) => s.action === 'delete' && s.reason !== 'expired').length,
      expired: all.filter((s) => s.action === 'delete' && s.reason === 'expired').length,
      needApproval: all.filter((s) => s.approval === 'needs-approval').length,
      alreadyPending: all.filter((s) => s.approval === 'already-pending').length,
    },
  };
}

function planTagDefinitions(desired: DesiredState, live: LiveState, refusals: Refusal[]): Step[] {
  const steps: Step[] = [];
  for (const def of desired.tagDefinitions) {
    const existing = live.tagDefinitions.find((d) => d.metadata.name === def.metadata.name);
    if (existing && same(existing.spec, { ...existing.spec, ...def.spec })) continue;
    steps.push({
      id: `tag-definition:${def.metadata.name}:${existing ? 'update' : 'create'}`,
      action: existing ? 'update' : 'create',
      kind: 'tag-definition',
      reason: existing ? 'changed' : 'missing',
      summary: `${existing ? 'update' : 'create'} tag definition ${def.metadata.name}`,
      before: existing ? { ...existing } : null,
      after: { ...def },
    });
  }
  if (steps.length && live.caller && !live.caller.partner) {
    refusals.push({ workspace: '*', rule: 'tag-definition-needs-partner', message: `${steps.length} tag definition change(s) need partner rights, and ${live.caller.username} is not a partner; drop them from this stack or apply it with a partner key` });
  }
  return steps;
}

function planWorkspace(d: Workspace, live: LiveState, ws: LiveWorkspaceState | undefined, options: PlanOptions, now: Date, refusals: Refusal[], policy: Record<string, number>): WorkspacePlan {
  const name = d.metadata.name;
  const refuse = (rule: string, message: string) => refusals.push({ workspace: name, rule, message });
  const notes: string[] = [];
  const result = (state: WorkspacePlan['state'], steps: Step[]): WorkspacePlan => ({ name, fingerprint: workspaceFingerprint(ws), state, steps, notes });
  const caller = live.caller;
  const partner = caller?.partner === true;
  const has = (c: string) => live.platform.capabilities.includes(c as never);
  const owned = d.spec.ownership === 'owned';

  if (!ws) {
    if (d.spec.deletion) {
      notes.push('declared for deletion and already gone');
      return result('absent', []);
    }
    if (!owned) refuse('referenced-missing', `workspace "${name}" is referenced (Workspace.fromWorkspaceName) but does not exist; create it or declare it with new Workspace()`);
  } else {
    if (ws.status?.approval === 'pending' && !partner) {
      notes.push("waiting for a partner's approval of its registration: nothing can change until then");
      return result('pending-approval', []);
    }
    if (ws.status?.status === 'disabled' && !partner && d.spec.status !== 'active') {
      notes.push('disabled by a partner: only a partner can change it');
      return result('disabled', []);
    }
  }

  const steps: Step[] = [];
  const liveProjects = ws?.projects ?? {};
  if (d.spec.deletion && ws) return result('ready', planDeletion(d, ws, refuse, notes));

  // Workspace attributes (owned workspaces only).
  if (owned && !ws) {
    steps.push({ id: `${name}:workspace:create`, action: 'create', kind: 'workspace', workspace: name, reason: 'missing', summary: `create workspace ${name} "${d.spec.displayName}"`, before: null, after: { name, displayName: d.spec.displayName, tags: d.metadata.tags } });
  } else if (owned && ws) {
    const tags = tagChanges(ws.tags, d.metadata.tags, live.tagDefinitions, 'meshWorkspace');
    if (ws.displayName !== d.spec.displayName || tags.keys.length) {
      const restricted = tags.keys.filter((k) => live.tagDefinitions.some((t) => t.spec.targetKind === 'meshWorkspace' && t.spec.key === k && t.spec.restricted));
      if (restricted.length && caller && !partner) refuse('restricted-tag', `changing restricted tag(s) ${restricted.join(', ')} needs partner rights; ${caller.username} is not a partner`);
      steps.push({
        id: `${name}:workspace:update`,
        action: 'update',
        kind: 'workspace',
        workspace: name,
        reason: 'changed',
        summary: `update workspace ${name}${ws.displayName !== d.spec.displayName ? ` display name "${ws.displayName}" → "${d.spec.displayName}"` : ''}${tags.keys.length ? ` tags ${tags.keys.join(', ')}` : ''}`,
        before: { displayName: ws.displayName, tags: tags.before },
        after: { displayName: d.spec.displayName, tags: tags.after },
      });
    }
  }

  // Status and quota live in a platform extension; say so where it is missing.
  const statusStep = owned ? planStatus(d, ws, has('workspace-status'), notes) : undefined;
  if (statusStep && caller && !partner) refuse('status-needs-partner', `changing the status of "${name}" needs partner rights`);
  const creates = d.projects.filter((p) => !p.spec.deletion && !liveProjects[p.metadata.name]);
  const deletes = d.projects.filter((p) => p.spec.deletion && liveProjects[p.metadata.name]);
  const usage = Object.keys(liveProjects).length + creates.length - deletes.length;
  const quotaStep = owned ? planQuota(d, ws, usage, has('workspace-quota'), notes, refuse) : undefined;
  if (quotaStep && caller && !partner) refuse('quota-needs-partner', `changing the project quota of "${name}" needs partner rights`);
  const raising = quotaStep && (ws?.status?.projectQuota === null || ws?.status?.projectQuota === undefined || (quotaStep.after as { projectQuota: number }).projectQuota >= (ws?.status?.projectQuota ?? 0));
  if (statusStep && d.spec.status === 'active') steps.push(statusStep);
  if (quotaStep && raising) steps.push(quotaStep);

  // Projects: create and update; delete only what the manifest marks.
  for (const p of d.projects) {
    const lp = liveProjects[p.metadata.name];
    if (p.spec.deletion) continue;
    const after = { workspace: name, name: p.metadata.name, displayName: p.spec.displayName, tags: p.metadata.tags };
    if (!lp && ws?.deletingProjects.includes(p.metadata.name)) {
      refuse('identifier-being-deleted', `project "${p.metadata.name}" is still being deleted on the platform, which keeps its identifier until the deletion has finished; choose another identifier, or wait and plan again`);
    } else if (!lp) {
      const renamed = Object.values(liveProjects).find((x) => x.displayName === p.spec.displayName && !d.projects.some((q) => q.metadata.name === x.name));
      if (renamed) refuse('identifier-change', `project "${renamed.name}" looks renamed to "${p.metadata.name}" (same display name): identifiers are immutable; declare the new project with another display name, or mark "${renamed.name}" for deletion`);
      steps.push({ id: `${name}:project:${p.metadata.name}:create`, action: 'create', kind: 'project', workspace: name, project: p.metadata.name, reason: 'missing', summary: `create project ${p.metadata.name} "${p.spec.displayName}"`, before: null, after });
    } else {
      const tags = tagChanges(lp.tags, p.metadata.tags, live.tagDefinitions, 'meshProject');
      if (lp.displayName !== p.spec.displayName || tags.keys.length) {
        steps.push({
          id: `${name}:project:${p.metadata.name}:update`,
          action: 'update',
          kind: 'project',
          workspace: name,
          project: p.metadata.name,
          reason: 'changed',
          summary: `update project ${p.metadata.name}`,
          before: { displayName: lp.displayName, tags: tags.before },
          after: { displayName: p.spec.displayName, tags: tags.after },
        });
      }
    }
  }
  for (const lp of Object.values(liveProjects)) {
    if (!d.projects.some((p) => p.metadata.name === lp.name)) notes.push(`project ${lp.name} exists but is not declared; meshform deletes only projects marked for deletion`);
  }

  const bindings = planBindings({ live, ws, desired: d, now }, new Set(deletes.map((p) => p.metadata.name)));
  notes.push(...bindings.notes);
  steps.push(...bindings.steps);
  checkBindings(d, ws, bindings, live, options, now, refuse, notes, policy);

  for (const p of deletes) {
    steps.push({ id: `${name}:project:${p.metadata.name}:delete`, action: 'delete', kind: 'project', workspace: name, project: p.metadata.name, reason: 'declared-deletion', summary: `delete project ${p.metadata.name} (${p.spec.deletion!.reason})`, before: { ...liveProjects[p.metadata.name], bindings: undefined }, after: { reason: p.spec.deletion!.reason } });
  }
  if (quotaStep && !raising) steps.push(quotaStep);
  if (statusStep && d.spec.status === 'disabled') steps.push(statusStep);
  return result(ws ? 'ready' : 'absent', steps);
}

/**
 * The tags to write: only the keys the code declares are compared (the platform injects restricted
 * defaults and keeps keys meshform never set), a declared `[]` means "absent", and an injected
 * restricted default is never "removed" (the platform would inject it again).
 */
function tagChanges(live: Record<string, string[]>, declared: Record<string, string[]>, defs: TagDefinition[], kind: 'meshWorkspace' | 'meshProject'): { keys: string[]; before: Record<string, string[]>; after: Record<string, string[]> } {
  const keys: string[] = [];
  const before: Record<string, string[]> = {};
  const after: Record<string, string[]> = {};
  for (const key of Object.keys(declared).sort()) {
    const want = declared[key];
    const have = live[key] ?? [];
    if (same(want, have)) continue;
    const def = defs.find((t) => t.spec.targetKind === kind && t.spec.key === key);
    if (want.length === 0 && def?.spec.restricted && same(have, restrictedDefault(def))) continue;
    keys.push(key);
    before[key] = have;
    after[key] = want;
  }
  return { keys, before, after };
}

function restrictedDefault(def: TagDefinition): string[] {
  const vt = def.spec.valueType;
  const one = vt.string?.defaultValue ?? vt.email?.defaultValue ?? vt.singleSelect?.defaultValue;
  if (one !== undefined) return [one];
  const num = vt.integer?.defaultValue ?? vt.number?.defaultValue;
  return num !== undefined ? [String(num)] : [...(vt.multiSelect?.defaultValue ?? [])];
}

function planStatus(d: Workspace, ws: LiveWorkspaceState | undefined, supported: boolean, notes: string[]): Step | undefined {
  const want = d.spec.status ?? 'active';
  const have = ws ? ws.status?.status : 'active';
  if (!supported) {
    if (want !== 'active') notes.push('cannot enforce status: the platform has no workspace status endpoint');
    return undefined;
  }
  if (have === want) return undefined;
  return { id: `${d.metadata.name}:workspace-status:update`, action: 'update', kind: 'workspace-status', workspace: d.metadata.name, reason: 'changed', summary: `set status of ${d.metadata.name} to ${want}`, before: have ? { status: have } : null, after: { status: want } };
}

function planQuota(d: Workspace, ws: LiveWorkspaceState | undefined, usage: number, supported: boolean, notes: string[], refuse: (rule: string, message: string) => void): Step | undefined {
  const want = d.spec.projectQuota;
  if (want === undefined) return undefined;
  if (!supported) {
    notes.push('cannot enforce the project quota: the platform has no workspace quota endpoint');
    return undefined;
  }
  const have = ws?.status?.projectQuota ?? null;
  if (want < usage) refuse('quota-below-usage', `project quota ${want} for "${d.metadata.name}" is below the ${usage} project(s) it will have; raise the quota or delete projects first`);
  if (have === want) return undefined;
  return { id: `${d.metadata.name}:workspace-quota:update`, action: 'update', kind: 'workspace-quota', workspace: d.metadata.name, reason: 'changed', summary: `set project quota of ${d.metadata.name}: ${have ?? 'none'} → ${want}`, before: { projectQuota: have }, after: { projectQuota: want } };
}

/**
 * Deleting a workspace: its projects first. meshStack deletes projects asynchronously (their tenants
 * go first) and refuses a workspace delete until they are gone, so the workspace itself is deleted
 * by a later run, once no project is left or pending deletion.
 */
function planDeletion(d: Workspace, ws: LiveWorkspaceState, refuse: (rule: string, message: string) => void, notes: string[]): Step[] {
  const name = d.metadata.name;
  const marked = new Set(d.projects.filter((p) => p.spec.deletion).map((p) => p.metadata.name));
  const remaining = Object.keys(ws.projects).filter((p) => !marked.has(p));
  if (remaining.length) refuse('workspace-has-projects', `workspace "${name}" is marked for deletion but still has project(s) ${remaining.join(', ')}; mark them for deletion too`);
  const projectSteps = [...marked].filter((p) => ws.projects[p]).map<Step>((p) => ({ id: `${name}:project:${p}:delete`, action: 'delete', kind: 'project', workspace: name, project: p, reason: 'declared-deletion', summary: `delete project ${p}`, before: { name: p }, after: { reason: d.projects.find((x) => x.metadata.name === p)!.spec.deletion!.reason } }));
  const waiting = [...new Set([...projectSteps.map((s) => s.project!), ...ws.deletingProjects])].sort();
  if (waiting.length) {
    notes.push(`the workspace is deleted by a later run, once the deletion of project(s) ${waiting.join(', ')} has finished (meshStack deletes projects asynchronously)`);
    return projectSteps;
  }
  return [{ id: `${name}:workspace:delete`, action: 'delete', kind: 'workspace', workspace: name, reason: 'declared-deletion', summary: `delete workspace ${name} (${d.spec.deletion!.reason})`, before: { name, displayName: ws.displayName }, after: { reason: d.spec.deletion!.reason } }];
}

/** The invariants over a workspace's binding steps. */
function checkBindings(
  d: Workspace,
  ws: LiveWorkspaceState | undefined,
  bindings: ReturnType<typeof planBindings>,
  live: LiveState,
  options: PlanOptions,
  now: Date,
  refuse: (rule: string, message: string) => void,
  notes: string[],
  policy: Record<string, number>,
): void {
  const name = d.metadata.name;
  if (bindings.ownerLimitExceeded) refuse('owner-limit', `workspace "${name}" would have more than 2 Workspace Owners at some step (${bindings.ownerCounts.join(' → ')}); make the others Workspace Managers`);
  const ownersBefore = bindings.ownerCounts[0];
  const ownersAfter = bindings.ownerCounts[bindings.ownerCounts.length - 1];
  if (ws && ownersBefore > 0 && ownersAfter === 0 && !options.allowLastOwnerRemoval) {
    refuse('last-owner', `the plan removes the last Workspace Owner of "${name}"; declare a new Owner, or pass --allow-last-owner-removal if that is intended`);
  }
  const caller = live.caller;
  const steps = bindings.steps;
  const callerRoles = caller ? caller.workspaces[name] ?? [] : [];
  if (caller && !caller.partner && ws && steps.length && !callerRoles.includes(OWNER) && !callerRoles.includes(MANAGER)) {
    refuse('caller-rights', `${caller.username} holds ${callerRoles.length ? callerRoles.join(' and ') : 'no role'} in "${name}": only its Workspace Owners and Managers (or a partner) manage access; apply this workspace with such a key`);
  }
  if (caller && !caller.partner && ws) {
    const ownerGrantsBlocked = steps.some((s) => s.action === 'create' && s.binding?.role === OWNER) && ownersBefore > 0 && !callerRoles.includes(OWNER);
    if (ownerGrantsBlocked) refuse('owner-grant-rights', `only a Workspace Owner may assign the Owner role in "${name}" while it has one, and ${caller.username} is not an Owner there`);
    const mine = ws.bindings.filter((b) => b.subjectKind === 'User' && b.subject === caller.username && (b.role === OWNER || b.role === MANAGER));
    const removed = new Set(steps.filter((s) => s.action === 'delete' && s.binding?.subject === caller.username && !s.project).map((s) => s.binding!.name));
    const regranted = steps.some((s) => s.action === 'create' && !s.project && s.binding?.subject === caller.username && (s.binding.role === OWNER || s.binding.role === MANAGER));
    if (mine.length && mine.every((b) => removed.has(b.name)) && !regranted && !options.allowSelfLockout) {
      refuse('self-lockout', `the plan removes the caller's own ${mine.map((b) => b.role).join(' and ')} role in "${name}" (${caller.username}), after which it could not manage this workspace; add ${caller.username} to the code, or pass --allow-self-lockout if that is intended`);
    }
  }
  // The platform's recertification settings where it shows them, else the code's RolePolicy: the known maximum.
  const recert = live.platform.recertification ?? policy;
  if (Object.keys(recert).length) {
    for (const s of steps.filter((x) => x.action === 'create' && x.binding?.expiryDate)) {
      const max = recert[s.binding!.role];
      const expiry = (s.after as { expiryDate?: string }).expiryDate ?? s.binding!.expiryDate!;
      if (max !== undefined && !isExpired(expiry, now) && exceedsRecertification(expiry, now, max)) {
        refuse('expiry-beyond-recertification', `${s.summary.replace(/^grant /, '')}: the platform allows at most ${max} days for ${s.binding!.role}`);
      }
    }
  }
  if (live.platform.capabilities.includes('project-binding-expiry') === false && steps.some((s) => s.kind === 'project-binding' && s.action === 'create' && s.binding?.expiryDate)) {
    notes.push('the platform keeps no expiry on project bindings: meshform removes them after their expiry (run reconcile)');
  }
}
