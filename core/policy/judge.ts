/**
 * Every policy on every object of a desired state it targets: the one loop that synth, the plan,
 * `import --check` and the Terraform provider share, so that each reports the same findings. What
 * only a plan knows (the live object, the planned step) comes from `around`; without it (at synth)
 * `oldObject` and `step` are null.
 */
import { POLICY_RULE_PREFIX, type PolicyFindingParams } from '../rules';
import type { DesiredState } from '../../schemas/desired-state.generated';
import { celValue, evaluatePolicy } from './evaluate';
import { type PolicySubject, policySubjects } from './objects';
import { type CompiledPolicy, POLICY_TARGETS } from './policy';

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
  /** The live object and the planned step of a subject, where a plan knows them. */
  readonly around?: (subject: PolicySubject) => { readonly oldObject: unknown; readonly step: unknown };
}

export function judgeDesired(
  desired: DesiredState,
  policies: readonly CompiledPolicy[],
  ctx: JudgeContext,
): PolicyVerdict[] {
  const verdicts: PolicyVerdict[] = [];
  if (!policies.length) return verdicts;
  const caller = ctx.caller ?? null;
  const at = celValue(ctx.now);
  // A workspace's (and project's) view is shared by all its objects: converted once.
  const converted = new WeakMap<object, unknown>();
  const once = (v: Record<string, unknown> | undefined) => {
    if (!v) return null;
    if (!converted.has(v)) converted.set(v, celValue(v));
    return converted.get(v);
  };
  const byTarget = new Map(POLICY_TARGETS.map((t) => [t, policies.filter((p) => p.spec.target === t)]));
  for (const subject of policySubjects(desired, ctx.workspaces)) {
    const relevant = byTarget.get(subject.target) ?? [];
    if (!relevant.length) continue;
    const around = ctx.around?.(subject);
    const vars = {
      object: once(subject.object),
      oldObject: celValue(around?.oldObject ?? null),
      step: celValue(around?.step ?? null),
      caller,
      workspace: once(subject.workspaceView),
      project: once(subject.projectView),
      now: at,
    };
    for (const p of relevant) {
      const verdict = evaluatePolicy(p, vars);
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
