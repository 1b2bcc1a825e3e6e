/**
 * Emergency access (meshStack's "Guide: Emergency Users"): an on-call engineer gets Project Admin on
 * production for a few hours, with a reason. A project role needs a workspace role first, so they
 * also get Workspace Member until the same moment. After the expiry meshform plans the removal
 * (labelled `expired`) and meshStack removes the workspace binding itself.
 */
import type { Construct } from 'constructs';
import { App } from 'meshform/cdktf';
import { MeshStack, ProjectRole, User, Workspace, WorkspaceRole } from 'meshform';

/** When the emergency access ends; the demo passes a time a few minutes ahead. */
const UNTIL = process.env.MESHFORM_EMERGENCY_UNTIL ?? '2026-11-26T06:00:00Z';

class EmergencyAccessStack extends MeshStack {
  constructor(scope: Construct, id: string, until: string = UNTIL) {
    super(scope, id);
    const ws = new Workspace(this, 'Checkout', {
      identifier: 'checkout',
      displayName: 'Checkout Team',
      projectQuota: 3,
    });
    ws.grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
    ws.grant(WorkspaceRole.MANAGER, User.fromUsername('bob'));
    const prod = ws.addProject('Prod', { identifier: 'checkout-prod', displayName: 'Checkout (production)' });
    prod.grant(ProjectRole.ADMIN, User.fromUsername('bob'));

    const reason = 'INC-4711: payment API down, on-call needs production access';
    const oncall = User.fromUsername('erin');
    ws.grant(WorkspaceRole.MEMBER, oncall, { expiryDate: until, reason });
    prod.grant(ProjectRole.ADMIN, oncall, { expiryDate: until, reason });
  }
}

if (require.main === module) {
  const app = new App({ skipValidation: true });
  new EmergencyAccessStack(app, 'emergency-access');
  app.synth();
}
