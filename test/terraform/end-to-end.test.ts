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
import { REPO_ROOT, meshform } from '../helpers/cli';
import { type SandboxFixture, sandboxFixture } from '../helpers/sandbox';
import { TERRAFORM, terraform } from '../helpers/terraform';

const describeTf = TERRAFORM ? describe : describe.skip;

describe('cdktf synth and meshform synth', () => {
  test('write the same files (meshform synth runs the app the way cdktf does)', async () => {
    const cdktfOut = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-out-'));
    const run = spawnSync(process.execPath, ['dist/examples/basic/main.js'], { cwd: REPO_ROOT, env: { ...process.env, CDKTF_OUTDIR: cdktfOut }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-out-'));
    expect((await meshform(['synth', '--out', out], { cwd: REPO_ROOT })).code).toBe(0);
    for (const file of ['cdk.tf.json', 'meshform.json']) {
      expect(fs.readFileSync(path.join(out, file), 'utf8')).toBe(fs.readFileSync(path.join(cdktfOut, 'stacks', 'basic', file), 'utf8'));
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

  const vars = () => ({ TF_VAR_meshstack_endpoint: f.sandbox.url, TF_VAR_meshstack_api_key: 'partner-admin' });
  const synth = (display?: string) => meshform(['synth', '--app', 'node dist/test/fixtures/apps/tf-two-workspaces.js', '--out', dir], { cwd: REPO_ROOT, env: display ? { TF_E2E_DISPLAY: display } : {} });

  test('terraform apply runs meshform for each workspace; a change in one workspace replaces only its anchor', async () => {
    expect((await synth()).code).toBe(0);
    expect(terraform(['init', '-input=false'], dir).status).toBe(0);
    const first = terraform(['apply', '-auto-approve', '-input=false'], dir, vars());
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/Apply complete! Resources: 2 added, 0 changed, 0 destroyed\./);
    const api = new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: 'partner-admin' } });
    expect((await api.workspaces.list()).map((w) => `${w.name}:${w.displayName}`).sort()).toEqual(['tf-alpha:Alpha', 'tf-beta:Beta']);
    expect((await api.bindings.listWorkspaceBindings()).map((b) => `${b.workspace}:${b.subject}`).sort()).toEqual(['tf-alpha:alice', 'tf-beta:bob']);

    expect(terraform(['plan', '-input=false', '-detailed-exitcode'], dir, vars()).status).toBe(0);
    expect((await synth('Beta renamed')).code).toBe(0);
    const plan = terraform(['plan', '-input=false', '-detailed-exitcode'], dir, vars());
    expect(plan.status).toBe(2);
    expect(plan.stdout).toMatch(/terraform_data\.Beta_\w+ must be replaced/);
    expect(plan.stdout).not.toMatch(/# terraform_data\.Alpha_\w+/);
    expect(plan.stdout).toMatch(/Plan: 1 to add, 0 to change, 1 to destroy\./);
    // The anchors' command is a variable: this apply runs meshform with plain node instead of npx.
    const second = terraform(['apply', '-auto-approve', '-input=false'], dir, { ...vars(), TF_VAR_meshform_command: `${process.execPath} ${path.join(REPO_ROOT, 'dist', 'bin', 'meshform.js')}` });
    expect(second.stderr).toBe('');
    expect(second.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 1 destroyed\./);
    expect((await api.workspaces.read('tf-beta'))?.displayName).toBe('Beta renamed');
    const state = fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8');
    expect(state).not.toMatch(new RegExp((await f.http.get('/mesh/info')).data.devLocalCredentials.apiKeys['partner-admin'].clientSecret));
  });
});
