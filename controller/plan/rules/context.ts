/** What a plan rule sees: the workspace as declared and as observed, and the steps the plan would take. */
import type { ModelContext, WorkspaceModel } from '../../../core/model';
import type { Workspace } from '../../../schemas/desired-state.generated';
import type { Finding, GrantStep, RemovalStep, Step } from '../../../schemas/plan.generated';
import type { Identity } from '../../client/types';
import type { LiveState, LiveWorkspaceState } from '../../observe/live-state';
import type { PlanOptions } from '../options';

export interface RuleContext {
  readonly name: string;
  /** The stack whose manifest this is (its metadata.name): the owner it records. */
  readonly stack: string;
  readonly desired: Workspace;
  /** undefined: the workspace does not exist yet. */
  readonly ws: LiveWorkspaceState | undefined;
  readonly live: LiveState;
  /** The observed workspace in the platform model (an absent one is empty), and what the model decides with. */
  readonly model: WorkspaceModel;
  readonly modelContext: ModelContext;
  /** The workspace's steps, in the order apply runs them. */
  readonly steps: readonly Step[];
  /** Owners before the first step and after each step, from the dry run (./simulate). */
  readonly ownerCounts: readonly number[];
  readonly options: PlanOptions;
  readonly now: Date;
  /** Role → maximum days: the platform's settings where it shows them, else the code's RolePolicy. */
  readonly recertification: Readonly<Record<string, number>>;
  /** undefined where the platform does not say who is calling. */
  readonly caller: Identity | undefined;
  /** The caller's roles in this workspace (none when unknown). */
  readonly callerRoles: readonly string[];
}

/** A named rule: what it finds in one workspace's plan (refusals, warnings, notes). */
export type WorkspaceRule = (ctx: RuleContext) => Finding[];

export const grants = (ctx: RuleContext): GrantStep[] =>
  ctx.steps.filter(
    (s): s is GrantStep => s.action === 'create' && (s.kind === 'workspace-binding' || s.kind === 'project-binding'),
  );
export const removals = (ctx: RuleContext): RemovalStep[] =>
  ctx.steps.filter(
    (s): s is RemovalStep => s.action === 'delete' && (s.kind === 'workspace-binding' || s.kind === 'project-binding'),
  );

/** The caller is known and is not a partner: the rules that protect partner rights apply. */
export const nonPartnerCaller = (ctx: RuleContext): Identity | undefined =>
  ctx.caller && !ctx.caller.partner ? ctx.caller : undefined;
