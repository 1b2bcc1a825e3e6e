import { Construct } from 'constructs';
import { validateAgainst } from '../core/json-schema';
import { compilePolicy } from '../core/policy/policy';
import type { Policy as PolicyJson } from '../schemas/desired-state.generated';
import { Manifest } from './manifest';
import { addManifestValidation } from './private/validation';

/** What a policy judges (docs/policies.md lists each object's fields). */
export enum PolicyTarget {
  WORKSPACE = 'workspace',
  PROJECT = 'project',
  BINDING = 'binding',
  TAG_DEFINITION = 'tagDefinition',
}

export enum PolicyAction {
  /** A synth error and a plan refusal: no flag overrides it. */
  DENY = 'deny',
  /** A synth warning and a plan warning. */
  WARN = 'warn',
}

export interface PolicyMatchCondition {
  /** @default - unnamed */
  readonly name?: string;
  /** A CEL expression: the policy applies to the object when it is true. */
  readonly expression: string;
}

export interface PolicyValidation {
  /** A CEL expression that must be true for the object. */
  readonly expression: string;
  /**
   * What a finding says when the expression is false.
   * @default - "failed: <expression>"
   */
  readonly message?: string;
  /**
   * A CEL expression giving the message (it wins over `message`).
   * @default - `message`
   */
  readonly messageExpression?: string;
}

export interface PolicyProps {
  /**
   * The policy's name: its findings' rule is `policy:<name>`.
   * @default - the construct id in kebab case: 'OwnerExpiry' → 'owner-expiry'
   */
  readonly policyName?: string;
  /** @default - none */
  readonly description?: string;
  readonly target: PolicyTarget;
  /** @default PolicyAction.DENY */
  readonly action?: PolicyAction;
  /**
   * All must be true for the policy to apply to an object.
   * @default - it applies to every object of its target
   */
  readonly matchConditions?: PolicyMatchCondition[];
  /** Each must be true; the first false one is the finding. */
  readonly validations: PolicyValidation[];
}

/** 'OwnerExpiry' → 'owner-expiry', 'emergency_24h' → 'emergency-24h'. */
const kebab = (id: string) =>
  id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();

/**
 * An organisation-style policy declared in code (CEL, as Kubernetes' ValidatingAdmissionPolicy):
 * carried in the manifest, checked at synth on the desired objects (a deny is an error at the
 * object's construct, a warn a warning) and in every plan, besides the organisation's policy file,
 * whose policies it may not replace. docs/policies.md describes what an expression sees.
 */
export class Policy extends Construct {
  public readonly policyName: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PolicyProps,
  ) {
    super(scope, id);
    this.policyName = props.policyName ?? kebab(id);
    Manifest.of(this)._registerPolicy(this);
    addManifestValidation(this);
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** The schema's rules for a policy (as in a policy file), then every expression compiled: each problem in words. */
  private problems(): string[] {
    const spec = this._render();
    const schema = validateAgainst('policy.schema.json', {
      apiVersion: 'meshform.io/v1',
      kind: 'PolicySet',
      policies: [spec],
    });
    if (schema.length)
      return schema.map(
        (p) => `policy "${this.policyName}": ${p.path.replace(/^\$\.policies\[0\]\.?/, '')} ${p.message}`,
      );
    try {
      compilePolicy(spec);
    } catch (e) {
      return [(e as Error).message];
    }
    const twins = Manifest.of(this)._policiesNamed(this.policyName);
    return twins.length > 1
      ? [`policy "${this.policyName}" is declared ${twins.length} times: ${twins.map((p) => p.node.path).join(', ')}`]
      : [];
  }

  /** @internal */
  public _render(): PolicyJson {
    const p = this.props;
    return {
      name: this.policyName,
      ...(p.description !== undefined ? { description: p.description } : {}),
      target: p.target,
      action: p.action ?? PolicyAction.DENY,
      ...(p.matchConditions?.length ? { matchConditions: p.matchConditions.map((m) => ({ ...m })) } : {}),
      validations: p.validations.map((v) => ({ ...v })) as PolicyJson['validations'],
    };
  }
}
