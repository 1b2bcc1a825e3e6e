/**
 * The platform's history of removed bindings, read only for the workspaces where the plan needs it
 * (a binding declared without expiry is missing: did it expire, was it removed by someone, or was
 * it never granted?), and of removed ownership tags. From the sandbox's events extension, or from
 * meshStack's event log. Read-only.
 */
import pLimit from 'p-limit';
import { ApiError } from '../../core/errors';
import { OWNERSHIP_TAG_KEY } from '../../core/rules/ownership';
import type { ApiClient } from '../client/api';
import { type EventLogEntry, authorName, bindingOf, tagsOf } from '../client/event-log';
import type { ExpiredBinding, OwnershipTagRemoval, RemovedBinding, SubjectKind, WorkspaceEvent } from '../client/types';
import { type LiveState, type LiveWorkspaceState, dictionary } from './live-state';

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

/**
 * The role removals of an event log: by the platform itself (author System) an expiry, by anyone
 * else a removal by hand. (Which author an expiry has on meshStack is not documented; System is the
 * only author that is not a person or a key.)
 */
export function bindingRemovalsIn(entries: readonly EventLogEntry[]): {
  expired: ExpiredBinding[];
  removed: RemovedBinding[];
} {
  const expired: ExpiredBinding[] = [];
  const removed: RemovedBinding[] = [];
  for (const e of entries) {
    const b = e.eventType === 'Removed' ? bindingOf(e) : undefined;
    if (!b) continue;
    const { expiryDate, ...who } = b;
    if (e.author?.type === 'System') expired.push({ ...who, at: e.at, ...(expiryDate ? { expiryDate } : {}) });
    else removed.push({ ...who, at: e.at, by: authorName(e) });
  }
  return { expired, removed };
}

/** The latest change that removed the ownership tag, from an event log's Changed events of one workspace. */
export function ownershipTagRemovalIn(entries: readonly EventLogEntry[]): OwnershipTagRemoval | undefined {
  const stackIn = (tags: Record<string, unknown> | undefined) => {
    const v = tags?.[OWNERSHIP_TAG_KEY];
    return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : typeof v === 'string' ? v : undefined;
  };
  const removals = entries.flatMap((e): OwnershipTagRemoval[] => {
    const before = stackIn(tagsOf(e.previousContent));
    if (e.eventType !== 'Changed' || before === undefined || stackIn(tagsOf(e.content)) !== undefined) return [];
    return [{ stack: before, at: e.at, by: authorName(e), authorType: e.author?.type ?? 'unknown' }];
  });
  return removals[removals.length - 1];
}

/** An event log the key may not read (EVENTLOG_LIST), or a platform without one: no history, not a failure. */
async function readable<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof ApiError && [403, 404, 406, 415].includes(e.status ?? 0)) return undefined;
    throw e;
  }
}

/** What the history adds to one workspace's state; undefined where it tells nothing. */
type Reader = (
  name: string,
) => Promise<
  Partial<Pick<LiveWorkspaceState, 'expiredBindings' | 'removedBindings' | 'ownershipTagRemoved'>> | undefined
>;

/** How this platform's history of removed bindings is read: its events extension, else meshStack's event log. */
function removalReader(api: ApiClient, live: LiveState): Reader | undefined {
  if (live.platform.capabilities.includes('events'))
    return async (w) => ({ expiredBindings: expiredBindingsIn(await api.extensions.events(w)) });
  const log = api.eventLog;
  if (!log) return undefined;
  return async (w) => {
    const entries = await readable(() => log.list({ workspace: w, eventType: 'Removed' }));
    if (!entries) return undefined;
    const { expired, removed } = bindingRemovalsIn(entries);
    return { expiredBindings: expired, removedBindings: removed };
  };
}

async function withReads(
  live: LiveState,
  workspaces: readonly string[],
  concurrency: number,
  read: Reader,
): Promise<LiveState> {
  const limit = pLimit(concurrency);
  const found = await Promise.all(workspaces.map((w) => limit(async () => [w, await read(w)] as const)));
  const state = dictionary(Object.entries(live.workspaces));
  for (const [w, added] of found) if (added) state[w] = { ...state[w], ...added };
  return { ...live, workspaces: state };
}

/** `live` with the removed bindings of `workspaces`, where the platform keeps a history it shows. */
export async function withExpiredBindings(
  api: ApiClient,
  live: LiveState,
  workspaces: readonly string[],
  concurrency = 4,
): Promise<LiveState> {
  const wanted = workspaces.filter((w) => Object.hasOwn(live.workspaces, w));
  const read = removalReader(api, live);
  if (!wanted.length || !read) return live;
  return withReads(live, wanted, concurrency, read);
}

/** `live` with who removed the ownership tag of `workspaces` (live, untagged), where meshStack's event log tells. */
export async function withOwnershipTagRemovals(
  api: ApiClient,
  live: LiveState,
  workspaces: readonly string[],
  concurrency = 4,
): Promise<LiveState> {
  const log = api.eventLog;
  const wanted = workspaces.filter((w) => Object.hasOwn(live.workspaces, w));
  if (!wanted.length || !log) return live;
  return withReads(live, wanted, concurrency, async (w) => {
    const entries = await readable(() => log.list({ workspace: w, eventType: 'Changed' }));
    const removal = entries && ownershipTagRemovalIn(entries);
    return removal ? { ownershipTagRemoved: removal } : undefined;
  });
}
