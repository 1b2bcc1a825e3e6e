/**
 * API-call accounting: the fewest requests a step can make, to compare meshform's requests against,
 * and what a per-resource Terraform provider would make instead.
 */
import type { LiveState } from '../controller/observe/live-state';

/** meshStack's largest page: one list request returns at most this many objects. */
const PAGE_SIZE = 1000;

const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE_SIZE));

/**
 * Platform singletons observe reads once: /mesh/info, the extension capabilities, settings, whoami,
 * workspace statuses, pending role requests and the clock.
 */
const SINGLETONS = 7;

export interface LiveCounts {
  readonly workspaces: number;
  readonly projects: number;
  readonly workspaceUserBindings: number;
  readonly workspaceGroupBindings: number;
  readonly projectBindings: number;
  readonly tagDefinitions: number;
  readonly users: number;
}

/** What observe found on the platform (the bench platforms hold only the estate). */
export function liveCounts(live: LiveState): LiveCounts {
  const ws = Object.values(live.workspaces);
  const wsBindings = ws.flatMap((w) => w.bindings);
  const projects = ws.flatMap((w) => Object.values(w.projects));
  return {
    workspaces: ws.length,
    projects: projects.length,
    workspaceUserBindings: wsBindings.filter((b) => b.subjectKind === 'User').length,
    workspaceGroupBindings: wsBindings.filter((b) => b.subjectKind === 'Group').length,
    projectBindings: projects.reduce((n, p) => n + p.bindings.length, 0),
    tagDefinitions: live.tagDefinitions.length,
    users: Object.keys(live.usersByEmail).length,
  };
}

/**
 * The fewest reads a full observe can make: each collection as one paged list, and the project
 * bindings as meshStack offers them, per project (user and group bindings, one page each).
 */
export function observeLowerBound(c: LiveCounts): number {
  // Users are read only where the manifest invites someone by e-mail.
  const collections =
    pages(c.tagDefinitions) +
    pages(c.workspaces) +
    pages(c.projects) +
    pages(c.workspaceUserBindings) +
    pages(c.workspaceGroupBindings) +
    (c.users ? pages(c.users) : 0);
  return SINGLETONS + collections + 2 * c.projects;
}

/** A per-resource provider refreshes every object it manages with one GET (terraform-provider-meshstack does). */
export function perResourceRefresh(c: LiveCounts): number {
  return (
    c.workspaces +
    c.projects +
    c.workspaceUserBindings +
    c.workspaceGroupBindings +
    c.projectBindings +
    c.tagDefinitions
  );
}
