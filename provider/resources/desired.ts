/**
 * The desired state a resource declares, built the way synth builds it: its workspace entry through
 * `addWorkspaces` (the constructs), so the provider runs the same defaults and manifest rules as a
 * CDKTF app and `meshform plan`, and no second copy of them.
 */
import { validateDesiredState } from '../../core/desired-state-rules';
import type { Finding } from '../../core/errors';
import { desiredStateOfEntries } from '../../constructs/private/entries-state';
import type { DesiredState, TagDefinition } from '../../schemas/desired-state.generated';
import type { WorkspaceEntry } from '../../schemas/workspace-data.generated';

/** What the provider's configuration says about every resource's stack. */
export interface StackSettings {
  /** The meshform stack recorded as the owner of the workspaces (their meshformStack tag). */
  readonly stack: string;
  /** Role → maximum days (the platform's recertification settings, as RolePolicy says them). */
  readonly recertification: Record<string, number>;
}

export function desiredState(
  settings: StackSettings,
  now: Date,
  workspaces: WorkspaceEntry[],
  tagDefinitions: TagDefinition[] = [],
): { state: DesiredState; findings: Finding[] } {
  const state = desiredStateOfEntries(settings.stack, settings.recertification, workspaces, tagDefinitions);
  return { state, findings: validateDesiredState(state, now) };
}
