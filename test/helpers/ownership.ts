/**
 * Workspaces as meshform leaves them: owned by a stack (its meshformStack tag, whose definition the
 * platform has). Tests that set up a platform by hand, as if meshform had created the workspace,
 * use these; tests of taking over an unowned workspace do not.
 */
import type { ApiClient } from '../../controller/client/api';
import { OWNERSHIP_TAG_DEFINITION, OWNERSHIP_TAG_KEY } from '../../core/rules';

/** The stack name of the test manifests (helpers/desired.ts). */
export const TEST_STACK = 'test';

/** The ownership tag of a workspace `stack` owns, to merge into its tags. */
export const ownedBy = (stack: string = TEST_STACK): Record<string, string[]> => ({ [OWNERSHIP_TAG_KEY]: [stack] });

/** Creates a workspace as meshform would have (partner API client): the tag definition first, then the workspace with its owner. */
export async function createOwnedWorkspace(
  api: ApiClient,
  ws: { name: string; displayName?: string; tags?: Record<string, string[]> },
  stack: string = TEST_STACK,
): Promise<void> {
  if (!(await api.tagDefinitions.list()).some((d) => d.metadata.name === OWNERSHIP_TAG_DEFINITION.metadata.name))
    await api.tagDefinitions.put(OWNERSHIP_TAG_DEFINITION);
  await api.workspaces.create({
    name: ws.name,
    displayName: ws.displayName ?? ws.name,
    tags: { ...ws.tags, ...ownedBy(stack) },
  });
}
