/**
 * The desired state as planned: every workspace the stack owns (declared with new Workspace(), not
 * being deleted) carries the stack's name in its ownership tag, and the platform gets that tag's
 * definition where it lacks one, or lacks what meshform needs of it (core/rules/ownership.ts: a
 * partner's stricter definition is kept). The tag then travels with the ordinary tag steps: in the
 * POST that creates a workspace, or as a tag update when one is adopted.
 */
import { OWNERSHIP_TAG_DEFINITION, OWNERSHIP_TAG_KEY, ownershipDefinition } from '../../core/rules';
import type { DesiredState, TagDefinition, Workspace } from '../../schemas/desired-state.generated';
import type { Finding, TagDefinitionStep } from '../../schemas/plan.generated';
import type { LiveState } from '../observe/live-state';
import { finding } from './findings';

const owns = (w: Workspace) => w.spec.ownership === 'owned' && !w.spec.deletion;
const isOwnership = (d: TagDefinition) => d.metadata.name === OWNERSHIP_TAG_DEFINITION.metadata.name;

export function withOwnership(desired: DesiredState, live: LiveState): DesiredState {
  if (!desired.workspaces.some(owns)) return desired;
  const definition = ownershipDefinition(
    desired.tagDefinitions.find(isOwnership) ?? live.tagDefinitions.find(isOwnership),
  );
  return {
    ...desired,
    tagDefinitions: [...desired.tagDefinitions.filter((d) => !isOwnership(d)), definition],
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

/** The ownership tag's definition as planned, where the planned workspaces need it (a scoped plan creates only that one). */
export function ownershipDefinitionFor(desired: DesiredState, workspaces: readonly Workspace[]): TagDefinition[] {
  return workspaces.some(owns) ? desired.tagDefinitions.filter(isOwnership) : [];
}

/**
 * The ownership definition is never created while live workspaces carry tag keys no definition covers
 * (those this plan defines first aside): it makes the platform check every workspace tag, and those
 * workspaces could no longer be saved.
 */
export function undefinedTagRefusals(globalSteps: readonly TagDefinitionStep[], live: LiveState): Finding[] {
  if (!live.undefinedTags || !globalSteps.some((s) => s.action === 'create' && isOwnership(s.definition))) return [];
  const planned = new Set(
    globalSteps.filter((s) => s.definition.spec.targetKind === 'meshWorkspace').map((s) => s.definition.spec.key),
  );
  const keys = Object.keys(live.undefinedTags).filter((k) => !planned.has(k));
  if (!keys.length) return [];
  const workspaces = new Set(keys.flatMap((k) => live.undefinedTags![k])).size;
  return [finding('ownership-tag-undefined-tags', { keys, workspaces })];
}
