/**
 * Whether the users and groups a plan is about to bind exist on the platform, read only for subjects
 * that are not bound in their workspace yet (a bound one exists). Read-only.
 */
import pLimit from 'p-limit';
import { ApiError } from '../../core/errors';
import type { ApiClient } from '../client/api';
import { type LiveState, dictionary } from './live-state';
import { groupMembersReadable, withGroupMembers } from './groups';
import type { MoreFacts } from './more';

/** At most this many users are looked up one by one per plan (a first apply of a large estate would need thousands). */
const USER_LOOKUP_MAX = 50;

export async function withSubjectLookups(
  api: ApiClient,
  live: LiveState,
  lookups: Pick<MoreFacts, 'users' | 'groupsOf'>,
  concurrency = 4,
): Promise<LiveState> {
  const limit = pLimit(concurrency);
  // "Not found" means "does not exist" only to a key that sees every user (an admin's); others see their workspaces' users.
  const wanted = [...new Set(lookups.users)].sort().slice(0, USER_LOOKUP_MAX);
  const conclusive = wanted.length > 0 && (live.caller ? live.caller.partner : await api.users.seesEveryone());
  const users = conclusive ? wanted : [];
  const found = await Promise.all(
    users.map((u) =>
      limit(() =>
        api.users.find({ username: u }).then(
          (list) => [u, list.some((x) => x.username === u)] as const,
          (e: unknown) => {
            // A key that may not look users up cannot tell: then nobody is reported unknown.
            if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return [u, true] as const;
            throw e;
          },
        ),
      ),
    ),
  );
  const workspaces = dictionary(Object.entries(live.workspaces));
  await Promise.all(
    lookups.groupsOf
      .filter((w) => workspaces[w] && groupMembersReadable(workspaces[w]))
      .map((w) => limit(async () => void (workspaces[w] = await withGroupMembers(api, workspaces[w])))),
  );
  return {
    ...live,
    workspaces,
    ...(conclusive ? { unknownUsers: found.filter(([, exists]) => !exists).map(([u]) => u) } : {}),
  };
}
