/** Changing a workspace's or a project's name and tags: only where the actor may write the workspace. */
import { writeRefusal } from './access';
import { type Transition, refused } from './outcome';
import type { ModelContext, WorkspaceModel } from './state';

export function update(ws: WorkspaceModel, ctx: ModelContext): Transition {
  const denied = writeRefusal(ws, ctx);
  if (denied) return refused(ws, denied.rule, denied.status, denied.params as never);
  return { state: ws, outcome: { class: 'applied' }, changes: [], unknowns: [] };
}
