/**
 * Expiry and recertification: bindings that expire soon are listed; a platform that recertifies
 * without saying so is named. (An expiry beyond the role's maximum is the platform's refusal, read
 * off the dry run, ../simulate.)
 */
import { parseExpiry } from '../../../core/expiry';
import { keyOf, subjectKey } from '../../../core/model';
import { type SubjectRef, assignedExpiryDate } from '../../../core/rules';
import type { ProjectBinding, WorkspaceBinding } from '../../../schemas/desired-state.generated';
import type { LiveBinding } from '../../client/types';
import { sameSubject } from '../binding-steps';
import { finding } from '../findings';
import { type RuleContext, type WorkspaceRule, grants, removals } from './context';

/** Live bindings the code declares and this plan keeps, each with the declaration it matches. */
function keptDeclared(ctx: RuleContext): Array<{ live: LiveBinding; declared: WorkspaceBinding | ProjectBinding }> {
  if (!ctx.ws) return [];
  const removed = new Set(removals(ctx).map((r) => r.binding.name));
  const lists: Array<[LiveBinding[], Array<WorkspaceBinding | ProjectBinding>]> = [
    [ctx.ws.bindings, ctx.desired.bindings],
    ...ctx.desired.projects.map((p): [LiveBinding[], ProjectBinding[]] => [
      ctx.ws?.projects[p.metadata.name]?.bindings ?? [],
      p.bindings,
    ]),
  ];
  return lists.flatMap(([live, declared]) =>
    live.flatMap((l) => {
      const d = removed.has(l.name)
        ? undefined
        : declared.find((x) => x.roleRef.name === l.role && sameSubject(l, x.subject, ctx.live.usersByEmail));
      return d ? [{ live: l, declared: d }] : [];
    }),
  );
}

/** Declared bindings whose expiry falls within `--expiring-within`, unless the plan renews them already. */
export const expiringSoon: WorkspaceRule = (ctx) => {
  const horizon = ctx.options.expiringWithinMs;
  if (horizon === undefined) return [];
  const renewing = new Set(
    grants(ctx).map(
      (g) => `${g.project ?? ''}|${g.grant.role}|${subjectKey(g.grant.subject.kind, g.grant.subject.name)}`,
    ),
  );
  return keptDeclared(ctx).flatMap(({ live: l }) => {
    const ends = l.expiryDate ? parseExpiry(l.expiryDate)?.endsAt : undefined;
    if (!ends || renewing.has(`${l.project ?? ''}|${l.role}|${keyOf(l)}`)) return [];
    const left = ends.getTime() - ctx.now.getTime();
    if (left <= 0 || left > horizon) return [];
    const subject = { kind: l.subjectKind, name: l.subject };
    return [
      finding(
        'expiring-soon',
        {
          subject,
          role: l.role,
          ...(l.project ? { project: l.project } : {}),
          expiry: l.expiryDate!,
          leftMs: left,
        },
        ctx.name,
      ),
    ];
  });
};

/**
 * The platform assigned expiries the code does not declare, and shows neither its recertification
 * settings nor its history (a real meshStack): after the expiry the plan could not tell a lapsed
 * binding from a new one, so it says so while it still can.
 */
export const recertificationUnknown: WorkspaceRule = (ctx) => {
  const { platform } = ctx.live;
  if (platform.recertification !== undefined || platform.capabilities.includes('events')) return [];
  const byRole = new Map<string, LiveBinding[]>();
  for (const { live: l, declared } of keptDeclared(ctx)) {
    if (
      l.project !== undefined ||
      !l.expiryDate ||
      declared.expiryDate !== undefined ||
      ctx.recertification[l.role] !== undefined
    )
      continue;
    byRole.set(l.role, [...(byRole.get(l.role) ?? []), l]);
  }
  return [...byRole].map(([role, bs]) => {
    const expiry = bs.map((b) => b.expiryDate!).sort()[0];
    return finding('recertification-unknown', { role, subjects: bs.map((b) => b.subject).sort(), expiry }, ctx.name);
  });
};

/**
 * A workspace binding the code leaves open, of a role the platform recertifies: the platform gives
 * it an expiry (at the grant: now + the maximum; once live: the date it shows), so the reviewer
 * knows the access lapses then unless the code renews it.
 */
export const recertificationAssigned: WorkspaceRule = (ctx) => {
  const note = (subject: SubjectRef, role: string, expiry: string, max: number) =>
    finding('recertification-assigned', { subject, role, expiry, max }, ctx.name);
  const granted = grants(ctx).flatMap((s) => {
    const max = ctx.recertification[s.grant.role];
    return s.project !== undefined || s.grant.expiryDate !== undefined || max === undefined
      ? []
      : [note(s.grant.subject, s.grant.role, assignedExpiryDate(ctx.now, max), max)];
  });
  const live = keptDeclared(ctx).flatMap(({ live: l, declared }) => {
    const max = ctx.recertification[l.role];
    return l.project !== undefined || !l.expiryDate || declared.expiryDate !== undefined || max === undefined
      ? []
      : [note({ kind: l.subjectKind, name: l.subject }, l.role, l.expiryDate, max)];
  });
  return [...granted, ...live];
};
