/**
 * Pull-request plans cost what the change costs (`--changed-from`): an estate on the sandbox with
 * meshStack's advice applied (one request at a time) and an injected latency per API request; 1% of
 * the workspaces change in code. Times the scoped plan (those workspaces, and any with an expiry due)
 * against the full plan of the same code, with the requests each made.
 *   node dist/bench/changed-from.js [--workspaces 1000] [--latency-ms 50]
 */
import axios from 'axios';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { apply } from '../controller/apply/apply';
import { HttpApiClient } from '../controller/client/http-client';
import { changedWorkspaces } from '../controller/plan/changed';
import { planAgainst } from '../controller/run';
import { DAY_MS } from '../core/expiry';
import { checkDesiredState } from '../core/manifest-file';
import { spawnSandbox } from '../sandbox/spawn';
import { changeEstate, synthEstate } from './estate';

async function main(): Promise<void> {
  const opts = new Command('changed-from').option('--workspaces <n>', 'estate size', '1000').option('--latency-ms <ms>', 'added to every API request', '50').parse(process.argv).opts<{ workspaces: string; latencyMs: string }>();
  const n = Number(opts.workspaces);
  const latencyMs = Number(opts.latencyMs);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-changed-from-'));
  const sandbox = await spawnSandbox(path.join(work, 'sandbox'), [], 60_000);
  try {
    synthEstate(n, path.join(work, 'out'));
    const now = new Date();
    const base = checkDesiredState(JSON.parse(fs.readFileSync(path.join(work, 'out', 'stacks', 'estate', 'meshform.json'), 'utf8')), 'estate', now).state;
    const fast = new HttpApiClient({ endpoint: sandbox.url, credentials: { kind: 'key', key: 'partner-admin' } });
    const populated = await planAgainst(fast, base, { endpoint: sandbox.url });
    await apply(fast, populated.plan, { concurrency: 8 });
    // From here on, as against meshStack: latency on every API request, one request at a time.
    const info = (await axios.get(`${sandbox.url}/mesh/info`)).data;
    const token = (await axios.post(`${sandbox.url}/api/login`, { clientId: info.devLocalCredentials.apiKeys['partner-admin'].clientId, clientSecret: info.devLocalCredentials.apiKeys['partner-admin'].clientSecret })).data.access_token;
    await axios.put(`${sandbox.controlUrl}/sandbox/v1/faults`, { rate: 0, latencyMs, routes: 'GET /api/meshobjects*' }, { headers: { Authorization: `Bearer ${token}` } });
    const changed = changeEstate(base);
    const scope = changedWorkspaces(base, changed, now, DAY_MS);
    const measure = async (workspaces?: readonly string[]) => {
      const api = new HttpApiClient({ endpoint: sandbox.url, credentials: { kind: 'key', key: 'partner-admin' }, maxConcurrentRequests: 1 });
      const started = process.hrtime.bigint();
      const { plan } = await planAgainst(api, changed, { endpoint: sandbox.url, ...(workspaces ? { workspaces, notPlanned: { base: 'base', workspaces: scope.unchanged } } : {}) });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return { seconds: Number(seconds.toFixed(2)), gets: api.stats.byMethod.GET ?? 0, steps: plan.workspaces.reduce((k, w) => k + w.steps.length, 0) };
    };
    const scoped = await measure(scope.changed);
    // The fewest reads for those workspaces: the singletons, then per workspace its object, projects and user bindings, per project its two binding lists.
    const projects = changed.workspaces.filter((w) => scope.changed.includes(w.metadata.name)).reduce((k, w) => k + w.projects.length, 0);
    const lowerBound = 7 + 3 * scope.changed.length + 2 * projects;
    const full = await measure();
    const rows = [
      `| estate | latency | changed | scoped plan | its GETs (lower bound) | full plan | its GETs | same steps |`,
      `|---:|---:|---:|---:|---:|---:|---:|---|`,
      `| ${n} | ${latencyMs} ms | ${scope.changed.length} | ${scoped.seconds} s | ${scoped.gets} (${lowerBound}, ${(scoped.gets / lowerBound).toFixed(2)}x) | ${full.seconds} s | ${full.gets} | ${scoped.steps === full.steps ? 'yes' : `no: ${scoped.steps} vs ${full.steps}`} |`,
    ];
    process.stdout.write(`${rows.join('\n')}\n`);
  } finally {
    await sandbox.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
