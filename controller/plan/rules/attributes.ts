/** Tags, status and quota: partner rights, immutable and restricted tags, the live tag definitions, quota and usage. */
import { immutableKeys, quotaBelowUsage, quotaReached, restrictedKeys, tagSetProblems } from '../../../core/rules';
import type { Finding } from '../../../schemas/plan.generated';
import { finding } from '../findings';
import { type RuleContext, type WorkspaceRule, nonPartnerCaller } from './context';

type Kind = 'meshWorkspace' | 'meshProject';

/** Tags each step writes: [object kind, project, the keys it sets, whether the object is new]. */
function tagWrites(
  ctx: RuleContext,
): Array<{ kind: Kind; project?: string; keys: string[]; creates: boolean; tags: Record<string, string[]> }> {
  const out: Array<{ kind: Kind; project?: string; keys: string[]; creates: boolean; tags: Record<string, string[]> }> =
    [];
  for (const s of ctx.steps) {
    if (s.kind === 'workspace' && s.action === 'create')
      out.push({
        kind: 'meshWorkspace',
        keys: Object.keys(s.tags).filter((k) => s.tags[k].length),
        creates: true,
        tags: s.tags,
      });
    if (s.kind === 'workspace' && s.action === 'update')
      out.push({
        kind: 'meshWorkspace',
        keys: Object.keys(s.after.tags),
        creates: false,
        tags: { ...ctx.ws?.tags, ...s.after.tags },
      });
    if (s.kind === 'project' && s.action === 'create')
      out.push({
        kind: 'meshProject',
        project: s.project,
        keys: Object.keys(s.tags).filter((k) => s.tags[k].length),
        creates: true,
        tags: s.tags,
      });
    if (s.kind === 'project' && s.action === 'update')
      out.push({
        kind: 'meshProject',
        project: s.project,
        keys: Object.keys(s.after.tags),
        creates: false,
        tags: { ...ctx.ws?.projects[s.project]?.tags, ...s.after.tags },
      });
  }
  return out;
}

export const restrictedTags: WorkspaceRule = (ctx) => {
  const caller = nonPartnerCaller(ctx);
  if (!caller) return [];
  return tagWrites(ctx).flatMap((w) => {
    const keys = restrictedKeys(w.keys, ctx.live.tagDefinitions, w.kind);
    return keys.length
      ? [
          finding(
            'restricted-tag',
            { workspace: ctx.name, caller: caller.username, keys, ...(w.project ? { project: w.project } : {}) },
            ctx.name,
          ),
        ]
      : [];
  });
};

export const immutableTags: WorkspaceRule = (ctx) =>
  tagWrites(ctx)
    .filter((w) => !w.creates)
    .flatMap((w) => {
      const keys = immutableKeys(w.keys, ctx.live.tagDefinitions, w.kind);
      return keys.length
        ? [
            finding(
              'immutable-tag',
              { workspace: ctx.name, keys, ...(w.project ? { project: w.project } : {}) },
              ctx.name,
            ),
          ]
        : [];
    });

/** The platform checks every tag write against its tag definitions (which the code may not declare). */
export const liveTagDefinitions: WorkspaceRule = (ctx) =>
  tagWrites(ctx).flatMap((w) =>
    tagSetProblems(w.tags, ctx.live.tagDefinitions, w.kind).map<Finding>((p) =>
      p.rule === 'tag-value'
        ? finding('tag-value', { key: p.key, problem: p.detail! }, ctx.name)
        : p.rule === 'tag-undefined'
          ? finding('tag-undefined', { key: p.key, kind: w.kind }, ctx.name)
          : finding('tag-mandatory', { key: p.key, kind: w.kind }, ctx.name),
    ),
  );

export const partnerOnlySettings: WorkspaceRule = (ctx) => {
  if (!nonPartnerCaller(ctx)) return [];
  return [
    ...(ctx.steps.some((s) => s.kind === 'workspace-status')
      ? [finding('status-needs-partner', { workspace: ctx.name }, ctx.name)]
      : []),
    ...(ctx.steps.some((s) => s.kind === 'workspace-quota')
      ? [finding('quota-needs-partner', { workspace: ctx.name }, ctx.name)]
      : []),
  ];
};

/** The projects the workspace will have after the plan. */
function usageAfter(ctx: RuleContext): { live: number; creates: number; deletes: number } {
  const live = Object.keys(ctx.ws?.projects ?? {}).length;
  const creates = ctx.steps.filter((s) => s.kind === 'project' && s.action === 'create').length;
  const deletes = ctx.steps.filter((s) => s.kind === 'project' && s.action === 'delete').length;
  return { live, creates, deletes };
}

export const quotaUsage: WorkspaceRule = (ctx) => {
  const u = usageAfter(ctx);
  const declared = ctx.desired.spec.projectQuota;
  const quotaStep = ctx.steps.find((s) => s.kind === 'workspace-quota');
  if (declared !== undefined && quotaStep && quotaBelowUsage(declared, u.live + u.creates - u.deletes)) {
    return [
      finding(
        'quota-below-usage',
        { workspace: ctx.name, quota: declared, usage: u.live + u.creates - u.deletes },
        ctx.name,
      ),
    ];
  }
  // The code does not manage the quota (or cannot): new projects must fit the live one.
  const live = ctx.ws?.status?.projectQuota ?? null;
  if (!quotaStep && u.creates && quotaReached(live, u.live + u.creates - u.deletes - 1)) {
    return [
      finding('quota-reached', { workspace: ctx.name, quota: live!, projects: u.live, creates: u.creates }, ctx.name),
    ];
  }
  return [];
};
