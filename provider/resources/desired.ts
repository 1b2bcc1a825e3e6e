/**
 * The desired state a resource declares, built the way synth builds it: its workspace entry through
 * `addWorkspaces` (the constructs), so the provider runs the same defaults and manifest rules as a
 * CDKTF app and `meshform plan`, and no second copy of them.
 */
import { validateDesiredState } from '../../core/desired-state-rules';
import type { Finding } from '../../core/errors';
import { App, TerraformStack } from '../../constructs/cdktf';
import { Manifest } from '../../constructs/manifest';
import { RolePolicy } from '../../constructs/role-policy';
import { addWorkspaces } from '../../constructs/workspace-data';
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
  const stack = new TerraformStack(new App(), settings.stack);
  const manifest = new Manifest(stack, Manifest.ID);
  if (Object.keys(settings.recertification).length)
    new RolePolicy(stack, 'RolePolicy', { maxDurationDays: settings.recertification });
  addWorkspaces(stack, { workspaces });
  const state = { ...manifest.toDesiredState(), tagDefinitions };
  return { state, findings: validateDesiredState(state, now) };
}
