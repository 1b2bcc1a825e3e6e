/**
 * A product team's workspace: owner, manager, member, a group, two projects with bindings, tags,
 * tag definitions and a project quota. `npx meshform synth` (cdktf.json points here) writes
 * out/meshform.json and out/cdk.tf.json.
 */
import type { Construct } from 'constructs';
import { App } from 'meshform/cdktf';
import {
  Group,
  MeshStack,
  type Project,
  ProjectRole,
  RolePolicy,
  TagDefinition,
  TagValueType,
  Tags,
  User,
  Workspace,
  WorkspaceRole,
} from 'meshform';

export class BasicStack extends MeshStack {
  public readonly workspace: Workspace;
  public readonly prod: Project;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    new TagDefinition(this, 'CostCenter', {
      targetKind: 'meshWorkspace',
      key: 'costCenter',
      displayName: 'Cost Center',
      mandatory: true,
    });
    new TagDefinition(this, 'Confidentiality', {
      targetKind: 'meshWorkspace',
      key: 'confidentiality',
      valueType: TagValueType.singleSelect(['public', 'internal', 'confidential']),
      restricted: true,
    });
    new TagDefinition(this, 'Environment', {
      targetKind: 'meshProject',
      key: 'environment',
      valueType: TagValueType.singleSelect(['dev', 'qa', 'prod']),
      mandatory: true,
    });
    new RolePolicy(this, 'Recertification', { maxDurationDays: { [WorkspaceRole.MEMBER]: 365 } });

    const ws = new Workspace(this, 'Payments', {
      identifier: 'payments',
      displayName: 'Payments Team',
      projectQuota: 5,
      tags: { confidentiality: 'internal' },
    });
    Tags.of(ws).add('costCenter', '4711', { includeResourceTypes: ['meshWorkspace'] });

    ws.grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
    ws.grant(WorkspaceRole.MANAGER, User.fromUsername('bob'));
    ws.grant(WorkspaceRole.MEMBER, User.fromUsername('carol'), {
      expiryDate: '2027-06-30',
      reason: 'contractor, renewed yearly',
    });
    ws.grant(WorkspaceRole.MEMBER, Group.fromGroupName('payments-devs'), { expiryDate: '2027-06-30' });

    const prod = ws.addProject('Prod', {
      identifier: 'payments-prod',
      displayName: 'Payments (production)',
      tags: { environment: 'prod' },
    });
    prod.grant(ProjectRole.ADMIN, User.fromUsername('bob'));
    prod.grant(ProjectRole.READER, Group.fromGroupName('payments-devs'));

    const dev = ws.addProject('Dev', {
      identifier: 'payments-dev',
      displayName: 'Payments (development)',
      tags: { environment: 'dev' },
    });
    dev.grant(ProjectRole.USER, Group.fromGroupName('payments-devs'));
    dev.grant(ProjectRole.ADMIN, User.fromUsername('carol'));

    this.workspace = ws;
    this.prod = prod;
  }
}

if (require.main === module) {
  const app = new App({ skipValidation: true });
  new BasicStack(app, 'basic');
  app.synth();
}
