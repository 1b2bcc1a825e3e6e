/** Benchmark results: the targets they are held to, growth ratios, and the markdown table. */
import type { StepMeasurement } from './step';
import type { AnchorTiming } from './terraform-anchors';
import type { TerraformBaseline } from './terraform-baseline';

export interface Row {
  readonly workspaces: number;
  readonly platform?: 'fake' | 'sandbox';
  readonly step: string;
  readonly measurement: StepMeasurement;
}

export interface Target {
  readonly name: string;
  readonly measured: string;
  /** undefined: not measured in this run (e.g. --quick has no 10k estate). */
  readonly met?: boolean;
}

export interface Results {
  readonly date: string;
  readonly machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  readonly quick: boolean;
  readonly sizes: number[];
  readonly rows: Row[];
  readonly sandbox: Array<{ workspaces: number; peakRssMb?: number; throughput: Record<string, unknown> }>;
  readonly terraform: Array<TerraformBaseline & { workspaces: number; bindings: number }>;
  terraformSkipped?: string;
  anchors?: { workspaces: number; timings: AnchorTiming[] };
  /** bench/policies.ts's runs (`--record`), one per estate size; a full run carries them over. */
  policies?: PolicyRun[];
  summary?: Summary;
}

/** A full plan on the fake with and without policies: medians of the rounds. */
export interface PolicyRun {
  readonly date: string;
  readonly workspaces: number;
  readonly policies: number;
  readonly rounds: number;
  readonly withoutSeconds: number;
  readonly withSeconds: number;
  readonly timeRatio: number;
  readonly withoutCpuSeconds: number;
  readonly withCpuSeconds: number;
  readonly cpuRatio: number;
  readonly withoutHeapMiB: number;
  readonly withHeapMiB: number;
  readonly heapRatio: number;
}

export interface Summary {
  readonly targets: Target[];
  /** Time at 10,000 workspaces over time at 1,000, per platform and step (10 is linear). */
  readonly growth10kOver1k: Record<string, number>;
  /** meshform's plan time over Terraform's per-resource plan time, at the same estate. */
  readonly versusTerraform: Array<{
    workspaces: number;
    bindings: number;
    terraformSeconds: number;
    meshformFakeSeconds?: number;
    meshformSandboxSeconds?: number;
    sandboxRatio?: number;
  }>;
}

const LARGE = 10_000;
const find = (r: Results, workspaces: number, platform: string | undefined, step: string) =>
  r.rows.find((x) => x.workspaces === workspaces && x.platform === platform && x.step === step);
const ratio = (m: StepMeasurement) => (m.readLowerBound ? m.reads / m.readLowerBound : undefined);

export function summarize(r: Results): Summary {
  const targets: Target[] = [];
  const timeTarget = (platform: 'fake' | 'sandbox', limit: number) => {
    const row = find(r, LARGE, platform, 'plan');
    targets.push({
      name: `plan of 10k workspaces / 100k bindings against the ${platform} under ${limit} s`,
      measured: row ? `${row.measurement.seconds.toFixed(1)} s` : 'not measured',
      ...(row ? { met: row.measurement.seconds < limit } : {}),
    });
  };
  timeTarget('fake', 10);
  timeTarget('sandbox', 60);
  const plans = r.rows.filter((x) => x.step === 'plan');
  const worst = Math.max(...plans.map((x) => ratio(x.measurement) ?? 0));
  targets.push({
    name: 'plan reads within 1.2x the lower bound',
    measured: plans.length ? `worst ${worst.toFixed(3)}x` : 'not measured',
    ...(plans.length ? { met: worst <= 1.2 } : {}),
  });
  const writes = plans.reduce((n, x) => n + x.measurement.writes + (x.measurement.planSteps ?? 0), 0);
  targets.push({
    name: 'no-op re-plan makes zero writes and has no steps',
    measured: plans.length ? `${writes} writes/steps` : 'not measured',
    ...(plans.length ? { met: writes === 0 } : {}),
  });
  // The fake's rows hold the in-memory platform too; the sandbox rows are meshform alone.
  const large = r.rows.filter((x) => x.workspaces === LARGE && x.platform === 'sandbox');
  const peak = Math.max(0, ...large.map((x) => x.measurement.peakRssMb));
  targets.push({
    name: 'meshform peak RSS under 1 GiB at 10k workspaces',
    measured: large.length ? `${peak} MB` : 'not measured',
    ...(large.length ? { met: peak < 1024 } : {}),
  });
  const converged = r.rows.filter((x) => x.step === 'change');
  if (converged.length)
    targets.push({
      name: 'after the 1% change, the next plan is empty',
      measured: `${converged.filter((x) => x.measurement.converged).length}/${converged.length}`,
      met: converged.every((x) => x.measurement.converged),
    });
  const failed = r.rows.reduce((n, x) => n + (x.measurement.failedSteps ?? 0), 0);
  targets.push({ name: 'no apply step failed', measured: `${failed} failed`, met: failed === 0 });

  const growth10kOver1k: Record<string, number> = {};
  for (const row of r.rows.filter((x) => x.workspaces === LARGE)) {
    const small = find(r, 1000, row.platform, row.step);
    if (small && small.measurement.seconds > 0)
      growth10kOver1k[`${row.platform ?? 'synth'} ${row.step}`] = Number(
        (row.measurement.seconds / small.measurement.seconds).toFixed(1),
      );
  }
  const versusTerraform = r.terraform.map((t) => {
    const fake = find(r, t.workspaces, 'fake', 'plan')?.measurement.seconds;
    const sandbox = find(r, t.workspaces, 'sandbox', 'plan')?.measurement.seconds;
    return {
      workspaces: t.workspaces,
      bindings: t.bindings,
      terraformSeconds: t.planSeconds,
      ...(fake !== undefined ? { meshformFakeSeconds: fake } : {}),
      ...(sandbox !== undefined
        ? { meshformSandboxSeconds: sandbox, sandboxRatio: Number((sandbox / t.planSeconds).toFixed(2)) }
        : {}),
    };
  });
  return { targets, growth10kOver1k, versusTerraform };
}

/** Requests by method, e.g. `GET 413, POST 2`. */
export const requests = (m: StepMeasurement) =>
  Object.entries(m.requests)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '-';

export function renderMarkdown(r: Results): string {
  const s = r.summary ?? summarize(r);
  const lines = [
    `# meshform benchmark${r.quick ? ' (quick)' : ''}`,
    '',
    `${r.date.slice(0, 10)} on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GiB, Node ${r.machine.node}. Each estate: N workspaces, 2 projects and 10 bindings each, 3 tag definitions.`,
    '',
    '| workspaces | platform | step | wall s | peak RSS MB | requests | reads / lower bound | writes / lower bound | per-resource refresh GETs |',
    '|---:|---|---|---:|---:|---|---:|---:|---:|',
    ...r.rows.map((row) => {
      const m = row.measurement;
      const reads = m.readLowerBound
        ? `${m.reads} / ${m.readLowerBound} (${(m.reads / m.readLowerBound).toFixed(2)}x)`
        : '-';
      const writes = m.writeLowerBound !== undefined ? `${m.writes} / ${m.writeLowerBound}` : '-';
      return `| ${row.workspaces} | ${row.platform ?? '-'} | ${row.step} | ${m.seconds.toFixed(2)} | ${m.peakRssMb} | ${requests(m)} | ${reads} | ${writes} | ${m.perResourceRefresh ?? '-'} |`;
    }),
    '',
    "Steps: `synth` runs the CDKTF app; `first-apply` plans and applies the estate on an empty platform; `plan` is the no-op re-plan (observe + plan) of the applied estate; `change` plans and applies an edit of 1% of the workspaces (display name, one member fewer, a project tag, a replaced project role), then checks the next plan is empty. Peak RSS is that step's process: meshform alone against the sandbox; meshform plus the in-memory platform against the fake.",
    '',
    '## Targets',
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...s.targets.map(
      (t) => `| ${t.name} | ${t.measured} | ${t.met === undefined ? 'not measured' : t.met ? 'yes' : '**no**'} |`,
    ),
  ];
  if (Object.keys(s.growth10kOver1k).length) {
    lines.push(
      '',
      '## Growth: time at 10k workspaces / time at 1k (10 is linear)',
      '',
      '| step | ratio |',
      '|---|---:|',
      ...Object.entries(s.growth10kOver1k).map(([k, v]) => `| ${k} | ${v} |`),
    );
  }
  if (s.versusTerraform.length) {
    lines.push(
      '',
      '## Against Terraform with one resource per object',
      '',
      "`terraform plan` over one `terraform_data` per workspace, project, binding and tag definition, with state: Terraform's own overhead only, a lower bound for any per-resource provider (which adds one GET per object).",
      '',
      '| bindings | resources | terraform plan s | meshform plan s (sandbox, HTTP) | ratio | meshform plan s (fake) |',
      '|---:|---:|---:|---:|---:|---:|',
      ...s.versusTerraform.map((v) => {
        const t = r.terraform.find((x) => x.workspaces === v.workspaces)!;
        return `| ${v.bindings} | ${t.resources} | ${v.terraformSeconds.toFixed(2)} | ${v.meshformSandboxSeconds?.toFixed(2) ?? '-'} | ${v.sandboxRatio ?? '-'} | ${v.meshformFakeSeconds?.toFixed(2) ?? '-'} |`;
      }),
    );
  } else if (r.terraformSkipped) {
    lines.push('', `Terraform baseline skipped: ${r.terraformSkipped}.`);
  }
  if (r.anchors) {
    lines.push(
      '',
      `## Terraform anchors: \`terraform apply\` of ${r.anchors.workspaces} workspaces against the sandbox`,
      '',
      '| anchors | meshform command | resources | first apply s | apply after one workspace changed s | anchors replaced |',
      '|---|---|---:|---:|---:|---:|',
      ...r.anchors.timings.map(
        (t) =>
          `| ${t.anchors} | \`${t.command}\` | ${t.resources} | ${t.firstApplySeconds} | ${t.oneChangedApplySeconds} | ${t.replacedOnChange} |`,
      ),
    );
  }
  if (r.sandbox.length) {
    lines.push(
      '',
      '## Sandbox throughput (populated estate, 8 concurrent clients)',
      '',
      '| workspaces | workspace user bindings | list all, pages of 1000 (req/s) | list one workspace (req/s) | create binding (req/s) | sandbox peak RSS MB |',
      '|---:|---:|---:|---:|---:|---:|',
      ...r.sandbox.map((x) => {
        const t = x.throughput as Record<string, { requestsPerSecond?: number } | number>;
        const rps = (k: string) => (t[k] as { requestsPerSecond?: number } | undefined)?.requestsPerSecond ?? '-';
        return `| ${x.workspaces} | ${(t.workspaceUserBindings as number | undefined) ?? '-'} | ${rps('listAllPages')} | ${rps('listOneWorkspace')} | ${rps('createBinding')} | ${x.peakRssMb ?? '-'} |`;
      }),
    );
  }
  if (r.policies?.length) {
    const x2 = (n: number) => `${n.toFixed(2)}×`;
    lines.push(
      '',
      '## Policies: a full plan on the fake with and without them (`npm run bench:policies`)',
      '',
      '| date | workspaces | policies | plan without s | plan with s | time | CPU without s | CPU with s | CPU | heap |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...r.policies.map(
        (p) =>
          `| ${p.date.slice(0, 10)} | ${p.workspaces} | ${p.policies} | ${p.withoutSeconds} | ${p.withSeconds} | ${x2(p.timeRatio)} | ${p.withoutCpuSeconds.toFixed(2)} | ${p.withCpuSeconds.toFixed(2)} | ${x2(p.cpuRatio)} | ${p.heapRatio.toFixed(3)}× |`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
