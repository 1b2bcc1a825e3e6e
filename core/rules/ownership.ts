/**
 * Which meshform stack owns a workspace: the value of its `meshformStack` tag, written when the stack
 * creates the workspace (in the same POST), adopts it, or imports it. A tag because the meshObject
 * API offers nothing else that is atomic with creation and visible to every stack and person: a
 * binding-name prefix would need a binding, and a workspace may have none. The tag needs a tag
 * definition, which meshform creates once (a partner's right, as for every tag definition).
 */
import type { TagDefinition } from '../../schemas/desired-state.generated';

export const OWNERSHIP_TAG_KEY = 'meshformStack';

export const OWNERSHIP_TAG_DEFINITION: TagDefinition = {
  metadata: { name: `meshWorkspace.${OWNERSHIP_TAG_KEY}` },
  spec: {
    targetKind: 'meshWorkspace',
    key: OWNERSHIP_TAG_KEY,
    displayName: 'meshform stack',
    description: 'The meshform stack whose code owns this workspace; written by meshform, one stack per workspace.',
    valueType: { string: {} },
    restricted: false,
    mandatory: false,
    immutable: false,
  },
};

/** The stack that owns a workspace with these tags, if any. */
export function ownerOf(tags: Readonly<Record<string, readonly string[]>>): string | undefined {
  return tags[OWNERSHIP_TAG_KEY]?.[0];
}

/** The prefix of every binding name meshform gives (the rest is derived from what it binds). */
export const BINDING_NAME_PREFIX = 'mf-';

/**
 * Whether meshform created a binding, by its name: terraform-provider-meshstack names bindings as
 * its user declares them, meshPanel with UUIDs.
 */
export function createdByMeshform(bindingName: string): boolean {
  return bindingName.startsWith(BINDING_NAME_PREFIX);
}
