/** Users and groups the plan binds that the platform does not have: said at plan, not first at apply. */
import { keyOf, subjectKey } from '../../../core/model';
import { likelyMeant } from '../../../core/rules';
import type { Workspace } from '../../../schemas/desired-state.generated';
import type { Finding } from '../../../schemas/plan.generated';
import type { LiveState, LiveWorkspaceState } from '../../observe/live-state';
import type { SubjectLookups } from '../../observe/subjects';
import { finding } from '../findings';
import { type WorkspaceRule, grants } from './context';

const boundIn = (ws: LiveWorkspaceState) =>
  new Set([...ws.bindings, ...Object.values(ws.projects).flatMap((p) => p.bindings)].map((b) => keyOf(b)));

/** What to look up: subjects the code binds that are not bound in their (live) workspace yet. */
export function subjectLookups(workspaces: readonly Workspace[], live: LiveState): SubjectLookups {
  const users = new Set<string>();
  const groupsOf = new Set<string>();
  for (const w of workspaces) {
    const ws = live.workspaces[w.metadata.name];
    const bound = ws ? boundIn(ws) : new Set<string>();
    for (const b of [...w.bindings, ...w.projects.flatMap((p) => p.bindings)]) {
      if (b.subject.invitation || bound.has(subjectKey(b.subject.kind, b.subject.name))) continue;
      if (b.subject.kind === 'User') users.add(b.subject.name);
      // A new workspace has no user groups yet: they come from the identity provider's sync.
      else if (ws) groupsOf.add(w.metadata.name);
    }
  }
  return { users: [...users], groupsOf: [...groupsOf] };
}

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
