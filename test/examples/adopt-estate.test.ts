/**
 * The adoption docs/adopting.md describes, on the estate example's first teams: workspaces made "in the panel"
 * (no meshform stack owns them) on a sandbox seeded with their people and groups; a new repository
 * runs init, import --all, synth and plan, and the plan has nothing to change. Every team of estate.yaml has
 * the same shape, so its first 25 take every path the 200 take: every business unit and project quota, a few
 * more workspaces than a plan reads one by one (TARGETED_OBSERVE_MAX: so it reads the paged lists, whose
 * pages of 1,000 hold the 200 too), more than import claims at a time. The 200 are `npm run bench:import`'s scale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { TARGETED_OBSERVE_MAX } from '../../controller/observe/observe';
import { readEstate } from '../../examples/estate/main';
import { estateSeed, populate } from '../../examples/estate/panel';
import { linkMeshform, meshform, platformEnv } from '../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';
import { scratchDir } from '../helpers/scratch';

const full = readEstate();
const estate = { ...full, teams: full.teams.slice(0, TARGETED_OBSERVE_MAX + 5) };
const n = estate.teams.length;

let f: SandboxFixture;
let dir: string;
beforeAll(async () => {
  dir = scratchDir('adopt');
  fs.writeFileSync(path.join(dir, 'estate-seed.yaml'), stringify(estateSeed(estate)));
  // A new data dir: a seed is applied only when the data dir is created.
  f = await sandboxFixture(['--seed', path.join(dir, 'estate-seed.yaml')], path.join(dir, 'sandbox-data'));
});
afterAll(async () => {
  await f.sandbox.close();
});

test('init, import --all, synth, plan on an estate made in the panel: "No changes"', async () => {
  expect(new Set(estate.teams.map((t) => t.businessUnit))).toEqual(new Set(full.businessUnits));
  expect(new Set(estate.teams.map((t) => t.projectQuota))).toEqual(new Set(full.teams.map((t) => t.projectQuota)));
  const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
  let t = Date.now();
  expect(await populate(f.sandbox.url, estate)).toBe(n);
  const populated = seconds(t);
  const repo = path.join(dir, 'platform-team');
  expect((await meshform(['init', '--dir', repo])).code).toBe(0);
  const env = { ...platformEnv(f.sandbox.url, PARTNER), PATH: linkMeshform(repo) };
  t = Date.now();
  const imported = await meshform(['import', '--all'], { cwd: repo, env });
  const importTime = seconds(t);
  expect(imported.stderr).toBe('');
  expect(imported.code).toBe(0);
  // Per team: two projects and nine bindings (owner, lead, two developers and the group on the workspace; per project the group and the lead).
  expect(imported.stdout).toContain(
    `Imported ${n} workspace(s), ${2 * n} project(s), ${9 * n} binding(s), 3 tag definition(s)`,
  );
  expect(imported.stdout).toContain(`Recorded stack "platform-team" as the owner of ${n} workspace(s)`);
  expect(fs.readdirSync(path.join(repo, 'workspaces'))).toHaveLength(n);
  t = Date.now();
  const synth = await meshform(['synth'], { cwd: repo, env });
  const synthTime = seconds(t);
  expect(synth.stderr).toBe('');
  expect(synth.code).toBe(0);
  t = Date.now();
  const plan = await meshform(['plan', '--detailed-exitcode'], { cwd: repo, env });
  expect(plan.stdout).toMatch(/No changes/);
  expect(plan.code).toBe(0);
  process.stdout.write(
    `adopt: ${n} workspaces populated in ${populated} s; import ${importTime} s, synth (tsc and the app) ${synthTime} s, plan ${seconds(t)} s: No changes\n`,
  );
});
