/** Users and groups the plan binds that the platform does not have: said at plan, not first at apply. */
import { subjectKey } from '../../../core/model';
import { likelyMeant } from '../../../core/rules';
import type { Finding } from '../../../schemas/plan.generated';
import type { LiveState } from '../../observe/live-state';
import { boundIn } from '../facts';
import { finding } from '../findings';
import { type WorkspaceRule, grants } from './context';

/**
 * Every user the estate knows, for a likely name. Gathered for the first unknown user and kept per live
 * state: gathered for every workspace, a plan of 10,000 workspaces was quadratic (bench/policies.md).
 */
const knownUsersOf = new WeakMap<LiveState, string[]>();
function knownUsers(live: LiveState): string[] {
  let known = knownUsersOf.get(live);
  if (!known) {
    known = [
      ...new Set([
        ...Object.values(live.workspaces).flatMap((w) =>
          [...boundIn(w)].filter((k) => k.startsWith('User:')).map((k) => k.slice(5)),
        ),
        ...Object.values(live.usersByEmail),
      ]),
    ];
    knownUsersOf.set(live, known);
  }
  return known;
}

export const unknownSubjects: WorkspaceRule = (ctx) => {
  const unknownUsers = new Set(ctx.live.unknownUsers ?? []);
  const groups = ctx.ws?.groupMembers;
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const g of grants(ctx)) {
    const s = g.grant.subject;
    const key = subjectKey(s.kind, s.name);
    if (seen.has(key) || s.invitation) continue;
    seen.add(key);
    if (s.kind === 'User' && unknownUsers.has(s.name)) {
      const meant = likelyMeant(s.name, knownUsers(ctx.live));
      out.push(finding('unknown-subject', { subject: s, workspace: ctx.name, ...(meant ? { meant } : {}) }, ctx.name));
    } else if (s.kind === 'Group' && groups && !(s.name in groups)) {
      const meant = likelyMeant(s.name, Object.keys(groups));
      out.push(finding('unknown-subject', { subject: s, workspace: ctx.name, ...(meant ? { meant } : {}) }, ctx.name));
    }
  }
  return out;
};
