/** AnchorKind.MESHFORM_PROVIDER: the stack synthesizes terraform-provider-meshform resources, not anchors. */
import {
  AnchorKind,
  AnchorScope,
  MeshStack,
  RolePolicy,
  TagDefinition,
  User,
  Workspace,
  WorkspaceRole,
} from '../../constructs';
import { App, Testing } from '../../constructs/cdktf';

function synth(build: (stack: MeshStack) => void) {
  const app = Testing.app();
  const stack = new MeshStack(app, 'shop', { anchor: AnchorKind.MESHFORM_PROVIDER });
  build(stack);
  return JSON.parse(Testing.synth(stack)) as {
    terraform: { required_providers: Record<string, { source: string; version: string }> };
    provider: Record<string, unknown[]>;
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
}

describe('AnchorKind.MESHFORM_PROVIDER', () => {
  test('a meshform_workspace per workspace, with its bindings and projects as blocks, after a meshform_tag_definition per definition', () => {
    const out = synth((stack) => {
      new RolePolicy(stack, 'Policy', { maxDurationDays: { 'Workspace Member': 90 } });
      const ws = new Workspace(stack, 'Shop', {
        identifier: 'shop',
        displayName: 'Shop',
        tags: { team: 'web', costCenter: 'c-1' },
      });
      ws.addProject('Prod', { identifier: 'shop-prod', tags: { costCenter: 'c-2' } });
      ws.grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
      ws.addProject('Dev', { identifier: 'shop-dev' }).grant('Project Admin', User.fromUsername('alice'), {
        expiryDate: '2027-01-01',
      });
      // Declared after the workspace: the workspace still runs after it.
      new TagDefinition(stack, 'Team', { targetKind: 'meshWorkspace', key: 'team' });
      new TagDefinition(stack, 'Cost', { targetKind: 'meshWorkspace', key: 'costCenter' });
      new TagDefinition(stack, 'ProjectCost', { targetKind: 'meshProject', key: 'costCenter' });
    });
    expect(out.terraform.required_providers.meshform).toEqual({ source: 'meshcloud/meshform', version: '0.1.0' });
    expect(out.provider.meshform).toEqual([{ stack: 'shop', recertification: { 'Workspace Member': 90 } }]);
    const tags = Object.entries(out.resource.meshform_tag_definition);
    expect(tags.map(([, t]) => `${String(t.target_kind)}.${String(t.key)}`).sort()).toEqual([
      'meshProject.costCenter',
      'meshWorkspace.costCenter',
      'meshWorkspace.team',
    ]);
    expect(tags.find(([, t]) => t.key === 'team')![1]).toMatchObject({
      target_kind: 'meshWorkspace',
      key: 'team',
      display_name: 'team',
      value_type: 'string',
      restricted: false,
    });
    const ws = Object.values(out.resource.meshform_workspace)[0];
    expect(ws).toEqual({
      identifier: 'shop',
      display_name: 'Shop',
      tags: { costCenter: ['c-1'], team: ['web'] },
      status: 'active',
      binding_management: 'authoritative',
      binding: [{ role: 'Workspace Owner', user: 'alice' }],
      project: [
        {
          identifier: 'shop-dev',
          display_name: 'shop-dev',
          binding: [{ role: 'Project Admin', user: 'alice', expiry_date: '2027-01-01' }],
        },
        { identifier: 'shop-prod', display_name: 'shop-prod', tags: { costCenter: ['c-2'] }, binding: [] },
      ],
      depends_on: expect.arrayContaining(tags.map(([name]) => `meshform_tag_definition.${name}`)),
    });
    expect(out.resource.terraform_data).toBeUndefined();
  });

  test('AnchorScope.STACK is refused, and a referenced workspace says what to use instead', () => {
    expect(
      () => new MeshStack(new App(), 's', { anchor: AnchorKind.MESHFORM_PROVIDER, anchorScope: AnchorScope.STACK }),
    ).toThrow(/AnchorScope\.STACK does not apply/);
    expect(() =>
      synth((stack) =>
        Workspace.fromWorkspaceName(stack, 'Legacy', 'legacy').grant(WorkspaceRole.MEMBER, User.fromUsername('bob')),
      ),
    ).toThrow(/workspace "legacy" is referenced.*AnchorKind\.TERRAFORM_DATA/);
  });
});
