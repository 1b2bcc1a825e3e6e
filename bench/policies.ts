/**
 * Policies must not change the shape of the cost (issue 24): a full no-op plan of the estate on the
 * fake, with and without 10 policies (the four examples and six more over every target), alternated
 * so both see the same machine; the median time of each and the heap in use after each plan.
 *   node --expose-gc dist/bench/policies.js [--workspaces 10000] [--rounds 3] [--record]
 * --record puts the figures into bench/results.json and results.md (replacing the run of the same size).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { apply } from '../controller/apply/apply';
import { FakePlatform } from '../controller/client/fake-client';
import type { PlanOptions } from '../controller/plan/plan';
import { planAgainst } from '../controller/run';
import { checkDesiredState } from '../core/manifest-file';
import { type PolicySpec, compilePolicy } from '../core/policy/policy';
import { type PolicySource, loadPolicyFile } from '../core/policy/policy-file';
import { synthEstate } from './estate';
import { type PolicyRun, type Results, renderMarkdown } from './report';
import { secondsSince } from './platform';

const MORE: PolicySpec[] = [
  {
    name: 'ws-cost-center',
    target: 'workspace',
    action: 'warn',
    validations: [{ expression: '"costCenter" in object.tags' }],
  },
  {
    name: 'ws-two-owners-max',
    target: 'workspace',
    action: 'deny',
    validations: [{ expression: 'size(object.owners) <= 2' }],
  },
  {
    name: 'ws-quota',
    target: 'workspace',
    action: 'warn',
    validations: [{ expression: '!has(object.quota) || object.quota <= 50' }],
  },
  {
    name: 'project-env',
    target: 'project',
    action: 'deny',
    validations: [{ expression: '"environment" in object.tags' }],
  },
  {
    name: 'no-group-admins',
    target: 'binding',
    action: 'deny',
    matchConditions: [{ expression: 'object.role == "Project Admin"' }],
    validations: [{ expression: 'object.subject.kind == "User"' }],
  },
  {
    name: 'tag-described',
    target: 'tagDefinition',
    action: 'warn',
    validations: [{ expression: 'size(object.displayName) > 0' }],
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const opts = new Command('policies')
    .option('--workspaces <n>', 'estate size', '10000')
    .option('--rounds <n>', 'plans with and without policies, alternated', '3')
    .option('--record', 'put the figures into bench/results.json and results.md')
    .parse(process.argv)
    .opts<{ workspaces: string; rounds: string; record?: boolean }>();
  const n = Number(opts.workspaces);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-policies-'));
  try {
    synthEstate(n, path.join(work, 'out'));
    const manifest: unknown = JSON.parse(
      fs.readFileSync(path.join(work, 'out', 'stacks', 'estate', 'meshform.json'), 'utf8'),
    );
    const fake = new FakePlatform();
    const desired = checkDesiredState(manifest, 'estate', fake.clock).state;
    const api = fake.client();
    await apply(api, (await planAgainst(api, desired, { endpoint: 'memory://fake' })).plan, { concurrency: 8 });
    const examples = loadPolicyFile(path.resolve(__dirname, '../../examples/policies/organisation.policies.yaml'));
    const policies: PolicySource[] = [{ ...examples, policies: [...examples.policies, ...MORE.map(compilePolicy)] }];
    const gc = (globalThis as { gc?: () => void }).gc;
    const measure = async (options: PlanOptions) => {
      gc?.();
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      const { plan } = await planAgainst(fake.client(), desired, options);
      const seconds = secondsSince(started);
      // CPU time as well: on the shared machine, wall time also counts the other processes' turns.
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      gc?.();
      const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
      return { seconds, cpuSeconds, heapMiB, refusals: plan.refusals.length, warnings: plan.warnings.length };
    };
    const without: Awaited<ReturnType<typeof measure>>[] = [];
    const withPolicies: typeof without = [];
    for (let r = 0; r < Number(opts.rounds); r++) {
      without.push(await measure({ endpoint: 'memory://fake' }));
      withPolicies.push(await measure({ endpoint: 'memory://fake', policies }));
    }
    const t0 = median(without.map((m) => m.seconds));
    const t1 = median(withPolicies.map((m) => m.seconds));
    const c0 = median(without.map((m) => m.cpuSeconds));
    const c1 = median(withPolicies.map((m) => m.cpuSeconds));
    const h0 = median(without.map((m) => m.heapMiB));
    const h1 = median(withPolicies.map((m) => m.heapMiB));
    const result = {
      workspaces: n,
      policies: policies[0].policies.length,
      rounds: Number(opts.rounds),
      gc: gc !== undefined,
      withoutSeconds: t0,
      withSeconds: t1,
      timeRatio: t1 / t0,
      withoutCpuSeconds: c0,
      withCpuSeconds: c1,
      cpuRatio: c1 / c0,
      withoutHeapMiB: h0,
      withHeapMiB: h1,
      heapRatio: h1 / h0,
      findingsWith: { refusals: withPolicies[0].refusals, warnings: withPolicies[0].warnings },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (opts.record) record(result);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Into bench/results.json (the run of the same size replaced) and results.md, rendered again from it. */
function record(run: Omit<PolicyRun, 'date'>): void {
  const file = path.resolve(__dirname, '../../bench/results.json');
  const results = JSON.parse(fs.readFileSync(file, 'utf8')) as Results;
  results.policies = [
    ...(results.policies ?? []).filter((p) => p.workspaces !== run.workspaces),
    { date: new Date().toISOString(), ...run },
  ].sort((a, b) => a.workspaces - b.workspaces);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(file.replace(/\.json$/, '.md'), renderMarkdown(results));
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
