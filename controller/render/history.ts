/**
 * The workspace history in sentences: who changed what, when and why. Grants carry the reason the
 * code gave; removals say why they happened (an expiry is labelled as such).
 */
import { printable } from '../../core/printable';
import { type EventLogEntry, authorName, bindingOf } from '../client/event-log';
import type { WorkspaceEvent } from '../client/types';

type Details = Record<string, unknown>;

const text = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));

function subject(d: Details): string {
  const kind = text(d.subjectKind).toLowerCase() === 'group' ? 'group' : 'user';
  return `${kind} ${text(d.subject)}`;
}

const on = (e: WorkspaceEvent) => (e.project ? ` on project ${e.project}` : '');
const until = (d: Details) => (typeof d.expiryDate === 'string' ? ` until ${d.expiryDate}` : '');
// 'removed' says nothing a removal does not say already.
const because = (d: Details) =>
  typeof d.reason === 'string' && d.reason && d.reason !== 'removed' ? ` (${d.reason})` : '';

type Attributes = { displayName?: unknown; tags?: Record<string, unknown> };

/** `: display name "a" → "b"; tag costCenter: x → y` from an update's before and after. */
function changes(d: Details): string {
  const before = (d.before ?? {}) as Attributes;
  const after = (d.after ?? {}) as Attributes;
  const list = (v: unknown) => (Array.isArray(v) && v.length ? v.join(', ') : '(none)');
  const out =
    before.displayName !== after.displayName
      ? [`display name "${text(before.displayName)}" → "${text(after.displayName)}"`]
      : [];
  const keys = [...new Set([...Object.keys(before.tags ?? {}), ...Object.keys(after.tags ?? {})])].sort();
  for (const k of keys)
    if (JSON.stringify(before.tags?.[k]) !== JSON.stringify(after.tags?.[k]))
      out.push(`tag ${k}: ${list(before.tags?.[k])} → ${list(after.tags?.[k])}`);
  return out.length ? `: ${out.join('; ')}` : '';
}

/** One event as a sentence; an event meshform does not know is shown with its type and details. */
function eventSentence(e: WorkspaceEvent): string {
  const d = e.details;
  switch (e.type) {
    case 'USER_INVITED':
    case 'USER_ROLE_CHANGED':
    case 'PROJECT_USER_ASSIGNED':
      if (d.added || e.type === 'PROJECT_USER_ASSIGNED')
        return `granted ${subject(d)}: ${text(d.role)}${on(e)}${until(d)}${because(d)}`;
      return `removed ${subject(d)}: ${text(d.role)}${on(e)}${d.reason === 'expired' ? ' (expired)' : because(d)}`;
    case 'USER_REMOVED':
    case 'PROJECT_USER_REMOVED':
    case 'USER_INVITATION_CANCELLED':
      return `${d.reason === 'expired' ? 'expired' : 'removed'} ${subject(d)}: ${text(d.role)}${on(e)}${d.reason === 'expired' ? until(d) : because(d)}`;
    case 'USER_ACCEPTED_INVITATION':
      return `${text(d.email) || 'an invited user'} accepted the invitation as ${e.actor}`;
    case 'ROLE_REQUEST_CREATED':
      return `requested ${subject(d)}: ${text(d.role)}${on(e)}${because(d)} (waits for a second approval)`;
    case 'ROLE_REQUEST_APPROVED':
    case 'ROLE_REQUEST_DECLINED':
    case 'ROLE_REQUEST_CANCELLED':
      return `${e.type.slice('ROLE_REQUEST_'.length).toLowerCase()} the request${d.subject ? ` for ${subject(d)}: ${text(d.role)}` : ''}${on(e)}`;
    case 'CUSTOMER_CREATED':
    case 'CUSTOMER_REGISTERED':
      return `created the workspace${d.displayName ? ` "${text(d.displayName)}"` : ''}`;
    case 'CUSTOMER_UPDATED':
      return `updated the workspace${changes(d)}`;
    case 'CUSTOMER_APPROVED':
      return 'approved the workspace';
    case 'CUSTOMER_DELETED':
      return `deleted the workspace${because(d)}`;
    case 'CUSTOMER_QUOTA_EDITED':
      return `set the project quota: ${text(d.before) || 'none'} → ${text(d.after) || 'none'}`;
    case 'CUSTOMER_STATUS_CHANGED':
      return `set the status: ${text(d.before)} → ${text(d.after)}`;
    case 'PROJECT_CREATED':
      return `created project ${e.project ?? text(d.name)}`;
    case 'PROJECT_UPDATED':
      return `updated project ${e.project ?? ''}${changes(d)}`;
    case 'PROJECT_DELETION_REQUESTED':
      return `asked to delete project ${e.project ?? ''}${because(d)}`;
    case 'PROJECT_DELETED':
      return `project ${e.project ?? ''} was deleted`;
    default:
      return `${e.type} ${Object.entries(d)
        .map(([k, v]) => `${k}=${text(v)}`)
        .join(' ')}`.trimEnd();
  }
}

export function renderHistory(events: readonly WorkspaceEvent[]): string {
  if (!events.length) return 'No history.\n';
  const width = Math.max(...events.map((e) => e.actor.length));
  return `${events.map((e) => printable(`${e.at.replace(/\.\d+Z$/, 'Z')}  ${e.actor.padEnd(width)}  ${eventSentence(e)}`)).join('\n')}\n`;
}

/** What an event log entry changed, in a few words: the binding it is about, else the platform's description. */
function eventLogDetail(e: EventLogEntry): string {
  const b = bindingOf(e);
  if (!b) return e.description ? `: ${e.description}` : '';
  const until = b.expiryDate ? ` until ${b.expiryDate}` : '';
  const on = b.project ? ` on project ${b.project}` : '';
  return `: ${b.subjectKind === 'Group' ? 'group' : 'user'} ${b.subject}, ${b.role}${on}${until}`;
}

/** meshStack's event log, oldest first: when, who (meshStack for the platform itself, as for an expiry), what. */
export function renderEventLog(entries: readonly EventLogEntry[]): string {
  if (!entries.length) return 'No history.\n';
  const who = entries.map(authorName);
  const width = Math.max(...who.map((w) => w.length));
  return `${entries.map((e, i) => printable(`${e.at.replace(/\.\d+Z$/, 'Z')}  ${who[i].padEnd(width)}  ${e.title}${eventLogDetail(e)}`)).join('\n')}\n`;
}
