/**
 * The Terraform resource that ties a workspace to `terraform apply`: its trigger is the hash of the
 * workspace's desired state, so Terraform replaces it (and runs `meshform apply` for that workspace)
 * exactly when that workspace changes in code.
 */
import { Construct } from 'constructs';
import { packageVersion } from '../../core/package-info';
import { PROVIDER_SOURCE } from '../../core/terraform-attributes';
import {
  Lazy,
  type LocalExecProvisioner,
  NullProvider,
  NullResource,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
} from '../cdktf';

/** Which Terraform resource anchors a workspace. */
/** How many anchors a stack gets. */
export enum AnchorScope {
  /** One per workspace: Terraform re-applies exactly the workspaces that changed (the default). */
  WORKSPACE = 'workspace',
  /** One for the whole stack: one process per apply, for estates of thousands of workspaces. */
  STACK = 'stack',
}

export enum AnchorKind {
  /** Built into Terraform >= 1.4 and OpenTofu: works offline, no provider to install. */
  TERRAFORM_DATA = 'terraform_data',
  /** hashicorp/null's null_resource, for configurations that standardise on it (needs the null provider). */
  NULL_RESOURCE = 'null_resource',
  /**
   * terraform-provider-meshform (`npx meshform terraform install`): a `meshform_workspace` resource
   * per workspace and a `meshform_tag_definition` per tag definition, so `terraform plan` shows the
   * meshStack change itself, drift included. One per workspace; AnchorScope.STACK does not apply.
   */
  MESHFORM_PROVIDER = 'meshform_provider',
}

/** terraform_data, written directly: cdktf's DataResource spawns `terraform version` once per resource. */
class TerraformData extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly triggersReplace: string,
    provisioner: LocalExecProvisioner,
  ) {
    super(scope, id, { terraformResourceType: 'terraform_data', provisioners: [provisioner] });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { triggers_replace: this.triggersReplace };
  }
}

/**
 * The endpoint reaches the provisioner through a variable (TF_VAR_meshstack_endpoint); the key and
 * secret (or token) through the environment Terraform runs in (MESHSTACK_API_KEY, …), which the
 * provisioner inherits: a sensitive variable in a provisioner makes Terraform hide all its output,
 * and what meshform changed belongs in Terraform's output. No secret is ever in a synthesized file.
 * Created once per stack.
 */
function connectionEnvironment(stack: TerraformStack): Record<string, string> {
  const variable =
    (stack.node.tryFindChild(ENDPOINT_VARIABLE) as TerraformVariable | undefined) ??
    new TerraformVariable(stack, ENDPOINT_VARIABLE, {
      type: 'string',
      default: '',
      description: 'meshStack URL, e.g. https://federation.example.com',
    });
  return { MESHSTACK_ENDPOINT: variable.stringValue };
}

const ENDPOINT_VARIABLE = 'meshstack_endpoint';

export interface AnchorOptions {
  readonly kind: AnchorKind;
  /** Command that runs meshform, e.g. `npx --no-install meshform`. */
  readonly command: string;
  /** What this anchor applies: one workspace, the tag definitions, or (undefined) the whole stack. */
  readonly workspaceName?: string;
  readonly tagDefinitionsOnly?: boolean;
  /** A token that resolves to the hash of the desired state the anchor stands for. */
  readonly trigger: string;
}

/**
 * The command as a variable whose default is the construct's `command`: CI can point it at a faster
 * entry point (TF_VAR_meshform_command="node /path/to/meshform.js") without a machine-specific path
 * in the synthesized file. Created once per stack.
 */
function commandVariable(stack: TerraformStack, command: string): string {
  const existing = stack.node.tryFindChild(COMMAND_VARIABLE) as TerraformVariable | undefined;
  const variable =
    existing ??
    new TerraformVariable(stack, COMMAND_VARIABLE, {
      type: 'string',
      default: command,
      description: 'How the anchors run meshform; `node <path>/dist/bin/meshform.js` starts faster than npx',
    });
  return variable.stringValue;
}

const COMMAND_VARIABLE = 'meshform_command';

export function createAnchor(scope: Construct, id: string, options: AnchorOptions): TerraformResource {
  const stack = TerraformStack.of(scope);
  // A workspace's grants that wait for 4-eyes approval are a warning; while they wait, the marker meshform writes changes the trigger, so the next plan shows the workspace again.
  const marker = options.workspaceName ? `\${path.module}/.meshform-waiting-${options.workspaceName}` : undefined;
  const scopeFlags = options.workspaceName
    ? ` --workspace ${options.workspaceName} --pending-marker "${marker}"`
    : options.tagDefinitionsOnly
      ? ' --tag-definitions-only'
      : '';
  const provisioner: LocalExecProvisioner = {
    type: 'local-exec',
    command: `${commandVariable(stack, options.command)} apply --manifest "\${path.module}/meshform.json"${scopeFlags} --auto-approve`,
    environment: connectionEnvironment(stack),
  };
  const trigger = marker ? `${options.trigger}\${fileexists("${marker}") ? file("${marker}") : ""}` : options.trigger;
  if (options.kind === AnchorKind.NULL_RESOURCE) {
    if (!stack.node.tryFindChild('null')) new NullProvider(stack, 'null');
    return new NullResource(scope, id, { triggers: { desired_state: trigger }, provisioners: [provisioner] });
  }
  return new TerraformData(scope, id, trigger, provisioner);
}

/** What the provider block says: the stack that owns the workspaces, and the recertification policy. */
export type ProviderSettings = () => { stack: string; recertification: Record<string, number> };

/** Terraform leaves out null attributes; so does the synthesized configuration. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, withoutNulls(x)]),
    );
  return v;
}

class MeshformProvider extends TerraformProvider {
  constructor(
    scope: Construct,
    private readonly settings: ProviderSettings,
  ) {
    super(scope, 'meshform', {
      terraformResourceType: 'meshform',
      terraformProviderSource: PROVIDER_SOURCE,
      terraformGeneratorMetadata: { providerName: 'meshform', providerVersionConstraint: packageVersion() },
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    const s = this.settings();
    // A token: cdktf snake-cases the provider block's keys, and role names are keys here.
    return {
      stack: s.stack,
      ...(Object.keys(s.recertification).length
        ? { recertification: Lazy.anyValue({ produce: () => s.recertification }) }
        : {}),
    };
  }
}

class MeshformResource extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    type: string,
    private readonly attributes: () => Record<string, unknown>,
  ) {
    super(scope, id, { terraformResourceType: type, terraformGeneratorMetadata: { providerName: 'meshform' } });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return withoutNulls(this.attributes()) as Record<string, unknown>;
  }
}

/** A resource of terraform-provider-meshform, and the stack's provider block with it (created once). */
export function createProviderResource(
  scope: Construct,
  id: string,
  type: 'meshform_workspace' | 'meshform_tag_definition',
  attributes: () => Record<string, unknown>,
  settings: ProviderSettings,
): TerraformResource {
  const stack = TerraformStack.of(scope);
  if (!stack.node.tryFindChild('meshform')) new MeshformProvider(stack, settings);
  return new MeshformResource(scope, id, type, attributes);
}
