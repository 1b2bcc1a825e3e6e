/**
 * apply(): runs a plan's steps in order and decides nothing. Workspaces run in parallel (bounded);
 * within a workspace a failed step skips the rest of that workspace, since later steps may depend
 * on it; other workspaces go on. Every step gets a result.
 */
import { randomBytes } from 'crypto';
import pLimit from 'p-limit';
import { isMeshformError } from '../../core/errors';
import type { Plan, Step, TagDefinitionStep } from '../../schemas/plan.generated';
import type { ApiClient } from '../client/api';

export type StepStatus = 'applied' | 'pending-approval' | 'failed' | 'skipped';
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
  /**
   * Appended to the names of the bindings this apply creates: names are global on meshStack, and one
   * derived from content alone can be taken first by an Owner of another workspace. The same within
   * one apply (a retried create finds its own binding). @default random
   */
  readonly bindingNameSuffix?: string;
}

type Outcome = { status: 'applied' } | { status: 'pending-approval'; requestId?: string };

const APPLIED: Outcome = { status: 'applied' };

/** One step against the platform: an exhaustive switch over the step union. */
async function execute(api: ApiClient, s: AnyStep, suffix: string): Promise<Outcome> {
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
          const outcome = await api.bindings.create({
            name: `${g.name}-${suffix}`,
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
          return outcome.status === 'pending'
            ? { status: 'pending-approval', ...(outcome.requestId ? { requestId: outcome.requestId } : {}) }
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

function unreachable(s: never): never {
  throw new Error(`unknown plan step ${JSON.stringify(s)}`);
}

async function runSteps(
  api: ApiClient,
  steps: readonly AnyStep[],
  report: (r: StepResult) => void,
  stopped: () => boolean,
  suffix: string,
): Promise<void> {
  let failed: AnyStep | undefined;
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
    try {
      const outcome = await execute(api, step, suffix);
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
  const suffix = options.bindingNameSuffix ?? randomBytes(4).toString('hex');
  await runSteps(api, plan.globalSteps, report, stopped, suffix);
  const limit = pLimit(options.concurrency ?? 4);
  await Promise.all(plan.workspaces.map((w) => limit(() => runSteps(api, w.steps, report, stopped, suffix))));
  // Report in plan order, whatever order the workspaces finished in.
  const order = new Map<string, number>(
    [...plan.globalSteps, ...plan.workspaces.flatMap((w) => w.steps)].map((s, i) => [s.id, i]),
  );
  results.sort((a, b) => (order.get(a.step.id) ?? 0) - (order.get(b.step.id) ?? 0));
  const counts: Record<StepStatus, number> = { applied: 0, 'pending-approval': 0, failed: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  return { results, counts };
}
