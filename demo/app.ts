/**
 * The demo's CDKTF app: examples/basic, plus what each stage of the demo adds to the code
 * (MESHFORM_DEMO_STAGE): 2 a new Workspace Manager, 3 emergency access until MESHFORM_DEMO_UNTIL,
 * 4 the new Manager's access gets an end date, 5 a third Owner for a workspace managed elsewhere.
 */
import type { Construct } from 'constructs';
import { App } from '../constructs/cdktf';
import { ProjectRole, User, Workspace, WorkspaceRole } from '../constructs';
import { BasicStack } from '../examples/basic/main';

class DemoStack extends BasicStack {
  constructor(scope: Construct, id: string, stage: number, until: string) {
    super(scope, id);
    if (stage >= 2)
      this.workspace.grant(
        WorkspaceRole.MANAGER,
        User.fromUsername('dave'),
        stage >= 4 ? { expiryDate: '2027-03-31', reason: 'until the reorganisation' } : {},
      );
    if (stage >= 3) {
      const reason = 'INC-4711: payment API down';
      this.workspace.grant(WorkspaceRole.MEMBER, User.fromUsername('erin'), { expiryDate: until, reason });
      this.prod.grant(ProjectRole.ADMIN, User.fromUsername('erin'), { expiryDate: until, reason });
    }
    if (stage >= 5)
      Workspace.fromWorkspaceName(this, 'Checkout', 'checkout').grant(WorkspaceRole.OWNER, User.fromUsername('carol'));
  }
}

if (require.main === module) {
  const app = new App({ skipValidation: true });
  new DemoStack(
    app,
    'basic',
    Number(process.env.MESHFORM_DEMO_STAGE ?? '1'),
    process.env.MESHFORM_DEMO_UNTIL ?? '2026-12-31T00:00:00Z',
  );
  app.synth();
}
