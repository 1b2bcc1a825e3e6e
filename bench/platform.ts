/**
 * A benchmark estate on the sandbox, then set up as against meshStack: an injected latency on every
 * API read and (the caller's part) one request at a time. The one place in bench/ that starts a
 * sandbox and drives the controller against it (test/architecture.test.ts).
 */
import axios from 'axios';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { apply } from '../controller/apply/apply';
import { HttpApiClient } from '../controller/client/http-client';
import { planAgainst } from '../controller/run';
import { checkDesiredState } from '../core/manifest-file';
import { OWNERSHIP_TAG_KEY } from '../core/rules';
import type { DesiredState } from '../schemas/desired-state.generated';
import { spawnSandbox } from '../sandbox/spawn';
import { synthEstate } from './estate';

interface SandboxInfo {
  devLocalCredentials: { apiKeys: Record<string, { clientId: string; clientSecret: string }> };
}

/** A bearer token of the sandbox's partner-admin, whose dev credentials the sandbox publishes on loopback. */
export async function partnerToken(url: string): Promise<string> {
  const key = (await axios.get<SandboxInfo>(`${url}/mesh/info`)).data.devLocalCredentials.apiKeys['partner-admin'];
  const login = await axios.post<{ access_token: string }>(`${url}/api/login`, {
    clientId: key.clientId,
    clientSecret: key.clientSecret,
  });
  return login.data.access_token;
}

export interface BenchPlatform {
  readonly url: string;
  /** The estate as applied. */
  readonly desired: DesiredState;
  readonly now: Date;
  /** A client as meshform runs against meshStack: one request at a time, its requests counted. */
  client(): HttpApiClient;
  close(): Promise<void>;
}

export async function estateOnSandbox(
  workspaces: number,
  latencyMs: number,
  options: {
    readonly unowned?: boolean;
    /** Made in the panel before any tag definition existed: free-form workspace tags (a dotted key among them), none defined. */
    readonly freeFormTags?: boolean;
  } = {},
): Promise<BenchPlatform> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-bench-'));
  const sandbox = await spawnSandbox(path.join(work, 'sandbox'), [], 60_000);
  const close = async () => {
    await sandbox.close();
    fs.rmSync(work, { recursive: true, force: true });
  };
  try {
    synthEstate(workspaces, path.join(work, 'out'));
    const now = new Date();
    const desired = checkDesiredState(
      JSON.parse(fs.readFileSync(path.join(work, 'out', 'stacks', 'estate', 'meshform.json'), 'utf8')),
      'estate',
      now,
    ).state;
    const fast = new HttpApiClient({ endpoint: sandbox.url, credentials: { kind: 'key', key: 'partner-admin' } });
    await apply(fast, (await planAgainst(fast, desired, { endpoint: sandbox.url })).plan, { concurrency: 8 });
    // Made in the panel, as far as meshform knows: no stack owns it.
    if (options.unowned)
      for (const w of desired.workspaces)
        await fast.workspaces.update(w.metadata.name, {
          displayName: w.spec.displayName!,
          tags: { [OWNERSHIP_TAG_KEY]: [] },
        });
    const token = await partnerToken(sandbox.url);
    if (options.freeFormTags) {
      // Deleting a definition strips its key from every object (the ownership tag's too), so the tags are written again after.
      for (const d of await fast.tagDefinitions.list())
        await axios.delete(`${sandbox.url}/api/meshobjects/meshtagdefinitions/${encodeURIComponent(d.metadata.name)}`, {
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/vnd.meshcloud.api.meshtagdefinition.v1.hal+json',
          },
        });
      for (const w of desired.workspaces)
        await fast.workspaces.update(w.metadata.name, {
          displayName: w.spec.displayName!,
          tags: { ...w.metadata.tags, 'Owner.Email': [`${w.metadata.name}@example.com`] },
        });
    }
    await axios.put(
      `${sandbox.controlUrl}/sandbox/v1/faults`,
      { rate: 0, latencyMs, routes: 'GET /api/meshobjects*' },
      { headers: { Authorization: `Bearer ${token}` } },
    );
    return {
      url: sandbox.url,
      desired,
      now,
      client: () =>
        new HttpApiClient({
          endpoint: sandbox.url,
          credentials: { kind: 'key', key: 'partner-admin' },
          maxConcurrentRequests: 1,
        }),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** An empty sandbox of its own, in a scratch directory, for benchmarks that set up their estate through Terraform. */
export async function freshSandbox(): Promise<{ readonly url: string; close(): Promise<void> }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-bench-sandbox-'));
  const sandbox = await spawnSandbox(path.join(work, 'sandbox'), [], 60_000);
  return {
    url: sandbox.url,
    close: async () => {
      await sandbox.close();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Runs a benchmark's main: its error, with the stack, on stderr and exit code 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}

export const secondsSince = (started: bigint) => Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(2));
