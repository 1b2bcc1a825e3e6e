/**
 * Plan at scale: observe + plan of an estate (default 1,000 workspaces / 10,000 bindings) against
 * the in-memory platform, and with --sandbox against the sandbox over HTTP. Reports wall time,
 * peak RSS, API requests by method and their ratio to the lower bound (one paged list per
 * collection read). Usage: node dist/bench/plan.js [--workspaces N] [--sandbox]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { apply } from '../controller/apply/apply';
import type { ApiClient } from '../controller/client/api';
import { FakePlatform } from '../controller/client/fake-client';
import { HttpApiClient } from '../controller/client/http-client';
import { planAgainst } from '../controller/run';
import { startSandbox } from '../sandbox/server';
import { bindingCount, estate } from './estate';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

interface Row {
  platform: string;
  step: string;
  seconds: number;
  requests: Record<string, number>;
  lowerBound?: number;
  ratio?: number;
  writes: number;
}

/** Fewest reads a full observe can make: one paged list per collection (pages of 1,000). */
function readLowerBound(workspaces: number, projects: number, bindings: number): number {
  const pages = (n: number) => Math.max(1, Math.ceil(n / 1000));
  // info, capabilities, settings, whoami, tag definitions, users, statuses, requests
  const fixed = 8;
  return fixed + pages(workspaces) + pages(projects) + pages(bindings) /* workspace user bindings */ + 1 /* group bindings */ + projects * 2 /* user + group lists per project */;
}

async function measure(platform: string, step: string, api: ApiClient, run: () => Promise<void>, lowerBound?: number): Promise<Row> {
  const before = { ...api.stats.byMethod };
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const requests: Record<string, number> = {};
  for (const [m, n] of Object.entries(api.stats.byMethod)) if (n - (before[m] ?? 0) > 0) requests[m] = n - (before[m] ?? 0);
  const total = Object.values(requests).reduce((a, b) => a + b, 0);
  const row: Row = { platform, step, seconds: Number(seconds.toFixed(2)), requests, writes: total - (requests.GET ?? 0), ...(lowerBound ? { lowerBound, ratio: Number(((requests.GET ?? 0) / lowerBound).toFixed(2)) } : {}) };
  process.stdout.write(`${platform.padEnd(8)} ${step.padEnd(28)} ${row.seconds.toFixed(2).padStart(7)} s  ${JSON.stringify(requests).padEnd(40)} ${lowerBound ? `reads/lower bound ${row.ratio}` : ''}\n`);
  return row;
}

async function run(platform: string, api: ApiClient, workspaces: number): Promise<Row[]> {
  const desired = estate(workspaces);
  const projects = workspaces * 2;
  const bindings = bindingCount(desired);
  const bound = readLowerBound(workspaces, projects, bindings - projects * 2);
  const now = new Date();
  const options = { endpoint: platform };
  const rows: Row[] = [];
  let first = (await planAgainst(api, desired, options, now)).plan;
  rows.push(await measure(platform, 'first apply', api, async () => void (await apply(api, first, { concurrency: 4 }))));
  // The bound counts HTTP list calls (user and group lists per project); the fake answers both in one call.
  rows.push(await measure(platform, `no-op plan (${bindings} bindings)`, api, async () => void (first = (await planAgainst(api, desired, options, new Date())).plan), api instanceof HttpApiClient ? bound : undefined));
  const steps = first.workspaces.reduce((n, w) => n + w.steps.length, 0);
  if (steps) throw new Error(`no-op plan has ${steps} steps`);
  return rows;
}

async function main(): Promise<void> {
  const workspaces = arg('workspaces', 1000);
  const rows: Row[] = [];
  const fake = new FakePlatform();
  rows.push(...(await run('fake', fake.client(), workspaces)));
  if (process.argv.includes('--sandbox')) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-bench-plan-'));
    const sandbox = await startSandbox({ dataDir, sweepIntervalMs: 3_600_000 });
    try {
      rows.push(...(await run('sandbox', new HttpApiClient({ endpoint: sandbox.url, credentials: { kind: 'key', key: 'partner-admin' } }), workspaces)));
    } finally {
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const out = { workspaces, machine: { cpus: os.cpus().length, node: process.version }, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), rows };
  process.stdout.write(`peak RSS ${out.peakRssMb} MB\n`);
  fs.mkdirSync(path.join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, '..', '..', 'bench', 'results', `plan-${workspaces}.json`), `${JSON.stringify(out, null, 2)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
