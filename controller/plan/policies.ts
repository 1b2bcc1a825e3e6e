/**
 * Organisation policies in the plan: each compiled policy judges the desired objects of the planned
 * workspaces, with the plan's step for the object, the live object and the plan's one "now". Kept
 * apart from plan() and as pure: a deny is a refusal (no flag overrides it), a warn a warning.
 */
import { judgeDesired } from '../../core/policy/judge';
import type { PolicySubject } from '../../core/policy/objects';
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

/**
 * The policies' findings on `desired` against the live state: with a plan, its workspaces and their
 * steps; without (`import --check`, which judges the estate as it is), every workspace, no step.
 */
export function policyFindings(
  desired: DesiredState,
  live: LiveState,
  sources: readonly PolicySource[],
  now: Date,
  planned?: Plan,
): { refusals: Finding[]; warnings: Finding[] } {
  const stepsOf = new Map((planned?.workspaces ?? []).map((w) => [w.name, w.steps]));
  const verdicts = judgeDesired(
    desired,
    sources.flatMap((s) => s.policies),
    {
      now,
      ...(planned ? { workspaces: new Set(stepsOf.keys()) } : {}),
      caller: live.caller ? { username: live.caller.username, partner: live.caller.partner } : null,
      around: (subject) => {
        const step = subject.workspace ? stepFor(subject, stepsOf.get(subject.workspace) ?? []) : undefined;
        return { step: step ?? null, oldObject: () => liveFor(subject, live, step) };
      },
    },
  );
  const finding = (v: (typeof verdicts)[number]): Finding => ({
    rule: v.rule,
    ...(v.subject.workspace ? { workspace: v.subject.workspace } : {}),
    params: v.params,
  });
  return {
    refusals: verdicts.filter((v) => v.refuses).map(finding),
    warnings: verdicts.filter((v) => !v.refuses).map(finding),
  };
}

export function judgePlan(
  planned: Plan,
  desired: DesiredState,
  live: LiveState,
  sources: readonly PolicySource[],
  now: Date,
): Plan {
  if (!sources.length) return planned;
  const { refusals, warnings } = policyFindings(desired, live, sources, now, planned);
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
