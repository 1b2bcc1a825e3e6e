/**
 * meshStack's event log (`meshEventLog`, GET /api/meshobjects/mesheventlogs): the workspace history
 * the sandbox records, in the shape meshstack-cli reads (client/event_log.go): a title such as
 * "Workspace User Role Removed", an event type (Added, Approved, Cancelled, Changed, Created,
 * Deleted, Rejected, Removed, Requested), the workspace, a content of no fixed shape (and the
 * previous content of a Changed event), and who did it (System for what the platform did itself).
 *
 * Which content fields a real event carries is not documented: the ones here (`username` or
 * `groupName`, `role`, `projectIdentifier`, `expirationDate`, `tags`) are the sandbox's choice.
 */
import type { Tx } from '../db';
import { badRequest, notFound } from '../problem';
import { refuse } from './refusals';
import type { Principal } from '../auth';
import { accessTo } from './access';
import { type EventType, type EventView, listEvents } from './events';
import { SYSTEM_ACTOR } from './expiry';
import { memberProjectFilter } from './projects';

type Details = Record<string, unknown>;

interface Described {
  readonly title: string;
  readonly eventType: string;
  readonly content: Details;
  readonly previousContent?: Details;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The subject and role of a binding event, as content. */
function roleContent(e: EventView): Details {
  const d = e.details;
  const group = str(d.subjectKind)?.toLowerCase() === 'group';
  return {
    ...(group ? { groupName: d.subject } : { username: d.subject }),
    role: d.role,
    ...(e.project ? { projectIdentifier: e.project } : {}),
    ...(str(d.expiryDate) ? { expirationDate: d.expiryDate } : {}),
  };
}

function roleTitle(e: EventView, what: string): string {
  const group = str(e.details.subjectKind)?.toLowerCase() === 'group';
  return `${e.project ? 'Project' : 'Workspace'} ${group ? 'Group' : 'User'} ${what}`;
}

const REQUESTS: Partial<Record<EventType, [string, string]>> = {
  ROLE_REQUEST_CREATED: ['Access Request Submitted', 'Requested'],
  ROLE_REQUEST_APPROVED: ['Access Request Approved', 'Approved'],
  ROLE_REQUEST_DECLINED: ['Access Request Rejected', 'Rejected'],
  ROLE_REQUEST_CANCELLED: ['Access Request Cancelled', 'Cancelled'],
};

function describe(e: EventView): Described {
  const d = e.details;
  const request = REQUESTS[e.type];
  if (request) return { title: roleTitle(e, request[0]), eventType: request[1], content: roleContent(e) };
  switch (e.type) {
    case 'USER_INVITED':
    case 'USER_ROLE_CHANGED':
    case 'PROJECT_USER_ASSIGNED':
      return d.added || e.type === 'PROJECT_USER_ASSIGNED'
        ? { title: roleTitle(e, 'Role Added'), eventType: 'Added', content: roleContent(e) }
        : { title: roleTitle(e, 'Role Removed'), eventType: 'Removed', content: roleContent(e) };
    case 'USER_REMOVED':
    case 'USER_INVITATION_CANCELLED':
    case 'PROJECT_USER_REMOVED':
      return { title: roleTitle(e, 'Role Removed'), eventType: 'Removed', content: roleContent(e) };
    case 'CUSTOMER_CREATED':
    case 'CUSTOMER_REGISTERED':
      return {
        title: 'Workspace Created',
        eventType: 'Created',
        content: { identifier: e.workspace, displayName: d.displayName, tags: d.tags ?? {} },
      };
    case 'CUSTOMER_UPDATED':
      return {
        title: 'Workspace Changed',
        eventType: 'Changed',
        content: (d.after ?? {}) as Details,
        previousContent: (d.before ?? {}) as Details,
      };
    case 'CUSTOMER_QUOTA_EDITED':
      return {
        title: 'Workspace Quota Changed',
        eventType: 'Changed',
        content: { quota: d.after ?? null },
        previousContent: { quota: d.before ?? null },
      };
    case 'CUSTOMER_STATUS_CHANGED':
      return {
        title: 'Workspace Status Changed',
        eventType: 'Changed',
        content: { status: d.after },
        previousContent: { status: d.before },
      };
    case 'CUSTOMER_APPROVED':
      return { title: 'Workspace Approved', eventType: 'Approved', content: { identifier: e.workspace } };
    case 'CUSTOMER_DELETED':
      return { title: 'Workspace Deleted', eventType: 'Deleted', content: { identifier: e.workspace } };
    case 'PROJECT_CREATED':
      return { title: 'Project Created', eventType: 'Created', content: { projectIdentifier: e.project, ...d } };
    case 'PROJECT_UPDATED':
      return {
        title: 'Project Changed',
        eventType: 'Changed',
        content: { projectIdentifier: e.project, ...((d.after ?? {}) as Details) },
        previousContent: { projectIdentifier: e.project, ...((d.before ?? {}) as Details) },
      };
    case 'PROJECT_DELETION_REQUESTED':
      return { title: 'Project Deletion Requested', eventType: 'Requested', content: { projectIdentifier: e.project } };
    case 'PROJECT_DELETED':
      return { title: 'Project Deleted', eventType: 'Deleted', content: { projectIdentifier: e.project } };
    default:
      return { title: e.type, eventType: 'Changed', content: d };
  }
}

const UUID_PREFIX = '00000000-0000-4000-8000-';

/** One event as a meshEventLog. Its uuid is stable: derived from the event's sequence number. */
export function eventLogJson(e: EventView, base: string) {
  const { title, eventType, content, previousContent } = describe(e);
  const uuid = `${UUID_PREFIX}${e.id.toString(16).padStart(12, '0')}`;
  const system = e.actor === SYSTEM_ACTOR;
  const subject = str(content.username) ?? str(content.groupName) ?? e.project ?? e.workspace;
  return {
    apiVersion: 'v1',
    kind: 'meshEventLog',
    metadata: { uuid },
    spec: {
      title,
      description: `${title}: ${subject}${system ? ' (by the platform)' : ''}`,
      eventType,
      workspaceRef: { kind: 'meshWorkspace', name: e.workspace },
      content,
      previousContent: previousContent ?? null,
    },
    status: {
      created: {
        timestamp: e.at,
        author: system
          ? { type: 'System', identifier: 'system' }
          : { type: 'User', identifier: e.actor, username: e.actor, displayName: e.actor },
      },
    },
    _links: { self: { href: `${base}/api/meshobjects/mesheventlogs/${uuid}` } },
  };
}

export interface EventLogFilter {
  readonly workspaceIdentifier?: string;
  readonly from?: string;
  readonly until?: string;
  readonly eventType?: string;
  readonly title?: string;
  readonly sort?: string;
}

function instant(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw badRequest(`${name} must be an ISO date-time, got "${v}"`);
  return t;
}

/**
 * The events a caller may read, filtered and sorted (oldest first unless `sort=createdAt,desc`).
 * Without a workspace, only a partner reads the whole platform's log (meshStack's ADM_EVENTLOG_LIST);
 * with one, whoever may see the workspace (EVENTLOG_LIST), project events only of projects they see.
 */
export async function listEventLogs(tx: Tx, p: Principal, f: EventLogFilter): Promise<EventView[]> {
  const from = instant(f.from, 'from');
  const until = instant(f.until, 'until');
  if (f.sort !== undefined && !/^createdAt(,(asc|desc))?$/i.test(f.sort))
    throw badRequest(`sort must be createdAt,asc or createdAt,desc, got "${f.sort}"`);
  let rows: EventView[];
  if (f.workspaceIdentifier === undefined) {
    if (!p.isPartner)
      throw refuse('event-log-rights', 'listing the event log of every workspace needs ADM_EVENTLOG_LIST');
    rows = await listEvents(tx);
  } else {
    await accessTo(tx, p, f.workspaceIdentifier, { includeDeleted: true });
    const visible = await memberProjectFilter(tx, p, f.workspaceIdentifier);
    rows = (await listEvents(tx, f.workspaceIdentifier)).filter(
      (e) => visible === 'all' || e.project === null || visible.includes(e.project),
    );
  }
  const kept = rows.filter((e) => {
    const t = Date.parse(e.at);
    if ((from !== undefined && t < from) || (until !== undefined && t > until)) return false;
    if (f.eventType === undefined && f.title === undefined) return true;
    const described = describe(e);
    return (
      (f.eventType === undefined || described.eventType === f.eventType) &&
      (f.title === undefined || described.title === f.title)
    );
  });
  return /,desc$/i.test(f.sort ?? '') ? kept.reverse() : kept;
}

/** One event by its uuid, for whoever may read its workspace's log. */
export async function getEventLog(tx: Tx, p: Principal, uuid: string): Promise<EventView> {
  const id = uuid.startsWith(UUID_PREFIX) ? Number.parseInt(uuid.slice(UUID_PREFIX.length), 16) : Number.NaN;
  const [row] = Number.isSafeInteger(id)
    ? await tx.query<{ workspace: string }>('select workspace from events where id = $1', [id])
    : [];
  const found = row && (await listEventLogs(tx, p, { workspaceIdentifier: row.workspace })).find((e) => e.id === id);
  if (!found) throw notFound(`meshEventLog '${uuid}' not found`);
  return found;
}
