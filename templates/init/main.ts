/**
 * Your meshStack workspaces as code. `npx meshform synth` runs this app (cdktf.json says how) and
 * writes out/meshform.json; `npx meshform plan` shows what would change on the platform.
 */
import { App } from 'meshform/cdktf';
import { MeshStack, User, Workspace, WorkspaceRole } from 'meshform';

const app = new App({ skipValidation: true });
const stack = new MeshStack(app, '{{stackName}}');

// One workspace: replace the identifier and the people with yours (`meshform import` writes this for what is live).
const team = new Workspace(stack, 'Team', { identifier: 'my-team', displayName: 'My Team' });
team.grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
team.grant(WorkspaceRole.MEMBER, User.fromUsername('bob'), {
  expiryDate: '2027-06-30',
  reason: 'example: access that ends',
});

app.synth();
