/**
 * Every policy on every object of a desired state it targets: the one loop that synth, the plan,
 * `import --check` and the Terraform provider share, so that each reports the same findings. What
 * only a plan knows (the live object, the planned step) comes from `around`; without it (at synth)
 * `oldObject` and `step` are null.
 */
import { POLICY_RULE_PREFIX, type PolicyFindingParams } from '../rules';
import type { DesiredState } from '../../schemas/desired-state.generated';
import { type PolicySubject, policySubjects } from './objects';
import { type CompiledPolicy, POLICY_TARGETS } from './policy';
import { CALLER, STEP, declared, policyVariables } from './shapes';

export interface PolicyVerdict {
  readonly subject: PolicySubject;
  /** `policy:<name>` */
  readonly rule: string;
  /** A deny policy's finding, or one that could not judge (even a warn policy's: an error is never a silent pass). */
  readonly refuses: boolean;
  readonly params: PolicyFindingParams;
}

export interface JudgeContext {
  readonly now: Date;
  /** Judge only these workspaces' objects (tag definitions always). */
  readonly workspaces?: ReadonlySet<string>;
  readonly caller?: { readonly username: string; readonly partner: boolean } | null;
  /** The planned step of a subject and its live object (looked up only when an expression reads it), where a plan knows them. */
  readonly around?: (subject: PolicySubject) => { readonly step: unknown; readonly oldObject: () => unknown };
}

const VARIABLES = ['object', 'oldObject', 'step', 'caller', 'workspace', 'project', 'now'] as const;

/** The variables of one object, as plain values (the result cache's keys read them); the live object looked up when read. */
class Variables {
  readonly object: unknown;
  readonly workspace: unknown;
  readonly project: unknown;
  #oldObject: unknown;

  constructor(
    subject: PolicySubject,
    readonly step: unknown,
    readonly caller: unknown,
    readonly now: Date,
    private readonly live: () => unknown,
  ) {
    this.object = subject.object;
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

export function judgeDesired(
  desired: DesiredState,
  policies: readonly CompiledPolicy[],
  ctx: JudgeContext,
): PolicyVerdict[] {
  const verdicts: PolicyVerdict[] = [];
  if (!policies.length) return verdicts;
  // Loaded with the first policy judged (its compilation loaded CEL): a plan without policies loads neither.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { celValue, evaluatePolicy, resultCache } = require('./evaluate') as typeof import('./evaluate');
  const caller = declared(CALLER, ctx.caller ?? null);
  // A workspace's (and project's) view is shared by all its objects: converted once.
  const shared = new WeakMap<object, unknown>();
  const once = (v: unknown) => {
    if (v === null || typeof v !== 'object') return celValue(v);
    if (!shared.has(v)) shared.set(v, celValue(v));
    return shared.get(v);
  };
  const byTarget = new Map(POLICY_TARGETS.map((t) => [t, policies.filter((p) => p.spec.target === t)]));
  // What a policy sees of the live object and the step is what shapes.ts declares, no more.
  const liveShape = new Map(POLICY_TARGETS.map((t) => [t, policyVariables(t).oldObject]));
  // Results repeat across objects (the same role, the same tags): computed once per distinct input.
  const cache = resultCache();
  for (const subject of policySubjects(desired, ctx.workspaces)) {
    const relevant = byTarget.get(subject.target) ?? [];
    if (!relevant.length) continue;
    const around = ctx.around?.(subject);
    const vars = new Variables(subject, declared(STEP, around?.step ?? null), caller, ctx.now, () =>
      declared(liveShape.get(subject.target)!, around ? around.oldObject() : null),
    );
    cache.plain = vars;
    // Converted only when an expression of this object's policies is not in the cache.
    let converted: Record<string, unknown> | undefined;
    const cel = () => (converted ??= vars.converted(once));
    for (const p of relevant) {
      const verdict = evaluatePolicy(p, cel, cache);
      if (!('message' in verdict)) continue;
      verdicts.push({
        subject,
        rule: `${POLICY_RULE_PREFIX}${p.spec.name}`,
        refuses: p.spec.action === 'deny' || verdict.outcome === 'error',
        params: {
          object: subject.label,
          ...(verdict.outcome === 'deny' ? { message: verdict.message } : { error: verdict.message }),
        },
      });
    }
  }
  return verdicts;
}
