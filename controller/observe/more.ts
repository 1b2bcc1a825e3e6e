/** The second read of a plan's facts: what the first read showed the plan needs (see plan/facts.ts). Read-only. */
import type { ApiClient } from '../client/api';
import { withExpiredBindings } from './history';
import type { LiveState } from './live-state';
import { withSubjectLookups } from './subjects';

export interface MoreFacts {
  /** Workspaces whose history of expired bindings to read (a binding declared without expiry is missing). */
  readonly expiryHistoryOf: readonly string[];
  /** Users the code binds that are bound nowhere in their workspace yet: do they exist? */
  readonly users: readonly string[];
  /** Workspaces whose user groups to read (a group the code binds is not bound there yet). */
  readonly groupsOf: readonly string[];
}

export async function observeMore(api: ApiClient, live: LiveState, facts: MoreFacts): Promise<LiveState> {
  return withSubjectLookups(api, await withExpiredBindings(api, live, facts.expiryHistoryOf), facts);
}
