/**
 * Sandbox throughput: requests/s for creating and listing workspace bindings, at a given number of
 * bindings (default 10,000). Usage: node dist/bench/sandbox-throughput.js [--bindings N] [--concurrency C]
 * Writes bench/results/sandbox-throughput.json.
 */
import axios, { type AxiosInstance } from 'axios';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox } from '../sandbox/server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

const type = (kind: string, v: string) => `application/vnd.meshcloud.api.${kind.toLowerCase()}.${v}.hal+json`;

async function pool<T>(items: T[], concurrency: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function timed(label: string, count: number, run: () => Promise<void>) {
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const result = { step: label, requests: count, seconds: Number(seconds.toFixed(2)), requestsPerSecond: Math.round(count / seconds) };
  process.stdout.write(`${label.padEnd(44)} ${String(count).padStart(7)} req  ${result.seconds.toFixed(2).padStart(7)} s  ${String(result.requestsPerSecond).padStart(6)} req/s\n`);
  return result;
}

async function main(): Promise<void> {
  const bindings = arg('bindings', 10_000);
  const concurrency = arg('concurrency', 8);
  const perWorkspace = 10;
  const workspaces = Math.ceil(bindings / perWorkspace);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-bench-sandbox-'));
  const sandbox = await startSandbox({ dataDir, sweepIntervalMs: 3_600_000 });
  try {
    const info = (await axios.get(`${sandbox.url}/mesh/info`)).data;
    const token = (await axios.post(`${sandbox.url}/api/login`, { clientId: 'partner-admin', clientSecret: info.devLocalCredentials.apiKeys['partner-admin'].clientSecret })).data.access_token;
    const http: AxiosInstance = axios.create({ baseURL: `${sandbox.url}/api/meshobjects`, headers: { Authorization: `Bearer ${token}` } });
    const post = (url: string, kind: string, v: string, body: unknown) => http.post(url, body, { headers: { Accept: type(kind, v), 'Content-Type': type(kind, v) } });
    const results = [];
    results.push(
      await timed(`create users (${perWorkspace})`, perWorkspace, () =>
        pool([...Array(perWorkspace).keys()], concurrency, async (i) => {
          await post('/meshusers', 'meshUser', 'v2', { metadata: { name: `user-${i}` }, spec: { email: `user-${i}@example.com`, firstName: 'U', lastName: String(i) } });
        }),
      ),
    );
    results.push(
      await timed(`create workspaces (${workspaces})`, workspaces, () =>
        pool([...Array(workspaces).keys()], concurrency, async (w) => {
          await post('/meshworkspaces', 'meshWorkspace', 'v2', { metadata: { name: `ws-${w}`, tags: {} }, spec: { displayName: `Workspace ${w}` } });
        }),
      ),
    );
    const roles = ['Workspace Owner', 'Workspace Manager', ...Array(8).fill('Workspace Member')];
    const bindingBodies = [...Array(workspaces * perWorkspace).keys()].map((i) => ({
      metadata: { name: `b-${i}` },
      targetRef: { name: `ws-${Math.floor(i / perWorkspace)}` },
      roleRef: { name: roles[i % perWorkspace] },
      subject: { name: `user-${i % perWorkspace}` },
    }));
    results.push(
      await timed(`create workspace bindings (${bindingBodies.length}, c=${concurrency})`, bindingBodies.length, () =>
        pool(bindingBodies, concurrency, async (b) => {
          await post('/meshworkspacebindings/userbindings', 'meshWorkspaceUserBinding', 'v2', b);
        }),
      ),
    );
    const pages = Math.ceil(bindingBodies.length / 1000);
    results.push(
      await timed(`list all bindings, pages of 1000 (${pages} pages)`, pages, async () => {
        for (let page = 0; page < pages; page++) {
          const res = await http.get(`/meshworkspacebindings/userbindings?page=${page}&size=1000`, { headers: { Accept: type('meshWorkspaceUserBinding', 'v2') } });
          if (res.data._embedded.meshWorkspaceUserBindings.length === 0) throw new Error('empty page');
        }
      }),
    );
    const sample = Math.min(workspaces, 500);
    results.push(
      await timed(`list bindings of one workspace (${sample}, c=${concurrency})`, sample, () =>
        pool([...Array(sample).keys()], concurrency, async (w) => {
          await http.get(`/meshworkspacebindings/userbindings?workspaceIdentifier=ws-${w}`, { headers: { Accept: type('meshWorkspaceUserBinding', 'v2') } });
        }),
      ),
    );
    const out = { machine: { cpus: os.cpus().length, node: process.version }, bindings: bindingBodies.length, concurrency, results, peakRssMb: Math.round(process.memoryUsage().rss / 1e6) };
    fs.mkdirSync(path.join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, '..', '..', 'bench', 'results', 'sandbox-throughput.json'), `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`process RSS ${out.peakRssMb} MB (sandbox and load generator in one process)\n`);
  } finally {
    await sandbox.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
