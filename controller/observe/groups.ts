/** The members of a workspace's user groups, as the key can read them. Read-only. */
import { ApiError } from '../../core/errors';
import type { ApiClient } from '../client/api';
import { type LiveWorkspaceState, dictionary } from './live-state';

/**
 * The workspace with its groups' members read; a key the platform does not show them to (403 or 404)
 * leaves them unread, marked so: unknown, never an empty list.
 */
export async function withGroupMembers(api: ApiClient, ws: LiveWorkspaceState): Promise<LiveWorkspaceState> {
  try {
    return { ...ws, groupMembers: dictionary((await api.groups.list(ws.name)).map((g) => [g.name, g.members])) };
  } catch (e) {
    if (!(e instanceof ApiError && (e.status === 403 || e.status === 404))) throw e;
    return { ...ws, unread: [...(ws.unread ?? []), 'group-members'] };
  }
}

/** Whether observe may read the workspace's group members: not where the key is known not to see them. */
export const groupMembersReadable = (ws: LiveWorkspaceState) =>
  ws.groupMembers === undefined && !ws.unread?.includes('group-members');
