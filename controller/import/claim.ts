/**
 * The one write `meshform import` makes, as `terraform import` writes its state: the imported
 * workspaces that no stack owns get this stack's ownership tag (and the platform the tag's definition,
 * once, after a definition for every workspace tag key the estate carries without one, as the code
 * just written declares them: the first workspace tag definition makes the platform check every
 * workspace tag), so that the code just written plans to nothing. Compare-before-write: a workspace whose
 * display name or ownership changed since it was read is not claimed (409), and said so. meshStack's
 * PUT has no condition of its own, so two stacks that read a workspace unowned at the same moment can
 * both write, and the last write wins: every claim is read back, and one another stack won is lost.
 */
import pLimit from 'p-limit';
import { OWNERSHIP_TAG_DEFINITION, OWNERSHIP_TAG_KEY, owningStackOf, ownershipDefinition } from '../../core/rules';
import type { ApiClient } from '../client/api';
import type { LiveState } from '../observe/live-state';
import { definitionsForFoundTags } from './tag-definitions';

export interface ClaimReport {
  readonly claimed: string[];
  readonly failed: Array<{ readonly workspace: string; readonly error: string }>;
  /** Written, then overwritten by another stack's claim at the same moment (read back after writing). */
  readonly lost: Array<{ readonly workspace: string; readonly owner: string | undefined }>;
  readonly definitionCreated: boolean;
  /** Definitions of the tag keys found on the estate, created before the ownership tag's. */
  readonly tagDefinitionsCreated: string[];
}

export async function claimOwnership(
  api: ApiClient,
  live: LiveState,
  workspaces: readonly string[],
  stack: string,
  onProgress?: (done: number, total: number) => void,
): Promise<ClaimReport> {
  if (!workspaces.length)
    return { claimed: [], failed: [], lost: [], definitionCreated: false, tagDefinitionsCreated: [] };
  const current = live.tagDefinitions.find((d) => d.metadata.name === OWNERSHIP_TAG_DEFINITION.metadata.name);
  const found = current ? [] : definitionsForFoundTags(await api.workspaces.list(), live.tagDefinitions);
  for (const d of found) await api.tagDefinitions.put(d);
  // A live definition that gives meshform what it needs is left as a partner made it.
  const wanted = ownershipDefinition(current);
  if (wanted !== current) await api.tagDefinitions.put(wanted);
  const limit = pLimit(4);
  const claimed: string[] = [];
  const failed: Array<{ workspace: string; error: string }> = [];
  await Promise.all(
    workspaces.map((name) =>
      limit(async () => {
        const displayName = live.workspaces[name].displayName;
        try {
          await api.workspaces.update(
            name,
            { displayName, tags: { [OWNERSHIP_TAG_KEY]: [stack] } },
            { displayName, tags: { [OWNERSHIP_TAG_KEY]: [] } },
          );
          claimed.push(name);
        } catch (e) {
          failed.push({ workspace: name, error: (e as Error).message });
        }
        onProgress?.(claimed.length + failed.length, workspaces.length);
      }),
    ),
  );
  const owners = new Map(
    (claimed.length ? await api.workspaces.list() : []).map((w) => [w.name, owningStackOf(w.tags)]),
  );
  const lost = claimed.filter((name) => owners.get(name) !== stack);
  return {
    claimed: claimed.filter((name) => !lost.includes(name)).sort(),
    lost: lost.sort().map((workspace) => ({ workspace, owner: owners.get(workspace) })),
    failed: failed.sort((a, b) => (a.workspace < b.workspace ? -1 : 1)),
    definitionCreated: !current,
    tagDefinitionsCreated: found.map((d) => d.metadata.name),
  };
}
