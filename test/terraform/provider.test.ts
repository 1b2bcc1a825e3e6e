/**
 * terraform-provider-meshform with the real terraform binary against the sandbox: installed by
 * `meshform terraform install`, found offline through its filesystem mirror, and `terraform plan`
 * showing what meshform would change (drift, expiry, refusals, 4-eyes). Skipped, with a printed
 * reason, when no terraform is on PATH.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { HttpApiClient } from '../../controller/client/http-client';
import { createProvider } from '../../provider/provider';
import { impliedType } from '../../provider/protocol/schema';
import { decodeValue } from '../../provider/protocol/values';
import { TAG_DEFINITION_SCHEMA } from '../../provider/resources/tag-definition-schema';
import { REPO_ROOT, meshform } from '../helpers/cli';
import { type SandboxFixture, sandboxFixture } from '../helpers/sandbox';
import { TERRAFORM, debugProviderPerFile, startDebugProvider, terraform, terraformEnv } from '../helpers/terraform';
import { scratchDir } from '../helpers/scratch';

const describeTf = TERRAFORM ? describe : describe.skip;

/** The provider block; `extra` adds attributes (the debug provider keeps its start's environment: per command, set them here). */
const provider = (extra = '') => `terraform {
  required_providers {
    meshform = { source = "meshcloud/meshform", version = "0.1.0" }
  }
}

provider "meshform" {
  stack = "tf-provider"
${extra}}
`;

/** One workspace in HCL; `extra` adds blocks or attributes inside the resource. */
const workspace = (display: string, extra = '') => `
resource "meshform_tag_definition" "team" {
  target_kind  = "meshWorkspace"
  key          = "team"
  display_name = "Team"
  value_type   = "string"
}

resource "meshform_workspace" "pay" {
  identifier   = "tfp-pay"
  display_name = "${display}"
  tags         = { team = ["payments"] }
  depends_on   = [meshform_tag_definition.team]

  binding {
    role = "Workspace Owner"
    user = "alice"
  }
  binding {
    role = "Workspace Owner"
    user = "bob"
  }
  project {
    identifier = "tfp-pay-dev"
    binding {
      role = "Project Admin"
      user = "bob"
    }
  }
${extra}
}
`;

describeTf(`terraform ${TERRAFORM ?? ''} with terraform-provider-meshform`, () => {
  let f: SandboxFixture;
  let dir: string;
  let install: string;
  let api: HttpApiClient;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    f = await sandboxFixture();
    const root = scratchDir('tfp');
    install = path.join(root, 'install');
    dir = path.join(root, 'config');
    fs.mkdirSync(dir);
    env = {
      TF_CLI_CONFIG_FILE: path.join(install, 'terraform.rc'),
      MESHSTACK_ENDPOINT: f.sandbox.url,
      MESHSTACK_API_KEY: 'partner-admin',
      MESHSTACK_API_SECRET: '',
      MESHSTACK_API_TOKEN: '',
    };
    api = new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: 'partner-admin' } });
  });
  afterAll(async () => {
    await f.sandbox.close();
  });
  // Most commands reattach to one provider process; the install test, the trace log's and the dying provider's start it as Terraform does.
  const debugProvider = debugProviderPerFile(() => env);

  const write = (hcl: string, providerExtra = '') =>
    fs.writeFileSync(path.join(dir, 'main.tf'), provider(providerExtra) + hcl);
  /** Terraform starts the provider for this command (3 starts for a plan, 4 for an apply). */
  const started = (args: string[], extra: NodeJS.ProcessEnv = {}) => terraform(args, dir, { ...env, ...extra });
  const tf = (args: string[]) => started(args, debugProvider().env);
  const PLAN = ['plan', '-input=false', '-detailed-exitcode'];
  const APPLY = ['apply', '-auto-approve', '-input=false'];
  const plan = () => tf(PLAN);
  const applied = () => tf(APPLY);

  test('one provider process serves many commands: each ConfigureProvider starts afresh, as a new process would', async () => {
    const json = (v: object) => ({ json: Buffer.from(JSON.stringify(v)) });
    const type = impliedType(TAG_DEFINITION_SCHEMA.block);
    const state = { target_kind: 'meshProject', key: 'tfp-fresh', display_name: 'Fresh', value_type: 'string' };
    const displayNames: string[] = [];
    /** A plan's two reads of one tag definition, renamed in meshPanel between them: a plan shares what it reads. */
    const planReads = async (provider: ReturnType<typeof createProvider>, config: object) => {
      expect(await provider.ConfigureProvider({ config: json(config) })).toEqual({ diagnostics: [] });
      const read = async () => {
        const r = (await provider.ReadResource({
          type_name: 'meshform_tag_definition',
          current_state: json(state),
        })) as {
          new_state: { msgpack: Buffer };
          diagnostics: object[];
        };
        expect(r.diagnostics).toEqual([]);
        return (decodeValue(r.new_state.msgpack, type) as { display_name: string }).display_name;
      };
      const first = await read();
      const renamed = `Renamed ${displayNames.push(first)}`;
      const live = (await api.tagDefinitions.list()).find((d) => d.metadata.name === 'meshProject.tfp-fresh')!;
      await api.tagDefinitions.put({ ...live, spec: { ...live.spec, displayName: renamed } });
      return [first, await read()];
    };
    const startEnv = {
      MESHSTACK_ENDPOINT: f.sandbox.url,
      MESHSTACK_API_KEY: 'partner-admin',
      MESHSTACK_API_SECRET: '',
    };
    const reused = createProvider(startEnv, () => undefined);
    // The first command applies (an apply reads afresh, unshared)...
    expect(await reused.ConfigureProvider({ config: json({ stack: 'first' }) })).toEqual({ diagnostics: [] });
    const created = await reused.ApplyResourceChange({
      type_name: 'meshform_tag_definition',
      prior_state: null,
      planned_state: json(state),
    });
    expect(created.diagnostics).toEqual([]);
    // ...the next one plans with another configuration, on the same process and on a fresh one alike.
    const [before, after] = await planReads(reused, { stack: 'second', api_key: 'partner-admin' });
    expect(after).toBe(before);
    const [freshBefore, freshAfter] = await planReads(
      createProvider(startEnv, () => undefined),
      { stack: 'second' },
    );
    expect(freshAfter).toBe(freshBefore);
    // A configuration that fails leaves the provider unconfigured, not configured as the command before.
    const failed = (await reused.ConfigureProvider({ config: json({ policy: 'no-such.policies.yaml' }) })) as {
      diagnostics: Array<{ summary: string }>;
    };
    expect(failed.diagnostics).toEqual([expect.objectContaining({ summary: 'meshform: invalid policy file' })]);
    await expect(
      reused.ReadResource({ type_name: 'meshform_tag_definition', current_state: json(state) }),
    ).resolves.toMatchObject({ diagnostics: [{ severity: 1, detail: 'the provider is not configured' }] });
  });

  test('terraform-provider-meshform --debug announces TF_REATTACH_PROVIDERS for both registries on a private unix socket; Ctrl-C stops it and removes the socket', async () => {
    const reattach = JSON.parse(debugProvider().env.TF_REATTACH_PROVIDERS) as Record<
      string,
      { Addr: { String: string } }
    >;
    expect(Object.keys(reattach).sort()).toEqual([
      'registry.opentofu.org/meshcloud/meshform',
      'registry.terraform.io/meshcloud/meshform',
    ]);
    const socket = reattach['registry.terraform.io/meshcloud/meshform'].Addr.String;
    for (const config of Object.values(reattach))
      expect(config).toEqual({
        Protocol: 'grpc',
        ProtocolVersion: 6,
        Pid: debugProvider().pid,
        Test: true,
        Addr: { Network: 'unix', String: socket },
      });
    expect(fs.statSync(socket).isSocket()).toBe(true);
    expect(fs.statSync(path.dirname(socket)).mode & 0o777).toBe(0o700);

    const another = await startDebugProvider(env);
    const its = Object.values(JSON.parse(another.env.TF_REATTACH_PROVIDERS) as typeof reattach)[0].Addr.String;
    expect(its).not.toBe(socket);
    expect(await another.stop('SIGINT')).toBe(0);
    expect(fs.existsSync(path.dirname(its))).toBe(false);
  });

  test('install, init offline, plan shows the meshStack change, apply makes it, and the next plan is empty', async () => {
    const installed = await meshform(['terraform', 'install', '--dir', install]);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain(`export TF_CLI_CONFIG_FILE='${path.join(install, 'terraform.rc')}'`);
    write(workspace('Payments'));
    const init = started(['init', '-input=false']);
    expect(init.stderr).toBe('');
    expect(init.stdout).toMatch(/Installing meshcloud\/meshform v0\.1\.0/);

    const first = started(PLAN);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(2);
    expect(first.stdout).toMatch(/# meshform_workspace\.pay will be created/);
    expect(first.stdout).toMatch(/\+ display_name\s+= "Payments"/);
    expect(first.stdout).toMatch(/\+ owner_stack\s+= "tf-provider"/);
    expect(first.stdout).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy\./);

    const apply = started(APPLY);
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toMatch(/Apply complete! Resources: 2 added, 0 changed, 0 destroyed\./);
    expect((await api.workspaces.read('tfp-pay'))?.tags).toMatchObject({
      team: ['payments'],
      meshformStack: ['tf-provider'],
    });
    expect(
      (await api.bindings.listWorkspaceBindings())
        .filter((b) => b.workspace === 'tfp-pay')
        .map((b) => `${b.subject}:${b.role}`)
        .sort(),
    ).toEqual(['alice:Workspace Owner', 'bob:Workspace Owner']);
    expect((await api.tagDefinitions.list()).map((d) => d.metadata.name)).toContain('meshWorkspace.team');

    const again = plan();
    expect(again.stdout).toMatch(/No changes\./);
    expect(again.status).toBe(0);
  });

  test('a change made in meshPanel shows in terraform plan as drift: the display name and an out-of-band grant', async () => {
    const live = (await api.workspaces.read('tfp-pay'))!;
    await api.workspaces.update('tfp-pay', { displayName: 'Payments (panel)', tags: live.tags }, live);
    await api.bindings.create({
      name: 'oob-carol',
      workspace: 'tfp-pay',
      subjectKind: 'User',
      subject: 'carol',
      role: 'Workspace Member',
    });
    const drift = plan();
    expect(drift.status).toBe(2);
    expect(drift.stdout).toMatch(/~ display_name\s+= "Payments \(panel\)" -> "Payments"/);
    expect(drift.stdout).toMatch(/- binding \{[^}]*- user\s+= "carol" -> null/s);
    // The tags did not change: shown as they are, with no drift.
    expect(drift.stdout).toMatch(/\n\s+tags\s+= \{\n\s+"team" = \[/);
    expect(drift.stdout).not.toMatch(/[~+-] "team"|~ tags/);
    expect(applied().stdout).toMatch(/Apply complete! Resources: 0 added, 1 changed, 0 destroyed\./);
    expect((await api.workspaces.read('tfp-pay'))?.displayName).toBe('Payments');
    expect(
      (await api.bindings.listWorkspaceBindings()).some((b) => b.subject === 'carol' && b.workspace === 'tfp-pay'),
    ).toBe(false);
    expect(plan().status).toBe(0);
  });

  test('a third Workspace Owner is refused at plan, with the rule in the diagnostic, and nothing is applied', async () => {
    write(workspace('Payments', '  binding {\n    role = "Workspace Owner"\n    user = "carol"\n  }\n'));
    const refused = plan();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/Error: meshform: owner-limit/);
    expect(refused.stderr).toMatch(/declares 3 Workspace Owners \(alice, bob, carol\);\s+meshStack allows at most 2/);
    expect(refused.stderr).toMatch(/Rule: owner-limit/);
    expect(refused.stderr).toMatch(/with meshform_workspace\.pay/);
    expect(applied().status).toBe(1);
    expect(
      (await api.bindings.listWorkspaceBindings()).filter(
        (b) => b.workspace === 'tfp-pay' && b.role === 'Workspace Owner',
      ),
    ).toHaveLength(2);
  });

  test('an expiry passing on the sandbox clock shows in the next plan: the binding is gone, and the plan says it is removed, not granted again', async () => {
    const now = new Date((await f.as('partner-admin').ext('GET', '/clock')).data.now);
    const day = (n: number) => new Date(now.getTime() + n * 86400_000).toISOString().slice(0, 10);
    write(
      workspace(
        'Payments',
        `  binding {\n    role        = "Workspace Member"\n    user        = "dave"\n    expiry_date = "${day(2)}"\n  }\n`,
      ),
    );
    expect(applied().stdout).toMatch(/1 changed/);
    expect(plan().status).toBe(0);
    await f.as('partner-admin').ext('POST', '/clock', { advance: `${4 * 86400_000}ms` });
    const later = plan();
    expect(later.stdout).toMatch(/Warning: meshform: expiry-past/);
    expect(later.stdout.replace(/\s+/g, ' ')).toContain(
      `user "dave" as "Workspace Member": expiryDate ${day(2)} has passed, so the binding is removed, not created.`,
    );
    const refresh = tf(['plan', '-refresh-only', '-input=false']);
    expect(refresh.stdout).toMatch(/Objects have changed outside of Terraform/);
    expect(refresh.stdout).toMatch(/status\s+= "active" -> "expired"|\+ status\s+= "expired"/);
    write(workspace('Payments'));
    expect(applied().status).toBe(0);
  });

  test('4-eyes: the grant is a warning at plan and at apply, its binding is "waiting for approval", and the next plan shows it again', async () => {
    await f.as('partner-admin').ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
    try {
      // As bob, through the provider block: the reattached provider keeps its start's MESHSTACK_API_KEY.
      write(
        workspace('Payments', '  binding {\n    role = "Workspace Member"\n    user = "carol"\n  }\n'),
        '  api_key = "bob"\n',
      );
      const planned = plan();
      expect(planned.status).toBe(2);
      expect(planned.stdout).toMatch(/Warning: meshform: 4-eyes approval/);
      const apply = applied();
      expect(apply.status).toBe(0);
      expect(apply.stdout).toMatch(/Warning: meshform: waiting for 4-eyes approval/);
      const state = tf(['state', 'show', 'meshform_workspace.pay']);
      expect(state.stdout).toMatch(/status\s+= "waiting for approval"\s+user\s+= "carol"/);
      const again = plan();
      expect(again.status).toBe(2);
      expect(again.stdout).toMatch(/\+ binding \{[^}]*\+ user\s+= "carol"/s);
      expect(again.stdout).toMatch(/Warning: meshform: waiting for approval/);
      expect((await f.as('alice').ext('GET', '/role-requests?status=PENDING')).data.roleRequests).toHaveLength(1);
    } finally {
      await f.as('partner-admin').ext('PUT', '/settings', { fourEyes: { enabled: false, minApprovalCount: 2 } });
    }
    write(workspace('Payments'));
    expect(applied().status).toBe(0);
  });

  test('an existing workspace is imported with an import block and -generate-config-out; the plan then only records the owner, and after apply it is empty', async () => {
    // As made in meshPanel: no stack owns it.
    await api.workspaces.create({ name: 'tfp-legacy', displayName: 'Legacy', tags: { team: ['legacy'] } });
    await api.bindings.create({
      name: 'legacy-alice',
      workspace: 'tfp-legacy',
      subjectKind: 'User',
      subject: 'alice',
      role: 'Workspace Owner',
    });
    fs.writeFileSync(
      path.join(dir, 'import.tf'),
      'import {\n  to = meshform_workspace.legacy\n  id = "tfp-legacy"\n}\n',
    );
    const generated = tf(['plan', '-input=false', '-generate-config-out=generated.tf']);
    expect(generated.stderr).toBe('');
    const hcl = fs.readFileSync(path.join(dir, 'generated.tf'), 'utf8');
    expect(hcl).toMatch(/identifier\s+= "tfp-legacy"/);
    expect(hcl).toMatch(/adopt\s+= true/);
    expect(hcl).toMatch(/tags\s+= \{\s+team = \["legacy"\]\s+\}/);
    expect(hcl).toMatch(
      /binding \{\s+expiry_date = null\s+group\s+= null\s+invite\s+= null\s+reason\s+= null\s+role\s+= "Workspace Owner"\s+user\s+= "alice"/,
    );
    const claim = plan();
    expect(claim.status).toBe(2);
    expect(claim.stdout).toMatch(
      /# meshform_workspace\.legacy will be updated in-place\s+# \(imported from "tfp-legacy"\)/,
    );
    expect(claim.stdout).toMatch(/\+ owner_stack\s+= "tf-provider"/);
    expect(claim.stdout).toMatch(/Plan: 1 to import, 0 to add, 1 to change, 0 to destroy\./);
    expect(applied().stdout).toMatch(/1 imported, 0 added, 1 changed, 0 destroyed/);
    expect((await api.workspaces.read('tfp-legacy'))?.tags.meshformStack).toEqual(['tf-provider']);
    expect(plan().status).toBe(0);
    // A tag definition imports by its name, with `terraform import`.
    expect(tf(['state', 'rm', 'meshform_tag_definition.team']).status).toBe(0);
    const imported = tf(['import', '-input=false', 'meshform_tag_definition.team', 'meshWorkspace.team']);
    expect(imported.stdout).toMatch(/Import successful!/);
    expect(plan().status).toBe(0);
  });

  test('terraform destroy of a workspace is refused until the code gives a deletion reason; with one, the workspace is deleted', async () => {
    const refused = tf(['destroy', '-auto-approve', '-input=false', '-target=meshform_workspace.legacy']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/Error: meshform deletes a workspace only with a reason/);
    expect(await api.workspaces.read('tfp-legacy')).toBeDefined();
    const generated = path.join(dir, 'generated.tf');
    fs.writeFileSync(
      generated,
      fs.readFileSync(generated, 'utf8').replace(/deletion_reason\s*= null/, 'deletion_reason = "retired in JIRA-99"'),
    );
    expect(applied().stdout).toMatch(/0 added, 1 changed, 0 destroyed/);
    const destroyed = tf(['destroy', '-auto-approve', '-input=false', '-target=meshform_workspace.legacy']);
    expect(destroyed.stdout).toMatch(/Destroy complete! Resources: 1 destroyed\./);
    expect((await api.workspaces.list()).filter((w) => !w.deleted).map((w) => w.name)).not.toContain('tfp-legacy');
    fs.rmSync(generated);
    fs.rmSync(path.join(dir, 'import.tf'));
    expect(plan().status).toBe(0);
  });

  test("no secret reaches the state, the plan output or Terraform's trace log", async () => {
    const secret: string = (await f.http.get('/mesh/info')).data.devLocalCredentials.apiKeys['partner-admin']
      .clientSecret;
    const log = path.join(dir, 'trace.log');
    // Started by Terraform, so the provider's own output is in the trace log too.
    const run = started(PLAN, { TF_LOG: 'TRACE', TF_LOG_PATH: log, MESHSTACK_API_SECRET: secret });
    expect(run.status).toBe(0);
    for (const text of [
      run.stdout,
      run.stderr,
      fs.readFileSync(log, 'utf8'),
      fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8'),
    ])
      expect(text).not.toContain(secret);
  });

  test('a provider process that dies is reported by Terraform as a plugin failure, naming the call', async () => {
    // A platform that accepts connections and never answers keeps the provider busy; then it is killed.
    const sockets: net.Socket[] = [];
    const hang = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hang.address() as net.AddressInfo).port}`;
    try {
      const child = spawn('terraform', ['plan', '-input=false', '-no-color'], {
        cwd: dir,
        env: terraformEnv({ ...env, MESHSTACK_ENDPOINT: url }),
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      while (!sockets.length) await new Promise((r) => setTimeout(r, 100));
      const providers = fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return (
              fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('terraform-provider-meshform.js') &&
              fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(' ')[3] === String(child.pid)
            );
          } catch {
            return false;
          }
        });
      expect(providers.length).toBeGreaterThan(0);
      for (const p of providers) process.kill(Number(p), 'SIGKILL');
      expect(await exited).toBe(1);
      // Which of its two words Terraform uses depends on when it notices; both name the call that died.
      expect(stderr).toMatch(/Error: (Plugin did not respond|Request cancelled)/);
      expect(stderr).toMatch(/plugin6\.\(\*GRPCProvider\)\.ConfigureProvider\s+(call|request)/);
    } finally {
      sockets.forEach((s) => s.destroy());
      hang.close();
    }
  });

  test('a CDKTF stack with AnchorKind.MESHFORM_PROVIDER synthesizes provider resources; terraform applies them, and terraform plan and meshform plan then agree that nothing is left', async () => {
    const out = path.join(path.dirname(dir), 'cdktf');
    const synth = await meshform(
      ['synth', '--app', 'node dist/test/fixtures/apps/tf-two-workspaces.js', '--out', out],
      { cwd: REPO_ROOT, env: { TF_E2E_ANCHOR: 'provider' } },
    );
    expect(synth.code).toBe(0);
    const run = (args: string[]) => terraform(args, out, { ...env, ...debugProvider().env });
    expect(run(['init', '-input=false']).status).toBe(0);
    const apply = run(['apply', '-auto-approve', '-input=false']);
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toMatch(/Apply complete! Resources: 3 added, 0 changed, 0 destroyed\./);
    // The tag definition first, the workspaces after it.
    expect(apply.stdout.search(/meshform_tag_definition\.\w+: Creation complete/)).toBeLessThan(
      apply.stdout.search(/meshform_workspace\.\w+: Creating\.\.\./),
    );
    expect((await api.workspaces.read('tf-alpha'))?.tags).toMatchObject({ team: ['platform'], meshformStack: ['tf'] });
    expect(run(['plan', '-input=false', '-detailed-exitcode']).status).toBe(0);
    expect(
      (
        await meshform(['plan', '--manifest', path.join(out, 'meshform.json'), '--detailed-exitcode'], {
          cwd: REPO_ROOT,
          env,
        })
      ).code,
    ).toBe(0);
  });
});
