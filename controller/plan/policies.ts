/**
 * Organisation policies in the plan: each compiled policy judges the desired objects of the planned
 * workspaces, with the plan's step for the object, the live object and the plan's one "now". Kept
 * apart from plan() and as pure: a deny is a refusal (no flag overrides it), a warn a warning.
 */
import { POLICY_RULE_PREFIX, type PolicyFindingParams } from '../../core/rules';
import { type PolicySubject, policySubjects } from '../../core/policy/objects';
import { celValue, evaluatePolicy, resultCache } from '../../core/policy/evaluate';
import { POLICY_TARGETS } from '../../core/policy/policy';
import { CALLER, STEP, declared, policyVariables } from '../../core/policy/shapes';
import type { PolicySource } from '../../core/policy/policy-file';
import type { DesiredState } from '../../schemas/desired-state.generated';
import type { Finding, Plan, Step } from '../../schemas/plan.generated';
import type { LiveState } from '../observe/live-state';
import { planDigest } from './plan';
import { subjectKey } from '../../core/model';
import { isGrant } from './steps';

/** The plan's step for an object, where it has one (a binding's grant, a project's create or update). */
function stepFor(s: PolicySubject, steps: readonly Step[]): Step | undefined {
  const k = s.key;
  return steps.find((st) => {
    if (s.target === 'workspace') return st.kind === 'workspace';
    if (s.target === 'project') return st.kind === 'project' && st.project === k?.project;
    return (
      isGrant(st) &&
      st.grant.role === k?.role &&
      subjectKey(st.grant.subject.kind, st.grant.subject.name) === k?.subject &&
      (st.project ?? undefined) === k?.project
    );
  });
}

/** The live object where it exists: the workspace or project as observed, the binding the grant replaces. */
function liveFor(s: PolicySubject, live: LiveState, step: Step | undefined): unknown {
  const ws = s.workspace ? live.workspaces[s.workspace] : undefined;
  if (s.target === 'workspace') return ws ? { name: ws.name, displayName: ws.displayName, tags: ws.tags } : null;
  if (s.target === 'project') return (ws && s.key?.project && ws.projects[s.key.project]) || null;
  if (s.target === 'binding') {
    const found = (ws && (s.key?.project ? ws.projects[s.key.project]?.bindings : ws.bindings)) || [];
    const b = found.find((x) => x.role === s.key?.role && `${x.subjectKind}:${x.subject}` === s.key?.subject);
    return b ?? (step && isGrant(step) && step.replaces ? step.replaces : null);
  }
  return null;
}

/** The variables of one object, as plain values (the cache's keys read them); the live object looked up when read. */
class Variables {
  readonly object: unknown;
  readonly step: unknown;
  readonly workspace: unknown;
  readonly project: unknown;
  #oldObject: unknown;

  constructor(
    subject: PolicySubject,
    step: Step | undefined,
    readonly caller: unknown,
    readonly now: Date,
    private readonly live: () => unknown,
  ) {
    this.object = subject.object;
    this.step = declared(STEP, step);
    this.workspace = subject.workspaceView ?? null;
    this.project = subject.projectView ?? null;
  }

  get oldObject(): unknown {
    return this.#oldObject === undefined ? (this.#oldObject = this.live()) : this.#oldObject;
  }

  /** For CEL: each variable converted with `convert` (sharing a workspace's view) when an expression reads it. */
  converted(convert: (v: unknown) => unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of VARIABLES) {
      let value: unknown;
      let done = false;
      Object.defineProperty(out, k, {
        enumerable: true,
        get: () => (done ? value : ((done = true), (value = convert(this[k])))),
      });
    }
    return out;
  }
}

const VARIABLES = ['object', 'oldObject', 'step', 'caller', 'workspace', 'project', 'now'] as const;

export function judgePlan(
  planned: Plan,
  desired: DesiredState,
  live: LiveState,
  sources: readonly PolicySource[],
  now: Date,
): Plan {
  if (!sources.length) return planned;
  const policies = sources.flatMap((s) => s.policies);
  const refusals: Finding[] = [];
  const warnings: Finding[] = [];
  const planned_ = new Set(planned.workspaces.map((w) => w.name));
  const stepsOf = new Map(planned.workspaces.map((w) => [w.name, w.steps]));
  const caller = declared(CALLER, live.caller);
  // A workspace's (and project's) view is shared by all its objects: converted once.
  const shared = new WeakMap<object, unknown>();
  const once = (v: unknown) => {
    if (v === null || typeof v !== 'object') return celValue(v);
    if (!shared.has(v)) shared.set(v, celValue(v));
    return shared.get(v);
  };
  const byTarget = new Map(POLICY_TARGETS.map((t) => [t, policies.filter((p) => p.spec.target === t)]));
  // What a policy sees of the live object is what shapes.ts declares for its target, no more.
  const liveShape = new Map(POLICY_TARGETS.map((t) => [t, policyVariables(t).oldObject]));
  // Results repeat across objects (the same role, the same tags): computed once per distinct input.
  const cache = resultCache();
  for (const subject of policySubjects(desired, planned_)) {
    const relevant = byTarget.get(subject.target) ?? [];
    if (!relevant.length) continue;
    const step = subject.workspace ? stepFor(subject, stepsOf.get(subject.workspace) ?? []) : undefined;
    const vars = new Variables(subject, step, caller, now, () =>
      declared(liveShape.get(subject.target)!, liveFor(subject, live, step)),
    );
    cache.plain = vars;
    // Converted only when an expression of this object's policies is not in the cache.
    let converted: Record<string, unknown> | undefined;
    const cel = () => (converted ??= vars.converted(once));
    for (const p of relevant) {
      const verdict = evaluatePolicy(p, cel, cache);
      if (!('message' in verdict)) continue;
      const params: PolicyFindingParams = {
        object: subject.label,
        ...(verdict.outcome === 'deny' ? { message: verdict.message } : { error: verdict.message }),
      };
      const f: Finding = {
        rule: `${POLICY_RULE_PREFIX}${p.spec.name}`,
        ...(subject.workspace ? { workspace: subject.workspace } : {}),
        params: params,
      };
      // A policy that cannot judge refuses even when it only warns: an error is never a silent pass.
      (p.spec.action === 'deny' || verdict.outcome === 'error' ? refusals : warnings).push(f);
    }
  }
  const header = sources.map((s) => ({
    source: s.source,
    sha256: s.sha256,
    names: s.policies.map((p) => p.spec.name),
  }));
  return {
    ...planned,
    policies: header,
    digest: planDigest(planned.globalSteps, planned.workspaces, header),
    refusals: [...planned.refusals, ...refusals],
    warnings: [...planned.warnings, ...warnings],
  };
}
