/**
 * The alternative a user would pick: Terraform with one resource per workspace, project and binding.
 * One `terraform_data` per object stands in for a provider resource, so `terraform plan` measures only
 * Terraform's own overhead: a lower bound for any per-resource provider, which adds one GET per
 * object on refresh. The state is written as Terraform writes it, so the plan refreshes every
 * resource and finds no changes (checked), as a steady-state `terraform plan` in CI would.
 */
import { spawnSync } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { DesiredState } from '../schemas/desired-state.generated';

export interface TerraformBaseline {
  readonly resources: number;
  readonly planSeconds: number;
  readonly peakRssMb?: number;
  /** The plan found the hand-written state up to date (else the timing would include planning creates). */
  readonly noChanges: boolean;
}

function objects(d: DesiredState): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = d.tagDefinitions.map((t) => [
    `tagdef_${t.metadata.name.replace(/\W/g, '_')}`,
    t,
  ]);
  for (const w of d.workspaces) {
    const ws = w.metadata.name.replace(/\W/g, '_');
    out.push([`ws_${ws}`, { metadata: w.metadata, spec: w.spec }]);
    w.bindings.forEach((b, i) => out.push([`wsb_${ws}_${i}`, { workspace: w.metadata.name, ...b }]));
    for (const p of w.projects) {
      const pr = p.metadata.name.replace(/\W/g, '_');
      out.push([`project_${pr}`, { metadata: p.metadata, spec: p.spec }]);
      p.bindings.forEach((b, i) => out.push([`pb_${pr}_${i}`, { project: p.metadata.name, ...b }]));
    }
  }
  return out;
}

/** Writes the per-resource configuration and its state into `dir`. */
function writeBaseline(d: DesiredState, dir: string): number {
  const list = objects(d);
  fs.mkdirSync(dir, { recursive: true });
  const resource: Record<string, { input: string }> = {};
  for (const [name, obj] of list) resource[name] = { input: JSON.stringify(obj) };
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: resource } }));
  const value = (s: string) => ({ value: s, type: 'string' });
  const state = {
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: randomUUID(),
    outputs: {},
    resources: list.map(([name]) => ({
      mode: 'managed',
      type: 'terraform_data',
      name,
      provider: 'provider["terraform.io/builtin/terraform"]',
      instances: [
        {
          schema_version: 0,
          attributes: {
            id: randomUUID(),
            input: value(resource[name].input),
            output: value(resource[name].input),
            triggers_replace: null,
          },
          sensitive_attributes: [],
        },
      ],
    })),
    check_results: null,
  };
  fs.writeFileSync(path.join(dir, 'terraform.tfstate'), JSON.stringify(state));
  return list.length;
}

const TIME = '/usr/bin/time';

/** `terraform plan` on the per-resource configuration; undefined when no terraform is on PATH. */
export function timeTerraformPlan(d: DesiredState, dir: string): TerraformBaseline | undefined {
  const cliConfig = path.join(dir, 'cli.tfrc');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(cliConfig, '');
  const env = {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_CLI_CONFIG_FILE: cliConfig,
  };
  if (spawnSync('terraform', ['version'], { env }).status !== 0) return undefined;
  const resources = writeBaseline(d, dir);
  const init = spawnSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`terraform init failed: ${init.stderr}`);
  // GNU time reports the peak RSS of terraform itself, where it is installed.
  const withTime = fs.existsSync(TIME);
  const args = ['plan', '-input=false', '-no-color', '-detailed-exitcode'];
  const started = process.hrtime.bigint();
  const plan = withTime
    ? spawnSync(TIME, ['-f', 'maxrss=%M', 'terraform', ...args], {
        cwd: dir,
        env,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      })
    : spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const planSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (plan.status !== 0 && plan.status !== 2)
    throw new Error(`terraform plan failed (${plan.status}): ${plan.stderr.slice(-2000)}`);
  const rss = /maxrss=(\d+)/.exec(plan.stderr ?? '');
  return {
    resources,
    planSeconds: Number(planSeconds.toFixed(3)),
    ...(rss ? { peakRssMb: Math.round(Number(rss[1]) / 1024) } : {}),
    noChanges: plan.status === 0,
  };
}
