/**
 * The desired state as planned: every workspace the stack owns (declared with new Workspace(), not
 * being deleted) carries the stack's name in its ownership tag, and the platform gets that tag's
 * definition where it lacks one. The tag then travels with the ordinary tag steps: in the POST that
 * creates a workspace, or as a tag update when one is adopted.
 */
import { OWNERSHIP_TAG_DEFINITION, OWNERSHIP_TAG_KEY } from '../../core/rules';
import type { DesiredState, Workspace } from '../../schemas/desired-state.generated';

const owns = (w: Workspace) => w.spec.ownership === 'owned' && !w.spec.deletion;

export function withOwnership(desired: DesiredState): DesiredState {
  if (!desired.workspaces.some(owns)) return desired;
  const declared = desired.tagDefinitions.some((d) => d.metadata.name === OWNERSHIP_TAG_DEFINITION.metadata.name);
  return {
    ...desired,
    tagDefinitions: declared ? desired.tagDefinitions : [...desired.tagDefinitions, OWNERSHIP_TAG_DEFINITION],
    workspaces: desired.workspaces.map((w) =>
      owns(w)
        ? {
            ...w,
            metadata: { ...w.metadata, tags: { ...w.metadata.tags, [OWNERSHIP_TAG_KEY]: [desired.metadata.name] } },
          }
        : w,
    ),
  };
}

/** Whether the planned workspaces need the ownership tag's definition (a scoped plan creates only that one). */
export function needsOwnershipTag(workspaces: readonly Workspace[]): boolean {
  return workspaces.some(owns);
}
