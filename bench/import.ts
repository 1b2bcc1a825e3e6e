/**
 * `meshform import` of an estate nobody owns yet, as against meshStack (an injected latency on every
 * API read, one request at a time): the reads against their lower bound, the rendering of the code,
 * and the ownership claims (the one write import makes).
 *   node dist/bench/import.js [--workspaces 1000] [--latency-ms 50] [--free-form-tags]
 * --free-form-tags: the estate's workspace tags were set before any tag definition existed (none is
 * defined), so the claim first creates a definition for every key found, then the ownership tag's.
 */
import { Command } from 'commander';
import { DEFAULT_PAGE_SIZE } from '../controller/client/http-client';
import { claimOwnership } from '../controller/import/claim';
import { importEstate } from '../controller/import/model';
import { typescriptFiles } from '../controller/import/typescript';
import { observe } from '../controller/observe/observe';
import { estateOnSandbox, runBench, secondsSince } from './platform';

async function main(): Promise<void> {
  const opts = new Command('import')
    .option('--workspaces <n>', 'estate size', '1000')
    .option('--latency-ms <ms>', 'added to every API read', '50')
    .option('--free-form-tags', 'workspace tags without tag definitions, as made in the panel before any existed')
    .parse(process.argv)
    .opts<{ workspaces: string; latencyMs: string; freeFormTags?: boolean }>();
  const n = Number(opts.workspaces);
  const latencyMs = Number(opts.latencyMs);
  const platform = await estateOnSandbox(n, latencyMs, { unowned: true, freeFormTags: opts.freeFormTags === true });
  try {
    const api = platform.client();
    let started = process.hrtime.bigint();
    const live = await observe(api, { workspaces: 'all', now: platform.now });
    const readSeconds = secondsSince(started);
    const reads = api.stats.byMethod.GET ?? 0;
    started = process.hrtime.bigint();
    const estate = importEstate(live, { bindingManagement: 'additive', stack: 'estate' });
    const files = typescriptFiles(estate, {
      stackName: 'estate',
      endpoint: platform.url,
      date: platform.now.toISOString().slice(0, 10),
    });
    const renderSeconds = secondsSince(started);
    started = process.hrtime.bigint();
    const claim = await claimOwnership(api, live, estate.unowned, 'estate');
    const claimSeconds = secondsSince(started);
    const projects = platform.desired.workspaces.reduce((k, w) => k + w.projects.length, 0);
    const bindingsOf = (kind: 'User' | 'Group') =>
      platform.desired.workspaces.reduce((k, w) => k + w.bindings.filter((b) => b.subject.kind === kind).length, 0);
    // The fewest reads: the singletons (info, capabilities, settings, whoami, tag definitions, statuses, requests), every list
    // in pages (workspaces, projects, workspace user bindings, group bindings), and per project its two binding lists.
    const pages = (items: number) => Math.max(1, Math.ceil(items / DEFAULT_PAGE_SIZE));
    const lowerBound =
      7 + pages(n) + pages(projects) + pages(bindingsOf('User')) + pages(bindingsOf('Group')) + 2 * projects;
    const rows = [
      `| estate | latency | reads | its GETs (lower bound) | code | files | ownership claims | its writes | failed | lost | tag definitions first |`,
      `|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
      `| ${n} | ${latencyMs} ms | ${readSeconds} s | ${reads} (${lowerBound}, ${(reads / lowerBound).toFixed(2)}x) | ${renderSeconds} s | ${files.length} | ${claimSeconds} s, ${claim.claimed.length} workspaces | ${api.stats.byMethod.PUT ?? 0} PUT, ${(api.stats.byMethod.GET ?? 0) - reads} GET | ${claim.failed.length} | ${claim.lost.length} | ${claim.tagDefinitionsCreated.length} |`,
    ];
    process.stdout.write(`${rows.join('\n')}\n`);
  } finally {
    await platform.close();
  }
}

runBench(main);
