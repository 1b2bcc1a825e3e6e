/**
 * apply(): runs a plan's steps in order and decides nothing. Workspaces run in parallel (bounded);
 * within a workspace a failed step skips the rest of that workspace, since later steps may depend
 * on it; other workspaces go on. Make before break holds at run time too: the removal of a binding
 * that a grant of this plan replaces runs only once the new binding can be read. Every step gets a
 * result.
 */
import { randomBytes } from 'crypto';
import pLimit from 'p-limit';
import { isApiError, isMeshformError } from '../../core/errors';
import type { Plan, Step, TagDefinitionStep } from '../../schemas/plan.generated';
import type { ApiClient } from '../client/api';
import type { BindingRequest, CreateOutcome } from '../client/types';

/** `waiting`: a step that waits for the platform (a workspace deletion for its projects' deletion) was not run. */
export type StepStatus = 'applied' | 'pending-approval' | 'waiting' | 'failed' | 'skipped';
export type AnyStep = Step | TagDefinitionStep;

export interface StepResult {
  readonly step: AnyStep;
  readonly status: StepStatus;
  /** For failures and skips: the phase and what the platform said. */
  readonly error?: { readonly code: string; readonly message: string; readonly class: string };
  /** A step skipped after this one failed. */
  readonly after?: string;
  readonly requestId?: string;
}

export interface ApplyReport {
  readonly results: StepResult[];
  readonly counts: Record<StepStatus, number>;
}

export interface ApplyOptions {
  /** Workspaces applied at the same time. @default 4 */
  readonly concurrency?: number;
  /** Called after each step (progress on a terminal). */
  readonly onStep?: (r: StepResult) => void;
  /** Once true, no further step starts (Ctrl-C): the steps not run are reported as skipped. */
  readonly stopped?: () => boolean;
}

type Outcome = { status: 'applied' } | { status: 'waiting' } | { status: 'pending-approval'; requestId?: string };

const APPLIED: Outcome = { status: 'applied' };

/** One step against the platform: an exhaustive switch over the step union. */
async function execute(api: ApiClient, s: AnyStep): Promise<Outcome> {
  switch (s.kind) {
    case 'tag-definition':
      await api.tagDefinitions.put(s.definition);
      return APPLIED;
    case 'workspace':
      switch (s.action) {
        case 'create':
          await api.workspaces.create({ name: s.workspace, displayName: s.displayName, tags: s.tags });
          return APPLIED;
        case 'update':
          // Compare before write: the client refuses when the workspace is no longer what the plan saw.
          await api.workspaces.update(s.workspace, s.after, s.before);
          return APPLIED;
        case 'delete':
          if (s.waitsFor?.length) return { status: 'waiting' };
          await api.workspaces.delete(s.workspace, s.deletionReason);
          return APPLIED;
      }
      break;
    case 'workspace-status':
      await api.extensions.setStatus(s.workspace, s.after);
      return APPLIED;
    case 'workspace-quota':
      await api.extensions.setQuota(s.workspace, s.after);
      return APPLIED;
    case 'project':
      switch (s.action) {
        case 'create':
          await api.projects.create({
            workspace: s.workspace,
            name: s.project,
            displayName: s.displayName,
            tags: s.tags,
          });
          return APPLIED;
        case 'update':
          await api.projects.update(s.workspace, s.project, s.after, s.before);
          return APPLIED;
        case 'delete':
          await api.projects.delete(s.workspace, s.project);
          return APPLIED;
      }
      break;
    case 'workspace-binding':
    case 'project-binding':
      switch (s.action) {
        case 'create': {
          if (s.approval === 'already-pending') return { status: 'pending-approval' };
          const g = s.grant;
          const outcome = await createBinding(api, {
            name: g.name,
            workspace: s.workspace,
            ...(s.project !== undefined ? { project: s.project } : {}),
            subjectKind: g.subject.kind,
            subject: g.subject.name,
            role: g.role,
            ...(g.expiryDate !== undefined ? { expiryDate: g.expiryDate } : {}),
            ...(g.subject.invitation
              ? { invitation: { firstName: g.subject.invitation.firstName, lastName: g.subject.invitation.lastName } }
              : {}),
            ...(g.reason !== undefined ? { reason: g.reason } : {}),
          });
          if (outcome.status === 'pending')
            return { status: 'pending-approval', ...(outcome.requestId ? { requestId: outcome.requestId } : {}) };
          return s.replaces && !(await readable(api, s.workspace, s.project, outcome.name))
            ? { status: 'pending-approval' }
            : APPLIED;
        }
        case 'delete':
          await api.bindings.delete(
            {
              name: s.binding.name,
              subjectKind: s.binding.subjectKind,
              ...(s.project !== undefined ? { project: s.project } : {}),
            },
            s.reason === 'expired' ? 'expired' : undefined,
          );
          return APPLIED;
      }
  }
  return unreachable(s);
}

/**
 * A grant under the name the plan derived from the grant alone: a reconcile pass that asks again
 * for a grant still waiting for approval meets the platform's duplicate-name check (409), not a
 * second request. Only where another binding took that name (it can be guessed) does the grant get
 * a name of its own.
 */
async function createBinding(api: ApiClient, b: BindingRequest): Promise<CreateOutcome & { name: string }> {
  try {
    return { ...(await api.bindings.create(b)), name: b.name };
  } catch (e) {
    // A 409 that reaches here is not this grant's (the client compared it): the name is someone else's.
    if (!(isApiError(e) && e.status === 409)) throw e;
    const name = `${b.name}-${randomBytes(4).toString('hex')}`;
    return { ...(await api.bindings.create({ ...b, name })), name };
  }
}

/** Whether a binding just granted can be read back (a renewal's old binding goes only then). */
async function readable(api: ApiClient, workspace: string, project: string | undefined, name: string) {
  const live =
    project === undefined
      ? await api.bindings.listWorkspaceBindings({ workspace })
      : await api.bindings.listProjectBindings(workspace, project);
  return live.some((b) => b.name === name);
}

function unreachable(s: never): never {
  throw new Error(`unknown plan step ${JSON.stringify(s)}`);
}

/** The grant of the same steps that replaces the binding a removal step removes, if any. */
function replacedBy(steps: readonly AnyStep[], step: AnyStep): AnyStep | undefined {
  if (!((step.kind === 'workspace-binding' || step.kind === 'project-binding') && step.action === 'delete'))
    return undefined;
  return steps.find(
    (g) =>
      (g.kind === 'workspace-binding' || g.kind === 'project-binding') &&
      g.action === 'create' &&
      g.replaces?.name === step.binding.name,
  );
}

async function runSteps(
  api: ApiClient,
  steps: readonly AnyStep[],
  report: (r: StepResult) => void,
  stopped: () => boolean,
): Promise<void> {
  let failed: AnyStep | undefined;
  const live = new Set<string>();
  for (const step of steps) {
    if (failed) {
      report({
        step,
        status: 'skipped',
        after: failed.id,
        error: { code: 'skipped', message: 'skipped: an earlier step of this workspace failed', class: 'skipped' },
      });
      continue;
    }
    if (stopped()) {
      report({
        step,
        status: 'skipped',
        error: { code: 'interrupted', message: 'not started: apply was interrupted', class: 'skipped' },
      });
      continue;
    }
    const replacement = replacedBy(steps, step);
    if (replacement && steps.indexOf(replacement) < steps.indexOf(step) && !live.has(replacement.id)) {
      report({
        step,
        status: 'skipped',
        error: {
          code: 'replacement-not-live',
          message: 'kept: the binding replacing it is not live yet (it waits for approval); a later run removes it',
          class: 'skipped',
        },
      });
      continue;
    }
    try {
      const outcome = await execute(api, step);
      if (outcome.status === 'applied') live.add(step.id);
      report({ step, ...outcome });
    } catch (e) {
      const err = isMeshformError(e)
        ? { code: e.code, message: `${step.action} failed: ${e.message}`, class: e.errorClass }
        : { code: 'internal', message: `${step.action} failed: ${(e as Error).message}`, class: 'internal' };
      failed = step;
      report({ step, status: 'failed', error: err });
    }
  }
}

export async function apply(api: ApiClient, plan: Plan, options: ApplyOptions = {}): Promise<ApplyReport> {
  const results: StepResult[] = [];
  const report = (r: StepResult) => {
    results.push(r);
    options.onStep?.(r);
  };
  const stopped = options.stopped ?? (() => false);
  await runSteps(api, plan.globalSteps, report, stopped);
  const limit = pLimit(options.concurrency ?? 4);
  await Promise.all(plan.workspaces.map((w) => limit(() => runSteps(api, w.steps, report, stopped))));
  // Report in plan order, whatever order the workspaces finished in.
  const order = new Map<string, number>(
    [...plan.globalSteps, ...plan.workspaces.flatMap((w) => w.steps)].map((s, i) => [s.id, i]),
  );
  results.sort((a, b) => (order.get(a.step.id) ?? 0) - (order.get(b.step.id) ?? 0));
  const counts: Record<StepStatus, number> = {
    applied: 0,
    'pending-approval': 0,
    waiting: 0,
    failed: 0,
    skipped: 0,
  };
  for (const r of results) counts[r.status]++;
  return { results, counts };
}
