/**
 * Side by side with other tools (terraform-provider-meshstack, meshPanel): bindings meshform did not
 * create on an authoritative workspace, and an owned workspace that lost its ownership tag.
 */
import { createdByMeshform, owningStackOf } from '../../../core/rules';
import { finding } from '../findings';
import { type WorkspaceRule, removals } from './context';

/** The drift an authoritative workspace's plan removes that meshform did not create: another tool may manage it. */
export const foreignBindings: WorkspaceRule = (ctx) => {
  if (ctx.desired.spec.bindingManagement !== 'authoritative') return [];
  const names = removals(ctx)
    .filter((r) => r.reason === 'drift' && !createdByMeshform(r.binding.name))
    .map((r) => r.binding.name)
    .sort();
  return names.length ? [finding('foreign-bindings', { workspace: ctx.name, names }, ctx.name)] : [];
};

/**
 * An owned workspace without its ownership tag that a stack owned before: the event log says who
 * removed the tag; without it, bindings meshform made show that a stack owned it.
 */
export const ownershipTagRemoved: WorkspaceRule = (ctx) => {
  const ws = ctx.ws;
  if (ctx.desired.spec.ownership !== 'owned' || !ws || owningStackOf(ws.tags) !== undefined) return [];
  const removal = ws.ownershipTagRemoved;
  if (removal) return [finding('ownership-tag-removed', { workspace: ctx.name, ...removal }, ctx.name)];
  const made = [...ws.bindings, ...Object.values(ws.projects).flatMap((p) => p.bindings)].some((b) =>
    createdByMeshform(b.name),
  );
  return made ? [finding('ownership-tag-removed', { workspace: ctx.name }, ctx.name)] : [];
};
