import { Construct } from 'constructs';
import { constructFinding } from '../core/rules';
import { Manifest } from './manifest';
import { addManifestValidation } from './private/validation';

export interface RolePolicyProps {
  /**
   * Recertification: the maximum duration, in days, of each role, as configured on the platform
   * (Settings > Compliance). A role listed here requires an expiry date at most that far ahead.
   * @default - no role has a maximum duration
   */
  readonly maxDurationDays?: Record<string, number>;
}

/**
 * The platform's role recertification settings, mirrored in code so synth can reject bindings that
 * meshStack would refuse (missing expiry, expiry beyond the maximum).
 */
export class RolePolicy extends Construct {
  public readonly maxDurationDays: Readonly<Record<string, number>>;

  constructor(scope: Construct, id: string, props: RolePolicyProps = {}) {
    super(scope, id);
    this.maxDurationDays = { ...(props.maxDurationDays ?? {}) };
    this.node.addValidation({
      validate: () =>
        Object.entries(this.maxDurationDays)
          .filter(([, days]) => !Number.isInteger(days) || days < 1)
          .map(([role, days]) => constructFinding('recertification-days', { role, days })),
    });
    Manifest.of(this)._registerRolePolicy(this);
    addManifestValidation(this);
  }
}
