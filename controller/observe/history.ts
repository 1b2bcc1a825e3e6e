/**
 * The platform's history of expired bindings, read only for the workspaces where the plan needs it
 * (a binding declared without expiry is missing: did it expire, or was it never granted?). Read-only.
 */
import pLimit from 'p-limit';
import type { ApiClient } from '../client/api';
import type { ExpiredBinding, SubjectKind, WorkspaceEvent } from '../client/types';
import type { LiveState } from './live-state';

/** Events of a binding's removal; `details.reason` says whether its expiry removed it. */
const REMOVALS = new Set(['USER_REMOVED', 'USER_ROLE_CHANGED', 'USER_INVITATION_CANCELLED', 'PROJECT_USER_REMOVED']);

function subjectKind(v: unknown): SubjectKind | undefined {
  if (typeof v !== 'string') return undefined;
  const k = v.toLowerCase();
  return k === 'user' ? 'User' : k === 'group' ? 'Group' : undefined;
}

function expiredBindingsIn(events: readonly WorkspaceEvent[]): ExpiredBinding[] {
  return events.flatMap((e): ExpiredBinding[] => {
    const d = e.details;
    if (!REMOVALS.has(e.type) || d.reason !== 'expired' || typeof d.subject !== 'string' || typeof d.role !== 'string')
      return [];
    return [
      {
        ...(e.project ? { project: e.project } : {}),
        subjectKind: subjectKind(d.subjectKind) ?? 'User',
        subject: d.subject,
        role: d.role,
        at: e.at,
        ...(typeof d.expiryDate === 'string' ? { expiryDate: d.expiryDate } : {}),
      },
    ];
  });
}

/** `live` with the expired bindings of `workspaces` (where the platform keeps a history it shows). */
export async function withExpiredBindings(
  api: ApiClient,
  live: LiveState,
  workspaces: readonly string[],
  concurrency = 4,
): Promise<LiveState> {
  const wanted = workspaces.filter((w) => live.workspaces[w]);
  if (!wanted.length || !live.platform.capabilities.includes('events')) return live;
  const limit = pLimit(concurrency);
  const read = await Promise.all(
    wanted.map((w) => limit(async () => [w, expiredBindingsIn(await api.extensions.events(w))] as const)),
  );
  const state = { ...live.workspaces };
  for (const [w, expiredBindings] of read) state[w] = { ...state[w], expiredBindings };
  return { ...live, workspaces: state };
}
