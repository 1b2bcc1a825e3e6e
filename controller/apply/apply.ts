/**
 * apply(): runs a plan's steps in order and decides nothing. Workspaces run in parallel (bounded);
 * within a workspace a failed step skips the rest of that workspace, since later steps may depend
 * on it; other workspaces go on. Every step gets a result.
 */
import pLimit from 'p-limit';
import { isMeshformError } from '../../core/errors';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type { Plan, Step } from '../../schemas/plan.generated';
import type { ApiClient } from '../client/api';
import type { AttributeChange, LiveProject, LiveWorkspace } from '../client/types';

export type StepStatus = 'applied' | 'pending-approval' | 'failed' | 'skipped';

export interface StepResult {
  readonly id: string;
  readonly workspace?: string;
  readonly summary: string;
  readonly status: StepStatus;
  /** For failures: the phase and what the platform said. */
  readonly error?: { readonly code: string; readonly message: string; readonly class: string };
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
}

type Outcome = { status: 'applied' } | { status: 'pending-approval'; requestId?: string };

async function execute(api: ApiClient, s: Step): Promise<Outcome> {
  const after = s.after as Record<string, unknown>;
  switch (`${s.kind}:${s.action}`) {
    case 'tag-definition:create':
    case 'tag-definition:update':
      await api.tagDefinitions.put(after as unknown as TagDefinition);
      break;
    case 'workspace:create':
      await api.workspaces.create(after as unknown as LiveWorkspace);
      break;
    case 'workspace:update':
      // Compare before write: the client refuses when the workspace is no longer what the plan saw.
      await api.workspaces.update(s.workspace!, after as unknown as AttributeChange, s.before as unknown as AttributeChange);
      break;
    case 'workspace:delete':
      await api.workspaces.delete(s.workspace!, String(after.reason));
      break;
    case 'workspace-status:update':
      await api.extensions.setStatus(s.workspace!, after.status as 'active' | 'disabled');
      break;
    case 'workspace-quota:update':
      await api.extensions.setQuota(s.workspace!, after.projectQuota as number);
      break;
    case 'project:create':
      await api.projects.create(after as unknown as LiveProject);
      break;
    case 'project:update':
      await api.projects.update(s.workspace!, s.project!, after as unknown as AttributeChange, s.before as unknown as AttributeChange);
      break;
    case 'project:delete':
      await api.projects.delete(s.workspace!, s.project!);
      break;
    case 'workspace-binding:create':
    case 'project-binding:create': {
      if (s.approval === 'already-pending') return { status: 'pending-approval' };
      const outcome = await api.bindings.create({ ...s.binding!, workspace: s.workspace!, ...(s.project ? { project: s.project } : {}) });
      if (outcome.status === 'pending') return { status: 'pending-approval', requestId: outcome.requestId };
      break;
    }
    case 'workspace-binding:delete':
    case 'project-binding:delete':
      await api.bindings.delete({ name: s.binding!.name, subjectKind: s.binding!.subjectKind, ...(s.project ? { project: s.project } : {}) });
      break;
    default:
      throw new Error(`unknown plan step ${s.kind}:${s.action}`);
  }
  return { status: 'applied' };
}

async function runSteps(api: ApiClient, steps: Step[], report: (r: StepResult) => void): Promise<void> {
  let failed: StepResult | undefined;
  for (const s of steps) {
    const base = { id: s.id, summary: s.summary, ...(s.workspace ? { workspace: s.workspace } : {}) };
    if (failed) {
      report({ ...base, status: 'skipped', error: { code: 'skipped', message: `skipped after "${failed.summary}" failed`, class: 'skipped' } });
      continue;
    }
    try {
      const outcome = await execute(api, s);
      report({ ...base, ...outcome });
    } catch (e) {
      const err = isMeshformError(e) ? { code: e.code, message: `${s.action} failed: ${e.message}`, class: e.errorClass } : { code: 'internal', message: `${s.action} failed: ${(e as Error).message}`, class: 'internal' };
      failed = { ...base, status: 'failed', error: err };
      report(failed);
    }
  }
}

export async function apply(api: ApiClient, plan: Plan, options: ApplyOptions = {}): Promise<ApplyReport> {
  const results: StepResult[] = [];
  const report = (r: StepResult) => {
    results.push(r);
    options.onStep?.(r);
  };
  await runSteps(api, plan.globalSteps, report);
  const limit = pLimit(options.concurrency ?? 4);
  await Promise.all(plan.workspaces.map((w) => limit(() => runSteps(api, w.steps, report))));
  // Report in plan order, whatever order the workspaces finished in.
  const order = new Map([...plan.globalSteps, ...plan.workspaces.flatMap((w) => w.steps)].map((s, i) => [s.id, i]));
  results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const counts: Record<StepStatus, number> = { applied: 0, 'pending-approval': 0, failed: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  return { results, counts };
}
