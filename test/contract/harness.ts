/**
 * The platform contract suite's harness: one row runs three ways. The sandbox over HTTP is the
 * reference (it stands in for meshStack); the in-memory fake must answer as the sandbox does; and
 * plan() on the same observed state must refuse what the platform refuses, or plan exactly what it
 * accepts (applying that plan then succeeds).
 */
import { type AnyStep, type StepStatus, apply } from '../../controller/apply/apply';
import type { ApiClient } from '../../controller/client/api';
import { FakePlatform } from '../../controller/client/fake-client';
import { HttpApiClient } from '../../controller/client/http-client';
import { modelContext, workspaceModel } from '../../controller/plan/simulate';
import { planAgainst } from '../../controller/run';
import { type ModelContext, type Transition, type WorkspaceModel, expire, keyOf } from '../../core/model';
import { checkDesiredState } from '../../core/manifest-file';
import { isApiError, isInvalidFileError } from '../../core/errors';
import type { RuleId } from '../../core/rules';
import type { DesiredState, TagDefinition } from '../../schemas/desired-state.generated';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';
import { stepsLeftAfter } from '../helpers/convergence';

export interface Settings {
  readonly fourEyes?: { enabled: boolean; minApprovalCount: number };
  readonly recertification?: Record<string, number>;
  readonly workspaceApprovalRequired?: boolean;
  readonly restrictCustomerAdminRoleAssignment?: boolean;
}

/** What a row's set-up and change may do to a platform besides its meshObject API (what meshPanel would). */
export interface ContractPlatform {
  readonly name: 'sandbox' | 'fake';
  client(key: string): ApiClient;
  settings(s: Settings): Promise<void>;
  resetSettings(): Promise<void>;
  setGroup(workspace: string, group: string, members: string[]): Promise<void>;
  deleteTagDefinition(name: string): Promise<void>;
  advanceClock(ms: number): Promise<void>;
  now(): Promise<Date>;
  close(): Promise<void>;
}

const DEFAULT_SETTINGS: Settings = {
  fourEyes: { enabled: false, minApprovalCount: 2 },
  recertification: {},
  workspaceApprovalRequired: false,
  restrictCustomerAdminRoleAssignment: false,
};

export async function sandboxContractPlatform(): Promise<ContractPlatform & { fixture: SandboxFixture }> {
  const fixture = await sandboxFixture();
  const partner = fixture.as(PARTNER);
  const clients = new Map<string, ApiClient>();
  return {
    name: 'sandbox',
    fixture,
    client: (key) => {
      if (!clients.has(key))
        clients.set(
          key,
          new HttpApiClient({
            endpoint: fixture.sandbox.url,
            credentials: { kind: 'key', key },
            retry: { budgetMs: 5_000, baseDelayMs: 10, maxDelayMs: 100 },
          }),
        );
      return clients.get(key)!;
    },
    settings: async (s) => void (await partner.ext('PUT', '/settings', s)),
    resetSettings: async () => void (await partner.ext('PUT', '/settings', DEFAULT_SETTINGS)),
    setGroup: async (ws, group, members) =>
      void (await partner.ext('PUT', `/workspaces/${ws}/groups/${group}`, { members })),
    deleteTagDefinition: async (name) =>
      void (await partner.mesh('tagDefinition', 'DELETE', `/meshtagdefinitions/${name}`)),
    advanceClock: async (ms) => void (await partner.ext('POST', '/clock', { advance: `${ms}ms` })),
    now: async () => new Date((await partner.ext('GET', '/clock')).data.now),
    close: () => fixture.sandbox.close(),
  };
}

export function fakeContractPlatform(): ContractPlatform {
  const fake = new FakePlatform();
  const users = new Map([[PARTNER, 'partner.admin']]);
  return {
    name: 'fake',
    client: (key) => fake.client(users.get(key) ?? key),
    settings: async (s) => void (fake.settings = { ...fake.settings, ...s }),
    resetSettings: async () => void (fake.settings = { ...fake.settings, ...DEFAULT_SETTINGS } as typeof fake.settings),
    setGroup: async (ws, group, members) => void fake.groups.set(`${ws}.${group}`, members),
    deleteTagDefinition: async (name) => void fake.tagDefinitions.delete(name),
    advanceClock: async (ms) => void (fake.clock = new Date(fake.clock.getTime() + ms)),
    now: async () => fake.clock,
    close: async () => undefined,
  };
}

/** A set-up step, run as the partner. */
export type Setup = (p: ContractPlatform, partner: ApiClient, ws: string, now: Date) => Promise<void>;

export interface Row {
  /** Short and unique: the workspaces of the row are `<id>-a` (the change) and `<id>-b` (the plan). */
  readonly id: string;
  /** The catalogue rule the row holds the three to, or 'accepted' for a case the platform allows. */
  readonly rule: RuleId | 'accepted';
  readonly title: string;
  readonly settings?: Settings;
  readonly tagDefinitions?: TagDefinition[];
  readonly setup: Setup;
  /** Who makes the change (an API key of the seeded principals). */
  readonly actor: string;
  /** The change as platform calls, made as the actor. */
  readonly change: (api: ApiClient, ws: string, now: Date) => Promise<unknown>;
  /** The same change as the code declares it. */
  readonly desired: (ws: string, now: Date) => DesiredState;
  /** What the platform answers the change: accepted, a grant waiting for approval, or an HTTP status. */
  readonly platform: 'accepted' | 'pending' | number;
  /**
   * What meshform's plan does: applies (or waits for approval), plans nothing, waits for the platform
   * (a step that cannot run yet), or refuses with a rule.
   */
  readonly plan: 'applied' | 'pending' | 'nothing' | 'waiting' | RuleId;
  /** A binding the subject must still hold after the plan is applied (make before break). */
  readonly keeps?: { readonly subject: string; readonly role: string };
  /**
   * A call the plan never makes (a repeated grant, an approval), as a transition of the platform
   * model on the workspace the actor observes. Then `change` is that call, `desired` only says what
   * to observe, and `plan` is the model's verdict: its refusal's rule, or its class; the harness holds
   * the model's answer (status, class) and the state it leaves to what the platform does.
   */
  readonly direct?: (m: WorkspaceModel, ctx: ModelContext, ws: string, now: Date) => Transition;
  /** A way a row does not run, with the reason printed. */
  readonly skip?: { readonly way: 'fake' | 'plan'; readonly reason: string };
}

export type Outcome = 'accepted' | 'pending' | number;

export async function platformOutcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    const r = await run();
    return r && typeof r === 'object' && (r as { status?: unknown }).status === 'pending' ? 'pending' : 'accepted';
  } catch (e) {
    if (isApiError(e) && e.status !== undefined) return e.status;
    throw e;
  }
}

/**
 * What the plan does on the observed state: a manifest or plan refusal's rule, nothing, or the result
 * of applying it. Each step's prediction is held to what the platform answered: a grant the plan
 * calls automatic must be applied, one it says needs approval must wait, a waiting step must not run.
 */
export async function planVerdict(
  api: ApiClient,
  desired: DesiredState,
  now: Date,
  keeps?: Row['keeps'],
  ws?: string,
): Promise<string> {
  try {
    checkDesiredState(desired, 'contract row', now);
  } catch (e) {
    if (isInvalidFileError(e)) return e.problems[0].rule;
    throw e;
  }
  const { plan } = await planAgainst(api, desired, { endpoint: 'contract' }, now);
  if (plan.refusals.length) return plan.refusals[0].rule;
  if (!plan.workspaces.some((w) => w.steps.length) && !plan.globalSteps.length) return 'nothing';
  const report = await apply(api, plan);
  const failed = report.results.find((r) => r.status === 'failed');
  if (failed) return `failed: ${failed.error?.message}`;
  for (const r of report.results) {
    const predicted = predictedStatus(r.step);
    if (predicted !== r.status) return `mispredicted: ${r.step.id} was to be ${predicted}, the platform: ${r.status}`;
  }
  // The platform now matches the code: a second plan has nothing to do (unless a step waits).
  if (!report.counts['pending-approval'] && !report.counts.waiting) {
    const replan = async () => (await planAgainst(api, desired, { endpoint: 'contract' }, now)).plan;
    const left = await stepsLeftAfter(plan, replan, api);
    if (left.length) return `not converged: a second plan has ${left.join('; ')}`;
  }
  if (keeps && ws) {
    const held = (await api.bindings.listWorkspaceBindings({ workspace: ws })).some(
      (b) => b.subject === keeps.subject && b.role === keeps.role,
    );
    if (!held) return `lost: ${keeps.subject} no longer holds ${keeps.role}`;
  }
  if (report.results.every((r) => r.status === 'waiting')) return 'waiting';
  return report.counts['pending-approval'] ? 'pending' : 'applied';
}

/** The answer a transition predicts, through the client, as platformOutcome words the platform's. */
function predictedOutcome(t: Transition): Outcome {
  // The client reads a 409 for a binding held already back, and finds the grant done (http-client.ts).
  if (t.outcome.class === 'refused' && t.outcome.refusal.rule === 'binding-exists') return 'accepted';
  if (t.outcome.class === 'refused') return t.outcome.refusal.status;
  return t.outcome.class === 'needs-approval' ? 'pending' : 'accepted';
}

/** A workspace as the model holds it, in words that do not depend on the platform's binding names. */
function stateWords(m: WorkspaceModel): string[] {
  const expiry = (e?: string) => (e === undefined ? '' : ` until ${e.slice(0, 10)}`);
  return [
    ...m.bindings.map((b) => `${keyOf(b)} ${b.role}${b.project ? ` on ${b.project}` : ''}${expiry(b.expiryDate)}`),
    ...m.requests.map((r) => `request ${keyOf(r)} ${r.role} approved by ${[...r.approvals].sort().join(',')}`),
  ].sort();
}

/**
 * A direct row's verdict on one platform: the model's transition on the observed workspace, then the
 * call; the platform must answer as the model predicts and leave the state the model does.
 */
export async function directVerdict(api: ApiClient, row: Row, ws: string, now: Date): Promise<string> {
  const observe = async () => {
    const { live } = await planAgainst(api, row.desired(ws, now), { endpoint: 'contract' }, now);
    return { live, model: expire(workspaceModel(ws, live.workspaces[ws]), now).state };
  };
  const before = await observe();
  const t = row.direct!(
    before.model,
    modelContext(before.live, ws, before.live.workspaces[ws], now, before.live.platform.recertification ?? {}),
    ws,
    now,
  );
  const outcome = await platformOutcome(() => row.change(api, ws, now));
  if (outcome !== predictedOutcome(t))
    return `mispredicted: the model answers ${predictedOutcome(t)}, the platform ${outcome}`;
  const after = (await observe()).model;
  const [predicted, actual] = [stateWords(t.state), stateWords(after)];
  if (JSON.stringify(predicted) !== JSON.stringify(actual))
    return `state differs: the model leaves ${predicted.join('; ')}, the platform ${actual.join('; ')}`;
  if (t.outcome.class === 'refused') return t.outcome.refusal.rule;
  return t.outcome.class === 'needs-approval' ? 'pending' : 'applied';
}

/** What apply's result of a step must be, by the plan's prediction. */
function predictedStatus(step: AnyStep): StepStatus {
  if ('waitsFor' in step && step.waitsFor) return 'waiting';
  if (step.action === 'create' && (step.kind === 'workspace-binding' || step.kind === 'project-binding'))
    return step.approval === 'auto' ? 'applied' : 'pending-approval';
  return 'applied';
}
