/**
 * The desired state of workspace entries (schemas/workspace-data), built the way synth builds it:
 * through the constructs, so whoever needs one (the Terraform provider, `import --check`) gets the
 * same defaults as a CDKTF app and no second copy of them.
 */
import type { DesiredState, TagDefinition } from '../../schemas/desired-state.generated';
import type { WorkspaceEntry } from '../../schemas/workspace-data.generated';
import { App, TerraformStack } from '../cdktf';
import { Manifest } from '../manifest';
import { RolePolicy } from '../role-policy';
import { addWorkspaces } from '../workspace-data';

export function desiredStateOfEntries(
  stack: string,
  recertification: Record<string, number>,
  workspaces: WorkspaceEntry[],
  tagDefinitions: TagDefinition[] = [],
): DesiredState {
  const scope = new TerraformStack(new App(), stack);
  const manifest = new Manifest(scope, Manifest.ID);
  if (Object.keys(recertification).length) new RolePolicy(scope, 'RolePolicy', { maxDurationDays: recertification });
  addWorkspaces(scope, { workspaces });
  return { ...manifest.toDesiredState(), tagDefinitions };
}
