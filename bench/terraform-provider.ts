/**
 * `terraform plan` with terraform-provider-meshform against the anchor modes and `meshform plan`, on
 * the benchmark estate (bench/estate.ts) in the sandbox. For each size: the provider's first apply,
 * its plan with nothing to do (every workspace read and planned: that is what shows drift), its plan
 * after one workspace changed in code; an anchors stack's plan (which reads no platform: it only
 * compares hashes, so it shows no drift); and meshform's own full plan of the same estate. As a
 * control, Terraform alone: the first apply of the same values as built-in terraform_data resources
 * (no meshform, no platform), which shows what Terraform's own handling of the state costs.
 *
 *   node dist/bench/terraform-provider.js [--sizes 100,1000] [--out bench/terraform-provider.md]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { App } from '../constructs/cdktf';
import { AnchorKind, AnchorScope, type MeshStackProps } from '../constructs';
import { installProvider } from '../controller/cli/terraform';
import { HttpApiClient } from '../controller/client/http-client';
import { planAgainst } from '../controller/run';
import { checkDesiredState } from '../core/manifest-file';
import { EstateStack } from './estate';
import { freshSandbox, runBench, secondsSince } from './platform';

interface Row {
  readonly workspaces: number;
  readonly providerFirstApply: number;
  readonly terraformAloneFirstApply: number;
  readonly providerPlanNoChanges: number;
  readonly providerPlanOneChanged: number;
  readonly anchorsPlanPerWorkspace: number;
  readonly anchorsPlanPerStack: number;
  readonly meshformPlan: number;
}

function terraform(
  dir: string,
  env: NodeJS.ProcessEnv,
  ...args: string[]
): { seconds: number; stdout: string; status: number | null } {
  const started = process.hrtime.bigint();
  const r = spawnSync('terraform', [...args, '-input=false', '-no-color'], {
    cwd: dir,
    env,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0 && !(args.includes('-detailed-exitcode') && r.status === 2))
    throw new Error(`terraform ${args.join(' ')} failed: ${r.stderr.slice(-3000)}`);
  return { seconds: secondsSince(started), stdout: r.stdout, status: r.status };
}

function synth(outdir: string, workspaces: number, props: MeshStackProps, rename = false): string {
  const app = new App({ skipValidation: true, outdir });
  new EstateStack(app, 'estate', workspaces, props, rename);
  app.synth();
  return path.join(outdir, 'stacks', 'estate');
}

/** Each meshform_workspace of the provider stack as a terraform_data holding the same value: Terraform's own cost, without meshform. */
function terraformAloneFirstApply(providerDir: string, dir: string, env: NodeJS.ProcessEnv): number {
  const config = JSON.parse(fs.readFileSync(path.join(providerDir, 'cdk.tf.json'), 'utf8')) as {
    resource: { meshform_workspace: Record<string, Record<string, unknown>> };
  };
  const data = Object.fromEntries(
    Object.entries(config.resource.meshform_workspace).map(
      ([name, { '//': _m, depends_on: _d, provider: _p, lifecycle: _l, ...value }]) => [name, { input: value }],
    ),
  );
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: data } }));
  terraform(dir, env, 'init');
  return terraform(dir, env, 'apply', '-auto-approve').seconds;
}

async function measure(workspaces: number): Promise<Row> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-bench-provider-'));
  const sandbox = await freshSandbox();
  try {
    const installed = installProvider(path.join(work, 'install'));
    const base = {
      ...process.env,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      MESHSTACK_ENDPOINT: sandbox.url,
      MESHSTACK_API_KEY: 'partner-admin',
      TF_VAR_meshstack_endpoint: sandbox.url,
    };
    const providerEnv = { ...base, TF_CLI_CONFIG_FILE: installed.cliConfig };
    // The anchors and the control need built-in providers only: an empty CLI configuration.
    const builtinEnv = { ...base, TF_CLI_CONFIG_FILE: path.join(work, 'empty.tfrc') };
    fs.writeFileSync(builtinEnv.TF_CLI_CONFIG_FILE, '');
    const out = path.join(work, 'provider');
    const dir = synth(out, workspaces, { anchor: AnchorKind.MESHFORM_PROVIDER });
    terraform(dir, providerEnv, 'init');
    const first = terraform(dir, providerEnv, 'apply', '-auto-approve');
    const noChanges = terraform(dir, providerEnv, 'plan', '-detailed-exitcode');
    if (noChanges.status !== 0) throw new Error(`the plan after apply has changes:\n${noChanges.stdout.slice(-3000)}`);
    synth(out, workspaces, { anchor: AnchorKind.MESHFORM_PROVIDER }, true);
    const oneChanged = terraform(dir, providerEnv, 'plan', '-detailed-exitcode');
    if (!/Plan: 0 to add, 1 to change, 0 to destroy/.test(oneChanged.stdout))
      throw new Error(`expected one change:\n${oneChanged.stdout.slice(-3000)}`);

    // The anchors never call the platform at plan: applied with a command that does nothing, their state is what a real apply leaves.
    const anchorsPlan = (props: MeshStackProps, name: string) => {
      const anchorsDir = synth(path.join(work, name), workspaces, props);
      const env = { ...builtinEnv, TF_VAR_meshform_command: 'true' };
      terraform(anchorsDir, env, 'init');
      terraform(anchorsDir, env, 'apply', '-auto-approve');
      return terraform(anchorsDir, env, 'plan', '-detailed-exitcode').seconds;
    };
    const perWorkspace = anchorsPlan({}, 'anchors-ws');
    const perStack = anchorsPlan({ anchorScope: AnchorScope.STACK }, 'anchors-stack');

    const terraformAlone = terraformAloneFirstApply(dir, path.join(work, 'alone'), builtinEnv);

    const desired = checkDesiredState(
      JSON.parse(fs.readFileSync(path.join(dir, 'meshform.json'), 'utf8')),
      'estate',
      new Date(),
    ).state;
    const started = process.hrtime.bigint();
    const { plan } = await planAgainst(
      new HttpApiClient({ endpoint: sandbox.url, credentials: { kind: 'key', key: 'partner-admin' } }),
      desired,
      { endpoint: sandbox.url },
    );
    const meshformPlan = secondsSince(started);
    if (plan.workspaces.filter((w) => w.steps.length).length !== 1)
      throw new Error('meshform plan should find the one renamed workspace');
    return {
      workspaces,
      providerFirstApply: first.seconds,
      terraformAloneFirstApply: terraformAlone,
      providerPlanNoChanges: noChanges.seconds,
      providerPlanOneChanged: oneChanged.seconds,
      anchorsPlanPerWorkspace: perWorkspace,
      anchorsPlanPerStack: perStack,
      meshformPlan,
    };
  } finally {
    await sandbox.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function growth(small: Row, large: Row): string {
  const x = (f: (r: Row) => number) => `${(f(large) / f(small)).toFixed(1)}×`;
  return `From ${small.workspaces} to ${large.workspaces} workspaces (${(large.workspaces / small.workspaces).toFixed(0)}×): provider first apply ${x((r) => r.providerFirstApply)}, Terraform alone ${x((r) => r.terraformAloneFirstApply)}, provider plan ${x((r) => r.providerPlanNoChanges)}, meshform plan ${x((r) => r.meshformPlan)}.`;
}

function markdown(rows: Row[]): string {
  const version = spawnSync('terraform', ['version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  const lines = rows.map(
    (r) =>
      `| ${r.workspaces} | ${r.providerFirstApply} s | ${r.terraformAloneFirstApply} s | ${r.providerPlanNoChanges} s | ${r.providerPlanOneChanged} s | ${r.anchorsPlanPerWorkspace} s | ${r.anchorsPlanPerStack} s | ${r.meshformPlan} s |`,
  );
  return [
    '# terraform plan: the provider, the anchors and meshform plan',
    '',
    `\`node dist/bench/terraform-provider.js --sizes ${rows.map((r) => r.workspaces).join(',')}\`, ${version}, the sandbox on loopback (no injected latency), ${os.cpus().length} cores. The estate: each workspace with two projects, ten bindings and three checked tags (bench/estate.ts).`,
    '',
    '| workspaces | provider: first apply | Terraform alone: first apply | provider: plan, no changes | provider: plan, 1 changed | anchors per workspace: plan | anchors per stack: plan | meshform plan |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...lines,
    '',
    "The provider's plans read and plan every workspace (that is how they show drift); the anchors' plans read nothing from the platform and show only that code changed; meshform plan reads the whole estate in paged lists.",
    '',
    "Terraform alone is the control: the same values as built-in terraform_data resources, applied without meshform or a platform. Terraform hands the whole state to its state manager after each resource it applies (its StateHook calls WriteState on every PostStateUpdate), so a first apply costs in proportion to resources × state size, and its growth from the smallest to the largest size here shows Terraform's own share of the provider's.",
    ...(rows.length > 1 ? ['', growth(rows[0], rows[rows.length - 1])] : []),
    '',
  ].join('\n');
}

runBench(async () => {
  const opts = new Command()
    .option('--sizes <list>', 'workspace counts', '100,1000')
    .option('--out <file>', 'markdown report', path.join('bench', 'terraform-provider.md'))
    .parse(process.argv)
    .opts<{ sizes: string; out: string }>();
  const rows: Row[] = [];
  for (const n of opts.sizes.split(',').map(Number)) {
    const row = await measure(n);
    process.stdout.write(`${JSON.stringify(row)}\n`);
    rows.push(row);
  }
  fs.writeFileSync(opts.out, markdown(rows));
});
