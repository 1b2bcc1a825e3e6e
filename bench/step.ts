/**
 * One measured benchmark step in a process of its own, so its peak RSS is its own. Prints one JSON
 * line (a StepMeasurement). Run by bench/run.ts:
 *   node dist/bench/step.js '{"step":"plan","platform":"sandbox","endpoint":"http://…","manifest":"…/meshform.json"}'
 */
import axios from 'axios';
import * as fs from 'fs';
import * as path from 'path';
import { apply } from '../controller/apply/apply';
import type { ApiClient } from '../controller/client/api';
import { FakePlatform } from '../controller/client/fake-client';
import { HttpApiClient } from '../controller/client/http-client';
import { planAgainst } from '../controller/run';
import { checkDesiredState } from '../core/manifest-file';
import type { DesiredState } from '../schemas/desired-state.generated';
import type { Plan } from '../schemas/plan.generated';
import { liveCounts, observeLowerBound, perResourceRefresh } from './accounting';
import { changeEstate, synthEstate, workspaceName } from './estate';
import { partnerToken } from './platform';

export type StepName = 'synth' | 'first-apply' | 'plan' | 'change' | 'throughput';

export interface StepInput {
  readonly step: StepName;
  readonly platform?: 'fake' | 'sandbox';
  readonly endpoint?: string;
  readonly manifest: string;
  readonly workspaces: number;
  /** Workspaces applied at the same time. @default 4, as `meshform apply` */
  readonly concurrency?: number;
}

export interface StepMeasurement {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly requests: Record<string, number>;
  readonly reads: number;
  readonly writes: number;
  readonly retries: number;
  readonly logins?: number;
  /** Reads a full observe cannot go below, and writes: one per plan step. */
  readonly readLowerBound?: number;
  readonly writeLowerBound?: number;
  /** GETs a per-resource provider would make to refresh the same objects. */
  readonly perResourceRefresh?: number;
  readonly planSteps?: number;
  readonly failedSteps?: number;
  /** After a change: the next plan had no steps. */
  readonly converged?: boolean;
  readonly details?: Record<string, unknown>;
}

const NOW = new Date('2026-11-26T12:00:00Z');
const stepCount = (p: Plan) => p.globalSteps.length + p.workspaces.reduce((n, w) => n + w.steps.length, 0);

/** This process's peak resident memory so far, in MB. */
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

function timer() {
  const started = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - started) / 1e9;
}

function loadManifest(file: string): DesiredState {
  return checkDesiredState(JSON.parse(fs.readFileSync(file, 'utf8')), file, NOW).state;
}

/** The platform to measure against, already holding `populated` when given (setup, not measured). */
async function platformClient(input: StepInput, populated?: DesiredState): Promise<ApiClient> {
  if (input.platform === 'sandbox')
    return new HttpApiClient({ endpoint: input.endpoint!, credentials: { kind: 'key', key: 'partner-admin' } });
  const fake = new FakePlatform();
  fake.clock = NOW;
  if (populated) await planAndApply(fake.client(), populated, input.concurrency);
  return fake.client();
}

async function planAndApply(api: ApiClient, desired: DesiredState, concurrency = 4) {
  const { plan, live } = await planAgainst(api, desired, { endpoint: 'bench' });
  const report = await apply(api, plan, { concurrency });
  return { plan, live, report };
}

function measurement(api: ApiClient, seconds: number, extra: Partial<StepMeasurement>): StepMeasurement {
  const requests = { ...api.stats.byMethod };
  return {
    seconds: Number(seconds.toFixed(3)),
    peakRssMb: peakRssMb(),
    requests,
    reads: requests.GET ?? 0,
    writes: api.stats.writes,
    retries: api.stats.retries,
    logins: api.stats.logins,
    ...extra,
  };
}

async function run(input: StepInput): Promise<StepMeasurement> {
  if (input.step === 'synth') {
    const out = path.join(path.dirname(input.manifest), 'cdktf.out');
    const elapsed = timer();
    synthEstate(input.workspaces, out);
    const seconds = elapsed();
    fs.copyFileSync(path.join(out, 'stacks', 'estate', 'meshform.json'), input.manifest);
    return {
      seconds: Number(seconds.toFixed(3)),
      peakRssMb: peakRssMb(),
      requests: {},
      reads: 0,
      writes: 0,
      retries: 0,
      details: { manifestBytes: fs.statSync(input.manifest).size },
    };
  }
  if (input.step === 'throughput') return throughput(input);
  const desired = loadManifest(input.manifest);
  if (input.step === 'first-apply') {
    const api = await platformClient(input);
    const elapsed = timer();
    const { plan, live, report } = await planAndApply(api, desired, input.concurrency);
    const seconds = elapsed();
    return measurement(api, seconds, {
      readLowerBound: observeLowerBound(liveCounts(live)),
      writeLowerBound: stepCount(plan),
      planSteps: stepCount(plan),
      failedSteps: report.counts.failed + report.counts.skipped,
    });
  }
  if (input.step === 'plan') {
    const api = await platformClient(input, desired);
    const elapsed = timer();
    // Loaded again inside the timer: `meshform plan` reads and validates its manifest too.
    const { plan, live } = await planAgainst(api, loadManifest(input.manifest), { endpoint: 'bench' });
    const seconds = elapsed();
    const counts = liveCounts(live);
    return measurement(api, seconds, {
      readLowerBound: observeLowerBound(counts),
      writeLowerBound: 0,
      perResourceRefresh: perResourceRefresh(counts),
      planSteps: stepCount(plan),
    });
  }
  // change: 1% of the workspaces edited, planned and applied; then the next plan must be empty.
  const api = await platformClient(input, desired);
  const changed = changeEstate(desired);
  const elapsed = timer();
  const { plan, live, report } = await planAndApply(api, changed, input.concurrency);
  const seconds = elapsed();
  const result = measurement(api, seconds, {
    readLowerBound: observeLowerBound(liveCounts(live)),
    writeLowerBound: stepCount(plan),
    planSteps: stepCount(plan),
    failedSteps: report.counts.failed + report.counts.skipped,
  });
  const after = await planAgainst(api, changed, { endpoint: 'bench' });
  return { ...result, converged: stepCount(after.plan) === 0 };
}

/** The sandbox's own throughput on the populated estate: paged lists, per-workspace lists, creates. */
async function throughput(input: StepInput): Promise<StepMeasurement> {
  const url = input.endpoint!;
  const http = axios.create({
    baseURL: `${url}/api/meshobjects`,
    headers: { Authorization: `Bearer ${await partnerToken(url)}` },
  });
  const type = 'application/vnd.meshcloud.api.meshworkspaceuserbinding.v2.hal+json';
  const concurrency = 8;
  const pool = async <T>(items: T[], fn: (t: T) => Promise<unknown>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < items.length) await fn(items[next++]);
      }),
    );
  };
  const rate = async (requests: number, fn: () => Promise<unknown>) => {
    const elapsed = timer();
    await fn();
    const seconds = elapsed();
    return { requests, seconds: Number(seconds.toFixed(3)), requestsPerSecond: Math.round(requests / seconds) };
  };
  const first = await http.get<{ page: { totalPages: number; totalElements: number } }>(
    '/meshworkspacebindings/userbindings?page=0&size=1000',
    { headers: { Accept: type } },
  );
  const totalPages = first.data.page.totalPages;
  const totalBindings = first.data.page.totalElements;
  const listAll = await rate(totalPages, async () => {
    for (let page = 0; page < totalPages; page++)
      await http.get(`/meshworkspacebindings/userbindings?page=${page}&size=1000`, { headers: { Accept: type } });
  });
  const sample = [...Array(Math.min(input.workspaces, 500)).keys()];
  const listOne = await rate(sample.length, () =>
    pool(sample, (i) =>
      http.get(`/meshworkspacebindings/userbindings?workspaceIdentifier=${workspaceName(i)}`, {
        headers: { Accept: type },
      }),
    ),
  );
  // New roles for users the estate already binds otherwise (its Owner and first Manager become Members too).
  const creates = sample.flatMap((i) => [0, 1].map((k) => ({ i, k })));
  const users = (i: number, k: number) => ['alice', 'bob', 'carol', 'dave', 'erin'][(i + k) % 5];
  const create = await rate(creates.length, () =>
    pool(creates, ({ i, k }) =>
      http.post(
        '/meshworkspacebindings/userbindings',
        {
          apiVersion: 'v2',
          kind: 'meshWorkspaceUserBinding',
          metadata: { name: `bench-${i}-${k}` },
          targetRef: { name: workspaceName(i) },
          roleRef: { name: 'Workspace Member' },
          subject: { name: users(i, k) },
        },
        { headers: { Accept: type, 'Content-Type': type } },
      ),
    ),
  );
  return {
    seconds: listAll.seconds + listOne.seconds + create.seconds,
    peakRssMb: peakRssMb(),
    requests: { GET: listAll.requests + listOne.requests, POST: create.requests },
    reads: listAll.requests + listOne.requests,
    writes: create.requests,
    retries: 0,
    details: {
      workspaceUserBindings: totalBindings,
      concurrency,
      listAllPages: listAll,
      listOneWorkspace: listOne,
      createBinding: create,
    },
  };
}

run(JSON.parse(process.argv[2]) as StepInput).then(
  (m) => process.stdout.write(`${JSON.stringify(m)}\n`),
  (e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
