/** Users and groups the plan binds that the platform does not have: said at plan, not first at apply. */
import { subjectKey } from '../../../core/model';
import { likelyMeant } from '../../../core/rules';
import type { Finding } from '../../../schemas/plan.generated';
import { boundIn } from '../facts';
import { finding } from '../findings';
import { type WorkspaceRule, grants } from './context';

export const unknownSubjects: WorkspaceRule = (ctx) => {
  const unknownUsers = new Set(ctx.live.unknownUsers ?? []);
  const groups = ctx.ws?.groupMembers;
  const knownUsers = [
    ...new Set([
      ...Object.values(ctx.live.workspaces).flatMap((w) =>
        [...boundIn(w)].filter((k) => k.startsWith('User:')).map((k) => k.slice(5)),
      ),
      ...Object.values(ctx.live.usersByEmail),
    ]),
  ];
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const g of grants(ctx)) {
    const s = g.grant.subject;
    const key = subjectKey(s.kind, s.name);
    if (seen.has(key) || s.invitation) continue;
    seen.add(key);
    if (s.kind === 'User' && unknownUsers.has(s.name)) {
      const meant = likelyMeant(s.name, knownUsers);
      out.push(finding('unknown-subject', { subject: s, workspace: ctx.name, ...(meant ? { meant } : {}) }, ctx.name));
    } else if (s.kind === 'Group' && groups && !(s.name in groups)) {
      const meant = likelyMeant(s.name, Object.keys(groups));
      out.push(finding('unknown-subject', { subject: s, workspace: ctx.name, ...(meant ? { meant } : {}) }, ctx.name));
    }
  }
  return out;
};
