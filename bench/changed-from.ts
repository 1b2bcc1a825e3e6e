/**
 * Pull-request plans cost what the change costs (`--changed-from`): an estate on the sandbox with
 * meshStack's advice applied (one request at a time) and an injected latency per API request; 1% of
 * the workspaces change in code. Times the scoped plan (those workspaces, and any with an expiry due)
 * against the full plan of the same code, with the requests each made.
 *   node dist/bench/changed-from.js [--workspaces 1000] [--changed 10] [--latency-ms 50] [--no-full]
 */
import { Command } from 'commander';
import { changedWorkspaces } from '../controller/plan/changed';
import { planAgainst } from '../controller/run';
import { DAY_MS } from '../core/expiry';
import { changeEstate } from './estate';
import { estateOnSandbox, runBench, secondsSince } from './platform';

async function main(): Promise<void> {
  const opts = new Command('changed-from')
    .option('--workspaces <n>', 'estate size', '1000')
    .option('--changed <n>', 'workspaces the pull request changes', '10')
    .option('--latency-ms <ms>', 'added to every API request', '50')
    .option('--no-full', 'skip the full plan (at 10,000 workspaces it takes an hour at 50 ms per read)')
    .parse(process.argv)
    .opts<{ workspaces: string; changed: string; latencyMs: string; full: boolean }>();
  const n = Number(opts.workspaces);
  const latencyMs = Number(opts.latencyMs);
  const platform = await estateOnSandbox(n, latencyMs);
  try {
    const base = platform.desired;
    const changed = changeEstate(base, Math.max(1, Math.floor(n / Number(opts.changed))));
    const scope = changedWorkspaces(base, changed, platform.now, DAY_MS);
    const measure = async (workspaces?: readonly string[]) => {
      const api = platform.client();
      const started = process.hrtime.bigint();
      const { plan } = await planAgainst(api, changed, {
        endpoint: platform.url,
        ...(workspaces ? { workspaces, notPlanned: { base: 'base', workspaces: scope.unchanged } } : {}),
      });
      return {
        seconds: secondsSince(started),
        gets: api.stats.byMethod.GET ?? 0,
        steps: plan.workspaces.reduce((k, w) => k + w.steps.length, 0),
      };
    };
    const scoped = await measure(scope.changed);
    // The fewest reads for those workspaces (read one by one, up to TARGETED_OBSERVE_MAX of them): the singletons, then per workspace its object, projects and user bindings, per project its two binding lists.
    const projects = changed.workspaces
      .filter((w) => scope.changed.includes(w.metadata.name))
      .reduce((k, w) => k + w.projects.length, 0);
    const lowerBound = 7 + 3 * scope.changed.length + 2 * projects;
    const full = opts.full ? await measure() : undefined;
    const rows = [
      `| estate | latency | changed | scoped plan | its GETs (lower bound) | full plan | its GETs | same steps |`,
      `|---:|---:|---:|---:|---:|---:|---:|---|`,
      `| ${n} | ${latencyMs} ms | ${scope.changed.length} | ${scoped.seconds} s | ${scoped.gets} (${lowerBound}, ${(scoped.gets / lowerBound).toFixed(2)}x) | ${full ? `${full.seconds} s | ${full.gets} | ${scoped.steps === full.steps ? 'yes' : `no: ${scoped.steps} vs ${full.steps}`}` : 'not run | - | -'} |`,
    ];
    process.stdout.write(`${rows.join('\n')}\n`);
  } finally {
    await platform.close();
  }
}

runBench(main);
