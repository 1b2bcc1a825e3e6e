import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack, Testing } from '../../constructs/cdktf';
import { AnchorKind, AnchorScope, Manifest, MeshStack, User, Workspace, WorkspaceRole } from '../../constructs';
import { appWithNow, synthOutputs, testStack } from '../helpers/stack';

function twoWorkspaces(stack: TerraformStack, bDisplayName = 'B') {
  new Workspace(stack, 'A', { identifier: 'a' }).grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
  new Workspace(stack, 'B', { identifier: 'b', displayName: bDisplayName });
}

function triggers(terraform: Record<string, any>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of Object.values<any>(terraform.resource.terraform_data))
    out[r['//'].metadata.path] = r.triggers_replace;
  return out;
}

describe('MeshStack', () => {
  test('one terraform_data anchor per workspace, running meshform apply for that workspace; the endpoint from a variable, the key from the environment', () => {
    const stack = testStack();
    twoWorkspaces(stack);
    const { terraform } = synthOutputs(stack);
    expect(Object.keys(terraform.resource)).toEqual(['terraform_data']);
    const anchors = Object.values<any>(terraform.resource.terraform_data);
    expect(anchors).toHaveLength(2);
    const exec = anchors[0].provisioner[0]['local-exec'];
    // A grant waiting for 4-eyes approval is a warning, recorded in a marker that changes the anchor's trigger while it waits.
    expect(exec.command).toBe(
      '${var.meshform_command} apply --manifest "${path.module}/meshform.json" --workspace a --pending-marker "${path.module}/.meshform-waiting-a" --auto-approve',
    );
    // The command is a variable, so a machine can run a faster entry point without changing the file.
    expect(terraform.variable.meshform_command).toMatchObject({ type: 'string', default: 'npx --no-install meshform' });
    // No sensitive variable: Terraform would hide the provisioner's output; the key and secret come from Terraform's environment.
    expect(exec.environment).toEqual({ MESHSTACK_ENDPOINT: '${var.meshstack_endpoint}' });
    expect(Object.keys(terraform.variable).sort()).toEqual(['meshform_command', 'meshstack_endpoint']);
    expect(terraform.terraform).toEqual({
      backend: { local: { path: 'terraform.tfstate' } },
      required_version: '>= 1.4.0',
    });
  });

  test('changing one workspace changes only that workspace trigger', () => {
    const before = testStack();
    twoWorkspaces(before);
    const after = testStack();
    twoWorkspaces(after, 'B renamed');
    const t1 = triggers(synthOutputs(before).terraform);
    const t2 = triggers(synthOutputs(after).terraform);
    expect(t1['test/A/Resource']).toBe(t2['test/A/Resource']);
    expect(t1['test/B/Resource']).not.toBe(t2['test/B/Resource']);
    expect(t1['test/A/Resource']).toMatch(
      /^[0-9a-f]{64}\$\{fileexists\("\$\{path\.module\}\/\.meshform-waiting-a"\) \? file\("\$\{path\.module\}\/\.meshform-waiting-a"\) : ""\}$/,
    );
  });

  test('null_resource anchors, with the null provider, when asked', () => {
    const stack = testStack({ anchor: AnchorKind.NULL_RESOURCE, command: 'node /opt/meshform/bin.js' });
    twoWorkspaces(stack);
    const { terraform } = synthOutputs(stack);
    expect(Object.keys(terraform.resource)).toEqual(['null_resource']);
    expect(terraform.provider).toHaveProperty('null');
    const anchor = Object.values(terraform.resource.null_resource)[0] as any;
    expect(anchor.triggers.desired_state).toMatch(/^[0-9a-f]{64}\$\{fileexists/);
    expect(anchor.provisioner[0]['local-exec'].command).toMatch(/^\$\{var.meshform_command\} apply /);
    expect(terraform.variable.meshform_command.default).toBe('node /opt/meshform/bin.js');
  });

  test('two synths are byte-identical (sorted keys and lists, no timestamps, no absolute paths)', () => {
    const outputs = [0, 1].map(() => {
      const stack = testStack();
      twoWorkspaces(stack);
      const o = synthOutputs(stack);
      return { m: o.manifestText, t: JSON.stringify(o.terraform) };
    });
    expect(outputs[0]).toEqual(outputs[1]);
    expect(outputs[0].t).not.toContain(process.cwd());
  });

  test('declaration order does not change the output', () => {
    const a = testStack();
    new Workspace(a, 'Z', { identifier: 'z' });
    new Workspace(a, 'Y', { identifier: 'y' });
    const b = testStack();
    new Workspace(b, 'Y', { identifier: 'y' });
    new Workspace(b, 'Z', { identifier: 'z' });
    expect(synthOutputs(a).manifestText).toBe(synthOutputs(b).manifestText);
  });

  test('works inside a plain TerraformStack next to other resources', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'platform');
    new Manifest(stack, 'Meshform', { command: 'meshform' });
    new Workspace(stack, 'A', { identifier: 'a' });
    const out = Testing.fullSynth(stack);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'platform', 'meshform.json'), 'utf8'));
    expect(manifest.metadata.name).toBe('platform');
    expect(manifest.workspaces.map((w: any) => w.metadata.name)).toEqual(['a']);
  });

  test('a Manifest is created on demand in a plain TerraformStack', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'platform');
    new Workspace(stack, 'A', { identifier: 'a' });
    expect(Manifest.of(stack).toDesiredState().workspaces).toHaveLength(1);
    expect(Manifest.of(stack).anchorKind).toBe(AnchorKind.TERRAFORM_DATA);
  });

  test('fails with a clear message when a second Manifest is created', () => {
    const stack = testStack();
    expect(() => new Manifest(stack, 'Other')).toThrow(/a meshform Manifest already exists at test\/Meshform/);
  });

  test('App.synth() with skipValidation still runs meshform rules and writes nothing for an invalid app', () => {
    const app = appWithNow(undefined, true);
    const stack = new MeshStack(app, 'prod');
    const ws = new Workspace(stack, 'Team', { identifier: 'team' });
    for (const u of ['a', 'b', 'c']) ws.grant(WorkspaceRole.OWNER, User.fromUsername(u));
    expect(() => app.synth()).toThrow(
      /meshform validation failed with 1 error\(s\):\n {2}\[prod\/Team\] .*rule: owner-limit/,
    );
    expect(fs.existsSync(path.join(app.outdir, 'stacks', 'prod', 'meshform.json'))).toBe(false);
    expect(fs.existsSync(path.join(app.outdir, 'stacks', 'prod', 'cdk.tf.json'))).toBe(false);
  });

  test('App.synth() without skipValidation reports through cdktf validation', () => {
    const app = appWithNow();
    const ws = new Workspace(new MeshStack(app, 'prod'), 'Team', { identifier: 'Bad' });
    ws.grant(WorkspaceRole.MEMBER, User.fromUsername('x'));
    expect(() => app.synth()).toThrow(/\[prod\/Team\] workspace identifier "Bad" is invalid/);
  });

  test('App.synth() of a valid app writes meshform.json next to cdk.tf.json', () => {
    const app = appWithNow();
    new Workspace(new MeshStack(app, 'prod'), 'Team', { identifier: 'team' });
    app.synth();
    const dir = path.join(app.outdir, 'stacks', 'prod');
    expect(fs.readdirSync(dir).sort()).toEqual(['cdk.tf.json', 'meshform.json']);
  });

  test('an invalid meshform:now context is reported', () => {
    const stack = testStack({}, 'not a date');
    new Workspace(stack, 'A', { identifier: 'a' });
    expect(() => Testing.synth(stack, true)).toThrow(/context meshform:now must be an ISO date-time, got "not a date"/);
  });
});

describe('anchor scope', () => {
  test('AnchorScope.STACK: one anchor for the whole stack, applying every workspace', () => {
    const stack = testStack({ anchorScope: AnchorScope.STACK });
    twoWorkspaces(stack);
    const anchors = Object.values<any>(synthOutputs(stack).terraform.resource.terraform_data);
    expect(anchors).toHaveLength(1);
    expect(anchors[0].provisioner[0]['local-exec'].command).toBe(
      '${var.meshform_command} apply --manifest "${path.module}/meshform.json" --auto-approve',
    );
    expect(anchors[0].triggers_replace).toMatch(/^[0-9a-f]{64}$/);
  });
});
