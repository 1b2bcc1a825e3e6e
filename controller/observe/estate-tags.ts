/**
 * What creating the ownership tag's definition would do to the estate: while no workspace tag
 * definition exists the platform checks no workspace tag, and the first one makes it check them all.
 * So before a plan may create it, the tags of every workspace are read (one list, once per platform:
 * the definition then exists) to find the keys nothing defines.
 */
import { OWNERSHIP_TAG_DEFINITION, undefinedWorkspaceTags } from '../../core/rules';
import type { DesiredState } from '../../schemas/desired-state.generated';
import type { ApiClient } from '../client/api';
import type { LiveState } from './live-state';

export async function withUndefinedTags(api: ApiClient, live: LiveState, desired: DesiredState): Promise<LiveState> {
  const owns = desired.workspaces.some((w) => w.spec.ownership === 'owned' && !w.spec.deletion);
  if (!owns || live.tagDefinitions.some((d) => d.metadata.name === OWNERSHIP_TAG_DEFINITION.metadata.name)) return live;
  const estate = (await api.workspaces.list()).filter((w) => !w.deleted);
  return { ...live, undefinedTags: undefinedWorkspaceTags(estate, live.tagDefinitions) };
}
