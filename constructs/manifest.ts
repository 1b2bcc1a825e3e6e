import * as fs from 'fs';
import * as path from 'path';
import { Construct, type IConstruct } from 'constructs';
import { canonicalJson, sha256Hex } from '../core/canonical-json';
import { validateDesiredState } from '../core/desired-state-rules';
import { type Finding, InvalidFileError, ValidationError, formatFinding, messages } from '../core/errors';
import { DESIRED_STATE_SCHEMA } from '../core/manifest-file';
import { validateAgainst } from '../core/json-schema';
import type { DesiredState, Workspace as WorkspaceJson } from '../schemas/desired-state.generated';
import {
  Annotations,
  Aspects,
  type ISynthesisSession,
  Lazy,
  type TerraformResource,
  TerraformStack,
  addCustomSynthesis,
} from './cdktf';
import { tagDefinitionAttributes } from '../core/terraform-attributes';
import { AnchorKind, AnchorScope, type ProviderSettings, createAnchor, createProviderResource } from './private/anchor';
import { MANIFEST_FILE, NOW_CONTEXT_KEY } from './private/names';
import { type Locate, renderSorted } from './private/rendering';
import { hasManifestValidation } from './private/validation';
import { synthPolicyFindings } from './private/policy-findings';
import type { Policy } from './policy';
import type { RolePolicy } from './role-policy';
import type { TagDefinition } from './tag-definition';

export { AnchorKind, AnchorScope } from './private/anchor';

/** `dependent` runs after `on`: a plain reference (type.name), since depends_on takes no interpolation. */
function runsAfter(dependent: TerraformResource, on: TerraformResource): void {
  dependent.dependsOn = [...(dependent.dependsOn ?? []), `${on.terraformResourceType}.${on.friendlyUniqueId}`];
}

export interface ManifestProps {
  /**
   * The Terraform resource that anchors each workspace.
   * @default AnchorKind.TERRAFORM_DATA
   */
  readonly anchor?: AnchorKind;
  /**
   * One anchor per workspace, or one for the whole stack.
   * @default AnchorScope.WORKSPACE
   */
  readonly anchorScope?: AnchorScope;
  /**
   * The command the anchors' local-exec provisioner uses to run meshform: the default of the
   * Terraform variable `meshform_command`, which `TF_VAR_meshform_command` overrides per machine.
   * @default 'npx --no-install meshform'
   */
  readonly command?: string;
}

/** What a workspace construct contributes to the manifest. */
export interface IWorkspaceRenderer extends IConstruct {
  readonly workspaceName: string;
  /** @internal */
  _render(jsonPath: string, locate: Locate): WorkspaceJson;
}

interface Rendered {
  readonly state: DesiredState;
  readonly locations: Map<string, IConstruct>;
}

/**
 * Collects every meshform construct of one TerraformStack and writes `meshform.json` next to the
 * stack's `cdk.tf.json`. Created on demand by the first meshform construct in a stack (or by
 * MeshStack); create it yourself first to pass props when you use a plain TerraformStack.
 */
export class Manifest extends Construct {
  public static readonly ID = 'Meshform';

  /** The manifest of the stack that contains `scope`, created with default props if there is none. */
  public static of(scope: IConstruct): Manifest {
    const stack = TerraformStack.of(scope);
    return (stack.node.tryFindChild(Manifest.ID) as Manifest | undefined) ?? new Manifest(stack, Manifest.ID);
  }

  public readonly anchorKind: AnchorKind;
  public readonly anchorScope: AnchorScope;
  public readonly command: string;
  private readonly stack: TerraformStack;
  private readonly workspaces: IWorkspaceRenderer[] = [];
  private readonly tagDefinitions: TagDefinition[] = [];
  private readonly rolePolicies: RolePolicy[] = [];
  private readonly policies: Policy[] = [];
  /** Per-workspace anchors, and the tag definitions' anchor they run after (created with the first tag definition). */
  private readonly anchors: TerraformResource[] = [];
  private tagDefinitionsAnchor?: TerraformResource;
  /** With AnchorKind.MESHFORM_PROVIDER: a meshform_tag_definition per definition, which every workspace resource runs after. */
  private readonly tagDefinitionResources: TerraformResource[] = [];
  private cache?: { rendered: Rendered; findings: Finding[] };

  constructor(scope: Construct, id: string, props: ManifestProps = {}) {
    const stack = TerraformStack.of(scope);
    if (stack.node.tryFindChild(Manifest.ID))
      throw new Error(messages.manifestExists(`${stack.node.path}/${Manifest.ID}`));
    // Always a direct child of its stack under a fixed id, so Manifest.of() finds it.
    super(stack, id === Manifest.ID ? id : Manifest.ID);
    this.stack = stack;
    this.anchorKind = props.anchor ?? AnchorKind.TERRAFORM_DATA;
    this.anchorScope = props.anchorScope ?? AnchorScope.WORKSPACE;
    this.command = props.command ?? 'npx --no-install meshform';
    // Aspects run first in every synth: drop results computed from the previous state of the tree.
    Aspects.of(stack).add({ visit: (node) => (node === stack ? (this.cache = undefined) : undefined) });
    addCustomSynthesis(this, { onSynthesize: (session) => this.onSynthesize(session) });
    this.node.addValidation({ validate: () => this.findingsAt(this, 'error') });
    if (this.anchorKind === AnchorKind.MESHFORM_PROVIDER && this.anchorScope === AnchorScope.STACK) {
      throw new Error(
        'AnchorKind.MESHFORM_PROVIDER gives each workspace a resource of its own: AnchorScope.STACK does not apply to it',
      );
    }
    if (this.anchorScope === AnchorScope.STACK) {
      createAnchor(this, 'Anchor', {
        kind: this.anchorKind,
        command: this.command,
        trigger: Lazy.stringValue({ produce: () => sha256Hex(this.toDesiredState()) }),
      });
    }
  }

  /** @internal */
  public _registerWorkspace(ws: IWorkspaceRenderer): void {
    this.workspaces.push(ws);
  }
  /** @internal */
  public _registerTagDefinition(def: TagDefinition): void {
    this.tagDefinitions.push(def);
    if (this.anchorKind === AnchorKind.MESHFORM_PROVIDER) {
      const resource = createProviderResource(
        def,
        'Resource',
        'meshform_tag_definition',
        () => tagDefinitionAttributes(def._render()),
        this._providerSettings,
      );
      this.tagDefinitionResources.push(resource);
      for (const a of this.anchors) runsAfter(a, resource);
      return;
    }
    // Per-workspace anchors apply their workspace only: the tag definitions get an anchor of their own, which runs first.
    if (this.anchorScope === AnchorScope.WORKSPACE && !this.tagDefinitionsAnchor) {
      const anchor = createAnchor(this, 'TagDefinitions', {
        kind: this.anchorKind,
        command: this.command,
        tagDefinitionsOnly: true,
        trigger: Lazy.stringValue({ produce: () => sha256Hex(this.toDesiredState().tagDefinitions) }),
      });
      this.tagDefinitionsAnchor = anchor;
      for (const a of this.anchors) runsAfter(a, anchor);
    }
  }
  /** @internal */
  public _registerAnchor(anchor: TerraformResource): void {
    this.anchors.push(anchor);
    for (const t of [...(this.tagDefinitionsAnchor ? [this.tagDefinitionsAnchor] : []), ...this.tagDefinitionResources])
      runsAfter(anchor, t);
  }

  /** @internal The provider block's settings (AnchorKind.MESHFORM_PROVIDER): this stack as the owner, and its role policy. */
  public readonly _providerSettings: ProviderSettings = () => ({
    stack: this.stack.node.id,
    recertification: this.recertification(),
  });

  private recertification(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const policy of this.rolePolicies) Object.assign(out, policy.maxDurationDays);
    return out;
  }
  /** @internal */
  public _registerRolePolicy(policy: RolePolicy): void {
    this.rolePolicies.push(policy);
  }

  /** @internal */
  public _registerPolicy(policy: Policy): void {
    this.policies.push(policy);
  }
  /** @internal The policies of this stack with that name (more than one is an error of each). */
  public _policiesNamed(name: string): Policy[] {
    return this.policies.filter((p) => p.policyName === name);
  }

  /** The moment expiry checks compare against: the `meshform:now` context, or the clock. */
  public now(): Date {
    const pinned: unknown = this.node.tryGetContext(NOW_CONTEXT_KEY);
    // Context given on the command line (-c) or in cdktf.json is a string.
    const now = pinned === undefined ? new Date() : new Date(typeof pinned === 'string' ? pinned : NaN);
    if (Number.isNaN(now.getTime()))
      throw new Error(`context ${NOW_CONTEXT_KEY} must be an ISO date-time, got ${JSON.stringify(pinned)}`);
    return now;
  }

  /** The desired state of this stack, as written to meshform.json. */
  public toDesiredState(): DesiredState {
    return this.compute().rendered.state;
  }

  /** Findings (errors and warnings) located at `construct`, formatted for cdktf's validation report. */
  public findingsAt(construct: IConstruct, severity: Finding['severity']): string[] {
    const { rendered, findings } = this.compute();
    return findings
      .filter((f) => f.severity === severity && (locate(rendered.locations, f.path) ?? this) === construct)
      .map((f) => `${f.message} (rule: ${f.rule}; ${f.path})`);
  }

  private compute(): { rendered: Rendered; findings: Finding[] } {
    if (!this.cache) {
      const rendered = this.render();
      const now = this.now();
      this.cache = {
        rendered,
        findings: [...validateDesiredState(rendered.state, now), ...synthPolicyFindings(rendered.state, now)],
      };
    }
    return this.cache;
  }

  private render(): Rendered {
    const locations = new Map<string, IConstruct>();
    const at: Locate = (p, source) => locations.set(p, source);
    const recertification = this.recertification();
    const state: DesiredState = {
      apiVersion: 'meshform.io/v1',
      kind: 'DesiredState',
      metadata: { name: this.stack.node.id },
      rolePolicy: {
        recertification: Object.keys(recertification)
          .sort()
          .map((role) => ({ role, maxDurationDays: recertification[role] })),
      },
      tagDefinitions: renderSorted(
        this.tagDefinitions,
        (d) => d.definitionName,
        (d, i) => {
          at(`$.tagDefinitions[${i}]`, d);
          return d._render();
        },
      ),
      workspaces: renderSorted(
        this.workspaces,
        (w) => w.workspaceName,
        (w, i) => {
          at(`$.workspaces[${i}]`, w);
          return w._render(`$.workspaces[${i}]`, at);
        },
      ),
    };
    this.rolePolicies.forEach((p) => at('$.rolePolicy', p));
    // Only when the code declares policies: a manifest without them stays as it was (and hashes the same).
    const policies = renderSorted(
      this.policies,
      (p) => p.policyName,
      (p, i) => {
        at(`$.policies[${i}]`, p);
        return p._render();
      },
    );
    return { state: policies.length ? { ...state, policies } : state, locations };
  }

  private onSynthesize(session: ISynthesisSession): void {
    const { rendered, findings } = this.compute();
    if (session.skipValidation) this.validateExplicitly();
    for (const f of findings.filter((x) => x.severity === 'warning')) {
      Annotations.of(locate(rendered.locations, f.path) ?? this).addWarning(formatFinding(f));
    }
    // A rule-checked manifest must also match the schema; a mismatch here is a meshform bug.
    const problems = validateAgainst(DESIRED_STATE_SCHEMA, rendered.state);
    if (problems.length) throw new InvalidFileError(`${MANIFEST_FILE} (synthesized)`, 'meshform manifest', problems);
    const dir = path.join(session.outdir, session.manifest.forStack(this.stack).workingDirectory);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), canonicalJson(rendered.state));
  }

  /**
   * Apps built with `new App({ skipValidation: true })` (which avoids cdktf's per-resource
   * `terraform version` calls) skip every `node.addValidation`; meshform's rules still run here.
   */
  private validateExplicitly(): void {
    const errors = this.stack.node
      .findAll()
      .filter((c) => isMeshformConstruct(c))
      .flatMap((c) => c.node.validate().map((message) => ({ location: c.node.path, message })));
    if (errors.length) {
      throw new ValidationError(errors);
    }
  }
}

function isMeshformConstruct(c: IConstruct): boolean {
  return hasManifestValidation(c) || c instanceof Manifest;
}

/** The construct at the longest location that is a prefix of `jsonPath`. */
function locate(locations: Map<string, IConstruct>, jsonPath: string): IConstruct | undefined {
  for (let p = jsonPath; p.length > 0; p = parentPath(p)) {
    const c = locations.get(p);
    if (c) return c;
  }
  return undefined;
}

function parentPath(p: string): string {
  const m = /^(.*)(\.[^.[\]]+|\[\d+\])$/.exec(p);
  return m ? m[1] : '';
}
