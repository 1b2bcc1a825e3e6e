/**
 * The adoption docs/adopting.md describes, at the estate example's size: 200 workspaces made "in the panel"
 * (no meshform stack owns them) on a sandbox seeded with their people and groups; a new repository
 * runs init, import --all, synth and plan, and the plan has nothing to change.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { estateSeed, populate } from '../../examples/estate/panel';
import { linkMeshform, meshform, platformEnv } from '../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';
import { scratchDir } from '../helpers/scratch';

let f: SandboxFixture;
let dir: string;
beforeAll(async () => {
  dir = scratchDir('adopt');
  fs.writeFileSync(path.join(dir, 'estate-seed.yaml'), stringify(estateSeed()));
  // A new data dir: a seed is applied only when the data dir is created.
  f = await sandboxFixture(['--seed', path.join(dir, 'estate-seed.yaml')], path.join(dir, 'sandbox-data'));
});
afterAll(async () => {
  await f.sandbox.close();
});

test('init, import --all, synth, plan on the 200-workspace estate: "No changes"', async () => {
  const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
  let t = Date.now();
  expect(await populate(f.sandbox.url)).toBe(200);
  const populated = seconds(t);
  const repo = path.join(dir, 'platform-team');
  expect((await meshform(['init', '--dir', repo])).code).toBe(0);
  const env = { ...platformEnv(f.sandbox.url, PARTNER), PATH: linkMeshform(repo) };
  t = Date.now();
  const imported = await meshform(['import', '--all'], { cwd: repo, env });
  const importTime = seconds(t);
  expect(imported.stderr).toBe('');
  expect(imported.code).toBe(0);
  expect(imported.stdout).toMatch(
    /Imported 200 workspace\(s\), 400 project\(s\), 1800 binding\(s\), 3 tag definition\(s\)/,
  );
  expect(imported.stdout).toMatch(/Recorded stack "platform-team" as the owner of 200 workspace\(s\)/);
  expect(fs.readdirSync(path.join(repo, 'workspaces'))).toHaveLength(200);
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
    `adopt: 200 workspaces populated in ${populated} s; import ${importTime} s, synth (tsc and the app) ${synthTime} s, plan ${seconds(t)} s: No changes\n`,
  );
});
