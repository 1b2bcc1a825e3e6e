/**
 * The Terraform path with the real binary against the sandbox: `terraform apply` in the synthesized
 * directory runs `meshform apply` once per workspace anchor; changing one workspace in code replaces
 * only its anchor. Skipped (with a printed reason) when no terraform is on PATH.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HttpApiClient } from '../../controller/client/http-client';
import { REPO_ROOT, meshform, platformEnv } from '../helpers/cli';
import { type SandboxFixture, sandboxFixture } from '../helpers/sandbox';
import { TERRAFORM, terraform } from '../helpers/terraform';
import { scratchDir } from '../helpers/scratch';

const describeTf = TERRAFORM ? describe : describe.skip;

describe('cdktf synth and meshform synth', () => {
  test('write the same files (meshform synth runs the app the way cdktf does)', async () => {
    const cdktfOut = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-out-'));
    const run = spawnSync(process.execPath, ['dist/examples/basic/main.js'], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDKTF_OUTDIR: cdktfOut },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const out = scratchDir('out');
    expect((await meshform(['synth', '--out', out], { cwd: REPO_ROOT })).code).toBe(0);
    for (const file of ['cdk.tf.json', 'meshform.json']) {
      expect(fs.readFileSync(path.join(out, file), 'utf8')).toBe(
        fs.readFileSync(path.join(cdktfOut, 'stacks', 'basic', file), 'utf8'),
      );
    }
  });
});

describeTf(`terraform ${TERRAFORM ?? ''} end to end`, () => {
  let f: SandboxFixture;
  let dir: string;
  beforeAll(async () => {
    f = await sandboxFixture();
    // Inside the repository, so the anchors' `npx --no-install meshform` finds this package.
    fs.mkdirSync(path.join(REPO_ROOT, '.meshform'), { recursive: true });
    dir = fs.mkdtempSync(path.join(REPO_ROOT, '.meshform', 'tf-e2e-'));
  });
  afterAll(async () => {
    await f.sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // The key comes from the environment Terraform runs in (a variable would be sensitive, and Terraform hides the output of a provisioner that uses one).
  const vars = (key = 'partner-admin') => ({ TF_VAR_meshstack_endpoint: f.sandbox.url, MESHSTACK_API_KEY: key });
  const synth = (display?: string, member?: string) =>
    meshform(['synth', '--app', 'node dist/test/fixtures/apps/tf-two-workspaces.js', '--out', dir], {
      cwd: REPO_ROOT,
      env: { ...(display ? { TF_E2E_DISPLAY: display } : {}), ...(member ? { TF_E2E_MEMBER: member } : {}) },
    });

  test('terraform apply runs meshform for each workspace; a change in one workspace replaces only its anchor', async () => {
    expect((await synth()).code).toBe(0);
    expect(terraform(['init', '-input=false'], dir).status).toBe(0);
    const first = terraform(['apply', '-auto-approve', '-input=false'], dir, vars());
    expect(first.stderr).toBe('');
    // The tag definitions' anchor runs first; each workspace's anchor after it.
    expect(first.stdout).toMatch(/Apply complete! Resources: 3 added, 0 changed, 0 destroyed\./);
    const created = (name: string) =>
      first.stdout.search(new RegExp(`terraform_data\\.${name}_\\w+: Creation complete`));
    expect(created('Meshform_TagDefinitions')).toBeGreaterThan(-1);
    expect(created('Meshform_TagDefinitions')).toBeLessThan(
      first.stdout.search(/terraform_data\.Alpha_\w+: Creating\.\.\./),
    );
    // What meshform did is in Terraform's output, and no secret is.
    expect(first.stdout).not.toMatch(/output suppressed/);
    expect(first.stdout).toMatch(/✓ create tag definition meshWorkspace\.team/);
    expect(first.stdout).toMatch(/✓ create workspace tf-alpha "Alpha"/);
    const api = new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: 'partner-admin' } });
    expect((await api.workspaces.list()).map((w) => `${w.name}:${w.displayName}`).sort()).toEqual([
      'tf-alpha:Alpha',
      'tf-beta:Beta',
    ]);
    expect((await api.bindings.listWorkspaceBindings()).map((b) => `${b.workspace}:${b.subject}`).sort()).toEqual([
      'tf-alpha:alice',
      'tf-alpha:bob',
      'tf-beta:bob',
    ]);
    expect((await api.tagDefinitions.list()).map((d) => d.metadata.name)).toContain('meshWorkspace.team');
    // meshform sees nothing left to do, tag definitions included.
    expect(
      (
        await meshform(['plan', '--manifest', path.join(dir, 'meshform.json'), '--detailed-exitcode'], {
          cwd: REPO_ROOT,
          env: platformEnv(f.sandbox.url, 'partner-admin'),
        })
      ).code,
    ).toBe(0);

    expect(terraform(['plan', '-input=false', '-detailed-exitcode'], dir, vars()).status).toBe(0);
    expect((await synth('Beta renamed')).code).toBe(0);
    const plan = terraform(['plan', '-input=false', '-detailed-exitcode'], dir, vars());
    expect(plan.status).toBe(2);
    expect(plan.stdout).toMatch(/terraform_data\.Beta_\w+ must be replaced/);
    expect(plan.stdout).not.toMatch(/# terraform_data\.Alpha_\w+/);
    expect(plan.stdout).toMatch(/Plan: 1 to add, 0 to change, 1 to destroy\./);
    // The anchors' command is a variable: this apply runs meshform with plain node instead of npx.
    const second = terraform(['apply', '-auto-approve', '-input=false'], dir, {
      ...vars(),
      TF_VAR_meshform_command: `${process.execPath} ${path.join(REPO_ROOT, 'dist', 'bin', 'meshform.js')}`,
    });
    expect(second.stderr).toBe('');
    expect(second.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 1 destroyed\./);
    expect((await api.workspaces.read('tf-beta'))?.displayName).toBe('Beta renamed');
    const state = fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8');
    expect(state).not.toMatch(
      new RegExp((await f.http.get('/mesh/info')).data.devLocalCredentials.apiKeys['partner-admin'].clientSecret),
    );
  });

  test('a grant waiting for 4-eyes approval is a warning, not a failed apply, and the next plan shows that workspace again until it is approved', async () => {
    await f.as('partner-admin').ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
    try {
      expect((await synth(undefined, 'carol')).code).toBe(0);
      const waiting = terraform(['apply', '-auto-approve', '-input=false'], dir, vars('bob'));
      expect(waiting.stderr).toBe('');
      expect(waiting.stdout).toMatch(/Apply complete!/);
      expect(waiting.stdout).toMatch(/Warning: 1 grant\(s\) wait for a second approval/);
      // Still waiting: the next plan shows the workspace again, and only that one.
      const again = terraform(['plan', '-input=false', '-detailed-exitcode'], dir, vars('bob'));
      expect(again.status).toBe(2);
      expect(again.stdout).toMatch(/terraform_data\.Alpha_\w+ must be replaced/);
      expect(again.stdout).not.toMatch(/terraform_data\.Beta_\w+ must be replaced/);
      expect((await f.as('alice').ext('GET', '/role-requests?status=PENDING')).data.roleRequests).toHaveLength(1);
    } finally {
      await f.as('partner-admin').ext('PUT', '/settings', { fourEyes: { enabled: false, minApprovalCount: 2 } });
    }
  });
});
