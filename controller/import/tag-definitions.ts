/**
 * A tag definition for every workspace tag key the estate carries without one, so that the ownership
 * tag's definition (which makes the platform check every workspace tag) leaves every workspace as it
 * was: a free-form string where each workspace holds one value, the values found as the options where
 * some hold several (a string tag takes exactly one). Import writes them into the code; its claim
 * creates them before the ownership definition.
 */
import { undefinedWorkspaceTags } from '../../core/rules';
import type { TagDefinition } from '../../schemas/desired-state.generated';

export function definitionsForFoundTags(
  workspaces: ReadonlyArray<{ readonly name: string; readonly tags: Readonly<Record<string, readonly string[]>> }>,
  definitions: readonly TagDefinition[],
): TagDefinition[] {
  const found = undefinedWorkspaceTags(workspaces, definitions);
  return Object.keys(found).map((key) => {
    const lists = workspaces.map((w) => w.tags[key] ?? []).filter((values) => values.length > 0);
    const options = [...new Set(lists.flat())].sort();
    return {
      metadata: { name: `meshWorkspace.${key}` },
      spec: {
        targetKind: 'meshWorkspace',
        key,
        displayName: key,
        valueType: lists.every((values) => values.length === 1)
          ? { string: {} }
          : { multiSelect: { options: options as [string, ...string[]] } },
        restricted: false,
        mandatory: false,
        immutable: false,
      },
    };
  });
}
