/** One stack owns a workspace: taking over one that no stack owns must be said in code; one owned by another stack is refused. */
import { owningStackOf } from '../../../core/rules';
import { finding } from '../findings';
import type { WorkspaceRule } from './context';

export const ownership: WorkspaceRule = (ctx) => {
  if (ctx.desired.spec.ownership !== 'owned' || !ctx.ws) return [];
  const owner = owningStackOf(ctx.ws.tags);
  if (owner === undefined) {
    // A deletion in code is explicit enough; so is adopt, in code or as --adopt.
    if (ctx.desired.spec.deletion || ctx.desired.spec.adopt || ctx.options.adoptUnowned) return [];
    return [
      finding(
        'workspace-unowned',
        { workspace: ctx.name, authoritative: ctx.desired.spec.bindingManagement === 'authoritative' },
        ctx.name,
      ),
    ];
  }
  return owner === ctx.stack
    ? []
    : [finding('workspace-owned-elsewhere', { workspace: ctx.name, owner, stack: ctx.stack }, ctx.name)];
};
