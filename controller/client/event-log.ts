/**
 * meshStack's event log (`GET /api/meshobjects/mesheventlogs`, meshEventLog `v1`, `v1-preview` on
 * older platforms; meshstack-cli client/event_log.go): the workspace history a real meshStack
 * offers. Read oldest first (`sort=createdAt,asc`): an event written while pages are read is
 * appended after them and shifts none (meshstack-cli reads newest first with a fixed `until`
 * instead, which needs a clock the platform shares: a sandbox's moved clock does not). Reading it
 * needs the key's EVENTLOG_LIST right.
 *
 * What an event's `content` holds is not documented. The fields read here (`username` or
 * `groupName`, `role`, `projectIdentifier`, `expirationDate`, `tags`) are an assumption, kept in
 * this module alone: `bindingOf`, `projectOf` and `tagsOf` are where to change it.
 */
import { ApiError } from '../../core/errors';
import type { SubjectKind } from './types';
import { ShapeError } from './wire';

type Json = Record<string, unknown>;

export interface EventLogAuthor {
  /** ApiKey, ApiUser, System (the platform itself) or User. */
  readonly type: string;
  readonly identifier: string;
  readonly username?: string;
  readonly displayName?: string;
}

export interface EventLogEntry {
  readonly uuid: string;
  readonly title: string;
  readonly description: string;
  /** Added, Approved, Cancelled, Changed, Created, Deleted, Rejected, Removed or Requested. */
  readonly eventType: string;
  /** Undefined for an event of the whole platform. */
  readonly workspace?: string;
  readonly content: Json;
  /** Set for a Changed event only. */
  readonly previousContent?: Json;
  readonly at: string;
  readonly author?: EventLogAuthor;
}

export interface EventLogFilter {
  readonly workspace?: string;
  readonly from?: string;
  readonly until?: string;
  readonly eventType?: string;
}

/** One list request of the event log: the version's items, all pages read. */
export type EventLogLister = (version: string, query: Record<string, string>) => Promise<EventLogEntry[]>;

const EVENT_LOG_VERSIONS = ['v1', 'v1-preview'] as const;

export interface EventLogApi {
  /** Oldest first. Throws ApiError (403: the key lacks EVENTLOG_LIST; 404/406: the platform has no event log). */
  list(filter?: EventLogFilter): Promise<EventLogEntry[]>;
}

const object = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function normalizeEventLog(v: unknown): EventLogEntry {
  const o = object(v);
  const uuid = text(object(o?.metadata)?.uuid);
  const spec = object(o?.spec);
  const created = object(object(o?.status)?.created);
  if (!uuid || !spec || !text(spec.title) || !text(created?.timestamp))
    throw new ShapeError('meshEventLog has no metadata.uuid, spec.title or status.created.timestamp');
  const author = object(created!.author);
  const workspace = text(object(spec.workspaceRef)?.name);
  const previous = object(spec.previousContent);
  return {
    uuid,
    title: spec.title as string,
    description: text(spec.description) ?? '',
    eventType: text(spec.eventType) ?? '',
    ...(workspace ? { workspace } : {}),
    content: object(spec.content) ?? {},
    ...(previous ? { previousContent: previous } : {}),
    at: created!.timestamp as string,
    ...(author && text(author.type)
      ? {
          author: {
            type: author.type as string,
            identifier: text(author.identifier) ?? '',
            ...(text(author.username) ? { username: author.username as string } : {}),
            ...(text(author.displayName) ? { displayName: author.displayName as string } : {}),
          },
        }
      : {}),
  };
}

/**
 * The event log over `list`, asking for `v1` first and, where the platform refuses that media type,
 * for `v1-preview` (remembered for the client's life).
 */
export function eventLogApi(list: EventLogLister): EventLogApi {
  let version: string | undefined;
  return {
    async list(filter = {}) {
      const query: Record<string, string> = {
        sort: 'createdAt,asc',
        ...(filter.until ? { until: filter.until } : {}),
        ...(filter.workspace ? { workspaceIdentifier: filter.workspace } : {}),
        ...(filter.from ? { from: filter.from } : {}),
        ...(filter.eventType ? { eventType: filter.eventType } : {}),
      };
      const read = async (v: string) => {
        const entries = await list(v, query);
        version = v;
        // A platform that ignores `sort` is put in order all the same, each event once.
        const once = [...new Map(entries.map((e) => [e.uuid, e])).values()];
        return once.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
      };
      if (version) return read(version);
      try {
        return await read(EVENT_LOG_VERSIONS[0]);
      } catch (e) {
        if (!(e instanceof ApiError && (e.status === 406 || e.status === 415))) throw e;
        return read(EVENT_LOG_VERSIONS[1]);
      }
    },
  };
}

/** Who did it, in one word: a username, an API key's name, or "meshStack" for the platform itself. */
export function authorName(e: EventLogEntry): string {
  const a = e.author;
  if (!a) return 'unknown';
  if (a.type === 'System') return 'meshStack';
  const who = a.username ?? a.displayName ?? a.identifier;
  return a.type === 'User' ? who : `${a.type} ${who}`;
}

/** A role binding an Added or Removed event is about, where its content names one. */
export function bindingOf(
  e: EventLogEntry,
): { subjectKind: SubjectKind; subject: string; role: string; project?: string; expiryDate?: string } | undefined {
  const c = e.content;
  const role = text(c.role) ?? text(c.roleName) ?? text(c.workspaceRole) ?? text(c.projectRole);
  const group = text(c.groupName) ?? text(c.group);
  const user = text(c.username) ?? text(c.userName) ?? text(c.user);
  const subject = group ?? user;
  if (!role || !subject) return undefined;
  const project = projectOf(e);
  const expiryDate = text(c.expirationDate) ?? text(c.expiryDate);
  return {
    subjectKind: group ? 'Group' : 'User',
    subject,
    role,
    ...(project ? { project } : {}),
    ...(expiryDate ? { expiryDate } : {}),
  };
}

/** The project an event is about, where its content names one. */
export function projectOf(e: EventLogEntry): string | undefined {
  return text(e.content.projectIdentifier) ?? text(e.content.project);
}

/** The tags of a workspace as an event's content holds them, where it holds them. */
export function tagsOf(content: Json | undefined): Record<string, unknown> | undefined {
  return object(content?.tags);
}
