/**
 * `npm run bench`: synth, plan and apply at 100, 1,000 and 10,000 workspaces (two projects and ten
 * bindings each), against the in-memory fake and the sandbox over HTTP, with API-call accounting,
 * beside Terraform with one resource per object. Each step runs in a process of its own (its peak
 * RSS is its own); the sandbox runs as its own process, as users run it.
 *
 *   npm run bench                       all sizes; writes bench/results.json and bench/results.md
 *   npm run bench -- --quick            100 workspaces, under a minute; writes bench/results/quick.*
 *   npm run bench -- --quick --sizes 20 the same smoke test on another estate size (CI's test runs it at 25)
 *   npm run bench -- --sizes 100,1000 --out /tmp/bench --no-terraform
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { packageRoot } from '../core/package-info';
import { spawnSandbox } from '../sandbox/spawn';
import type { DesiredState } from '../schemas/desired-state.generated';
import { objectCounts } from './estate';
import { type Results, type Row, renderMarkdown, requests, summarize } from './report';
import type { StepInput, StepMeasurement } from './step';
import { timeAnchors } from './terraform-anchors';
import { timeTerraformPlan } from './terraform-baseline';

const ROOT = packageRoot();
const STEP = path.join(ROOT, 'dist', 'bench', 'step.js');

function runStep(input: StepInput): StepMeasurement {
  const r = spawnSync(process.execPath, [STEP, JSON.stringify(input)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`bench step ${input.step} (${input.platform ?? ''}, ${input.workspaces}) failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as StepMeasurement;
}

function print(row: Row): void {
  const m = row.measurement;
  const req = requests(m);
  const bound = m.readLowerBound ? ` reads/bound ${(m.reads / m.readLowerBound).toFixed(2)}` : '';
  process.stdout.write(
    `${String(row.workspaces).padStart(6)}  ${(row.platform ?? '').padEnd(8)} ${row.step.padEnd(12)} ${m.seconds.toFixed(2).padStart(8)} s ${String(m.peakRssMb).padStart(6)} MB  ${req}${bound}\n`,
  );
}

async function main(): Promise<void> {
  const cli = new Command('bench')
    .option(
      '--quick',
      'only 100 workspaces, or the --sizes given, without the anchors (a CI smoke test, under a minute)',
    )
    .option('--sizes <list>', 'workspace counts, comma-separated', '100,1000,10000')
    .option('--out <dir>', 'where results.json and results.md go (default: bench/, or bench/results/ with --quick)')
    .option('--no-sandbox', 'skip the sandbox steps')
    .option('--no-terraform', 'skip the per-resource Terraform baseline')
    .option('--concurrency <n>', 'workspaces applied at the same time', '4')
    .parse(process.argv);
  const opts = cli.opts<{
    quick?: boolean;
    sizes: string;
    out?: string;
    sandbox: boolean;
    terraform: boolean;
    concurrency: string;
  }>();
  const sizes = opts.quick && cli.getOptionValueSource('sizes') !== 'cli' ? [100] : opts.sizes.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--sizes must be whole numbers, got ${opts.sizes}`);
  const outDir = path.resolve(
    opts.out ?? (opts.quick ? path.join(ROOT, 'bench', 'results') : path.join(ROOT, 'bench')),
  );
  const name = opts.quick ? 'quick' : 'results';
  const concurrency = Number(opts.concurrency);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-bench-'));
  const rows: Row[] = [];
  const results: Results = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
    },
    quick: opts.quick === true,
    sizes,
    rows,
    sandbox: [],
    terraform: [],
  };
  const add = (row: Row) => {
    rows.push(row);
    print(row);
  };
  try {
    for (const workspaces of sizes) {
      const dir = path.join(work, String(workspaces));
      fs.mkdirSync(dir, { recursive: true });
      const manifest = path.join(dir, 'meshform.json');
      const base = { manifest, workspaces, concurrency };
      add({ workspaces, step: 'synth', measurement: runStep({ ...base, step: 'synth' }) });
      const desired = JSON.parse(fs.readFileSync(manifest, 'utf8')) as DesiredState;
      const objects = objectCounts(desired);
      for (const step of ['first-apply', 'plan', 'change'] as const)
        add({ workspaces, platform: 'fake', step, measurement: runStep({ ...base, step, platform: 'fake' }) });
      if (opts.sandbox) {
        const sandbox = await spawnSandbox(path.join(dir, 'sandbox'), [], 60_000);
        try {
          // The steps build on each other: first apply fills the sandbox, the change edits it.
          for (const step of ['first-apply', 'plan', 'change'] as const)
            add({
              workspaces,
              platform: 'sandbox',
              step,
              measurement: runStep({ ...base, step, platform: 'sandbox', endpoint: sandbox.url }),
            });
          const t = runStep({ ...base, step: 'throughput', platform: 'sandbox', endpoint: sandbox.url });
          results.sandbox.push({ workspaces, peakRssMb: sandbox.peakRssMb(), throughput: t.details ?? {} });
          process.stdout.write(
            `${String(workspaces).padStart(6)}  sandbox  throughput   ${JSON.stringify(t.details)}\n`,
          );
        } finally {
          await sandbox.close();
        }
      }
      // Terraform per resource at 1k and 10k bindings (100 and 1,000 workspaces); 10k workspaces would be 130k resources.
      if (opts.terraform && objects.bindings <= 10_000) {
        const tf = timeTerraformPlan(desired, path.join(dir, 'terraform'));
        if (tf) {
          results.terraform.push({ workspaces, bindings: objects.bindings, ...tf });
          process.stdout.write(
            `${String(workspaces).padStart(6)}  terraform plan, ${tf.resources} resources: ${tf.planSeconds.toFixed(2)} s${tf.peakRssMb ? `, ${tf.peakRssMb} MB` : ''}${tf.noChanges ? '' : ' (NOT a no-op plan)'}\n`,
          );
        } else if (!results.terraformSkipped) {
          results.terraformSkipped = 'terraform is not on PATH';
          process.stdout.write('terraform is not on PATH: the per-resource baseline is skipped.\n');
        }
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  // Anchor modes under a real `terraform apply` (minutes of process start-ups: not in --quick).
  if (!opts.quick && opts.terraform && opts.sandbox && !results.terraformSkipped && sizes.includes(100)) {
    results.anchors = { workspaces: 100, timings: await timeAnchors(100) };
    for (const t of results.anchors.timings)
      process.stdout.write(
        `   100  terraform apply, anchors ${t.anchors} via ${t.command}: first ${t.firstApplySeconds} s, one workspace changed ${t.oneChangedApplySeconds} s (${t.replacedOnChange} replaced)\n`,
      );
  }
  results.summary = summarize(results);
  // bench/policies.ts records its runs here; this run does not repeat them.
  const previous = path.join(outDir, `${name}.json`);
  if (fs.existsSync(previous)) results.policies = (JSON.parse(fs.readFileSync(previous, 'utf8')) as Results).policies;
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = renderMarkdown(results);
  fs.writeFileSync(path.join(outDir, `${name}.md`), markdown);
  process.stdout.write(`\n${markdown}\nWrote ${path.join(outDir, `${name}.json`)} and ${name}.md\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
