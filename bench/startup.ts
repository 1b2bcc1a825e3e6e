/**
 * What meshform's processes cost to start, in CPU seconds (user + system; wall time on a shared
 * machine mostly measures the others): `meshform --help`, `meshform plan --help`, `meshform sandbox`
 * up to "listening" from a copied data dir, and terraform-provider-meshform per start within
 * `terraform plan` (Terraform starts it three times a plan: for the schema, to validate, to plan).
 * Each process records its own process.cpuUsage() through a preloaded script; the medians of --runs.
 *
 *   node dist/bench/startup.js [--runs 5] [--root <checkout with dist/, default this one>] [--no-terraform]
 */
import { type ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { runBench } from './platform';

/** Appends the process's CPU seconds to $BENCH_CPU_LOG: at the first stdout write matching $BENCH_CPU_MARK, else at exit. */
const PRELOAD = `
const fs = require('fs');
let done = false;
const record = () => {
  if (done || !process.env.BENCH_CPU_LOG) return;
  done = true;
  const u = process.cpuUsage();
  fs.appendFileSync(process.env.BENCH_CPU_LOG, ((u.user + u.system) / 1e6).toFixed(3) + '\\n');
};
const mark = process.env.BENCH_CPU_MARK;
if (mark) {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    if (String(chunk).includes(mark)) record();
    return write(chunk, ...rest);
  };
}
process.on('exit', record);
`;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Bench {
  readonly bin: string;
  readonly work: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: string;
}

/** The CPU seconds each process of one run recorded (a run may start several: Terraform's provider). */
function recorded(b: Bench, run: () => void): number[] {
  fs.writeFileSync(b.log, '');
  run();
  return fs
    .readFileSync(b.log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(l));
}

function cli(b: Bench, args: string[]): number {
  const [cpu] = recorded(b, () => {
    const r = spawnSync(process.execPath, [b.bin, ...args], { env: b.env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`meshform ${args.join(' ')} failed: ${r.stderr}`);
  });
  return cpu;
}

function waitFor(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes(text)) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`the sandbox exited (${code}) before "${text}": ${out}`)));
  });
}

async function sandbox(b: Bench, dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [b.bin, 'sandbox', '--port', '0', '--data-dir', dataDir], {
    env: { ...b.env, BENCH_CPU_MARK: 'extensions:' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out = await waitFor(child, 'extensions:');
  return {
    url: /listening on (http:\/\/\S+)/.exec(out)![1],
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

const CONFIG = `terraform {
  required_providers {
    meshform = { source = "meshcloud/meshform" }
  }
}
provider "meshform" {
  stack = "startup-bench"
}
resource "meshform_tag_definition" "team" {
  target_kind  = "meshWorkspace"
  key          = "team"
  display_name = "Team"
  value_type   = "string"
}
resource "meshform_workspace" "pay" {
  identifier   = "startup-pay"
  display_name = "Pay"
  depends_on   = [meshform_tag_definition.team]
  binding {
    role = "Workspace Owner"
    user = "alice"
  }
}
`;

/** Per `terraform plan` (after an apply, so every resource is read and planned): the provider's starts. */
function providerStarts(b: Bench, url: string, runs: number): number[][] {
  const dir = path.join(b.work, 'terraform');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'main.tf'), CONFIG);
  const install = spawnSync(process.execPath, [b.bin, 'terraform', 'install', '--dir', path.join(b.work, 'install')], {
    encoding: 'utf8',
  });
  if (install.status !== 0) throw new Error(`meshform terraform install failed: ${install.stderr}`);
  const env = {
    ...b.env,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_CLI_CONFIG_FILE: path.join(b.work, 'install', 'terraform.rc'),
    MESHSTACK_ENDPOINT: url,
    MESHSTACK_API_KEY: 'partner-admin',
  };
  const terraform = (...args: string[]) => {
    const r = spawnSync('terraform', [...args, '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} failed: ${r.stderr.slice(-3000)}`);
  };
  terraform('init');
  terraform('apply', '-auto-approve');
  return Array.from({ length: runs }, () => recorded(b, () => terraform('plan')).sort((x, y) => x - y));
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--runs <n>', 'runs of each case', '5')
    .option('--root <dir>', 'the checkout whose dist/ is measured', path.resolve(__dirname, '..', '..'))
    .option('--no-terraform', 'leave out the provider')
    .parse()
    .opts<{ runs: string; root: string; terraform: boolean }>();
  const runs = Number(opts.runs);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-bench-startup-'));
  const preload = path.join(work, 'cpu.js');
  fs.writeFileSync(preload, PRELOAD);
  const log = path.join(work, 'cpu.log');
  const b: Bench = {
    bin: path.join(path.resolve(opts.root), 'dist', 'bin', 'meshform.js'),
    work,
    log,
    env: { ...process.env, NODE_OPTIONS: `--require ${preload}`, BENCH_CPU_LOG: log },
  };
  const repeat = (f: () => number) => Array.from({ length: runs }, f);
  try {
    const rows: [string, number[]][] = [
      ['meshform --help', repeat(() => cli(b, ['--help']))],
      ['meshform plan --help', repeat(() => cli(b, ['plan', '--help']))],
    ];
    // The template: a sandbox's data dir after its first start (initdb and seed), copied for each run as the tests do.
    const template = path.join(work, 'template');
    await (await sandbox(b, template)).stop();
    const starts: number[] = [];
    for (let i = 0; i < runs; i++) {
      const dataDir = path.join(work, `data-${i}`);
      fs.cpSync(template, dataDir, { recursive: true });
      fs.writeFileSync(log, '');
      const s = await sandbox(b, dataDir);
      starts.push(Number(fs.readFileSync(log, 'utf8').split('\n')[0]));
      await s.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    rows.push(['meshform sandbox, to "listening"', starts]);
    for (const [name, cpu] of rows)
      process.stdout.write(
        `${name}: median ${median(cpu).toFixed(2)} CPU s (${cpu.map((c) => c.toFixed(2)).join(', ')})\n`,
      );
    if (!opts.terraform) return;
    const s = await sandbox(b, template);
    try {
      const plans = providerStarts(b, s.url, runs);
      const perStart = plans.map((p) => p.map((c) => c.toFixed(2)).join(' + '));
      process.stdout.write(
        `terraform plan, the provider's starts: median ${median(plans.flat()).toFixed(2)} CPU s a start, ${median(plans.map((p) => p.reduce((x, y) => x + y, 0))).toFixed(2)} a plan (${perStart.join('; ')})\n`,
      );
    } finally {
      await s.stop();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

runBench(main);
