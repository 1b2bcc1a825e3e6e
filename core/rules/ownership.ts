/**
 * Which meshform stack owns a workspace: the value of its `meshformStack` tag, written when the stack
 * creates the workspace (in the same POST), adopts it, or imports it. A tag because the meshObject
 * API offers nothing else that is atomic with creation and visible to every stack and person: a
 * binding-name prefix would need a binding, and a workspace may have none. The tag needs a tag
 * definition, which meshform creates once (a partner's right, as for every tag definition), restricted:
 * only a partner may set or change the tag, so a Workspace Manager cannot move a workspace to another
 * stack or strip its owner, and a user who registers a workspace cannot hand it to a stack.
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
    restricted: true,
    mandatory: false,
    immutable: false,
  },
};

/** The stack that owns a workspace with these tags, if any. */
export function owningStackOf(tags: Readonly<Record<string, readonly string[]>>): string | undefined {
  return tags[OWNERSHIP_TAG_KEY]?.[0];
}

/**
 * The ownership definition a plan or a claim writes, given the live one: the live one as it is when it
 * gives meshform what it needs (a free-form string tag on workspaces, with no default that would make
 * every new workspace some stack's, that only a partner may set); else the live one with just those
 * fields set, so a partner's wording and stricter flags (mandatory, immutable, a validation regex) stay.
 */
export function ownershipDefinition(live: TagDefinition | undefined): TagDefinition {
  if (!live) return OWNERSHIP_TAG_DEFINITION;
  const string = live.spec.valueType.string;
  if (live.spec.restricted && string && string.defaultValue === undefined && live.spec.targetKind === 'meshWorkspace')
    return live;
  const { defaultValue: _dropped, ...kept } = string ?? {};
  return {
    metadata: { name: OWNERSHIP_TAG_DEFINITION.metadata.name },
    spec: {
      ...live.spec,
      targetKind: 'meshWorkspace',
      key: OWNERSHIP_TAG_KEY,
      valueType: { string: kept },
      restricted: true,
    },
  };
}

/**
 * Why a create that met an existing workspace (a 409) did not make it, or undefined when that workspace
 * is provably the creator's: it carries the creator's ownership tag, which only a partner can set, sent
 * in the create itself (so a create retried after a lost answer). Anything else is somebody else's
 * workspace, registered first or created by another stack at the same moment.
 */
export function foreignWorkspace(
  name: string,
  sent: Readonly<Record<string, readonly string[]>>,
  live: Readonly<Record<string, readonly string[]>>,
): string | undefined {
  const stack = owningStackOf(sent);
  const owner = owningStackOf(live);
  if (stack !== undefined && owner === stack) return undefined;
  return owner !== undefined
    ? `workspace "${name}" already exists and is owned by meshform stack "${owner}", not by this stack: nothing was done to it (the identifier was taken first; choose another, or declare it in "${owner}")`
    : `workspace "${name}" already exists and is not this stack's (somebody registered the identifier first): nothing was done to it; choose another identifier, or take it over with adopt: true`;
}

/**
 * Workspace tag keys no definition covers (the ownership key aside), each with the workspaces that
 * carry it. While the platform has no workspace tag definition it checks no workspace tag; the first
 * one, the ownership tag's included, makes it check them all, and a workspace carrying one of these
 * can then no longer be saved, in the panel or by a claim.
 */
export function undefinedWorkspaceTags(
  workspaces: ReadonlyArray<{ readonly name: string; readonly tags: Readonly<Record<string, readonly string[]>> }>,
  definitions: readonly TagDefinition[],
): Record<string, string[]> {
  const defined = new Set(definitions.filter((d) => d.spec.targetKind === 'meshWorkspace').map((d) => d.spec.key));
  const found = new Map<string, string[]>();
  for (const w of workspaces)
    for (const [key, values] of Object.entries(w.tags))
      if (values.length && key !== OWNERSHIP_TAG_KEY && !defined.has(key))
        found.set(key, [...(found.get(key) ?? []), w.name]);
  return Object.fromEntries([...found.keys()].sort().map((k) => [k, found.get(k)!.sort()]));
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
