/**
 * Crashes: `meshform apply` is killed with SIGKILL early, in the middle and late in its writes (6 trials;
 * the kill points are fractions of the apply's writes, counted on the platform, so they cannot cluster).
 * After each, the plan saved before the crash is refused as stale where the platform moved, a re-run
 * converges to the desired state, nothing is duplicated, and no workspace ever had more than two Owners.
 */
import { type ChildProcess, spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { HttpApiClient } from '../../controller/client/http-client';
import { loadPlan } from '../../controller/plan/plan-file';
import { rederive } from '../../controller/run';
import type { DesiredState } from '../../schemas/desired-state.generated';
import { MESHFORM_BIN, platformEnv, scratch } from '../helpers/cli';
import { teamEstate } from '../helpers/desired';
import { desiredKeys, duplicated, historyOf, liveBindings, liveKeys, maxOwnersInHistory } from '../helpers/inspect';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

/** Six grants per workspace: 48 writes, enough that a late kill still lands before the apply ends. */
const WORKSPACES = 8;
/** An Owner swap is two writes per workspace (grant the new Owner, remove the old one): 24 writes. */
const SWAP_WORKSPACES = 12;
/** Where in the apply's writes the kill lands: early, in the middle, late. */
const KILL_AT = [0.1, 0.5, 0.75];

describe('apply killed with SIGKILL', () => {
  let f: SandboxFixture;
  let api: HttpApiClient;
  const files = scratch('crash');
  beforeAll(async () => {
    f = await sandboxFixture(['--profile', 'meshstack']);
    api = new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: PARTNER } });
  });
  afterAll(async () => {
    await f.sandbox.close();
    files.dispose();
  });

  const env = () => ({ ...process.env, ...platformEnv(f.sandbox.url, PARTNER) });
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [MESHFORM_BIN, ...args], { env: env(), encoding: 'utf8' });
  const write = (name: string, d: DesiredState) => files.json(name, d);
  /** Workspace user bindings on the platform: grows with every grant the apply makes. */
  const grants = async () =>
    (await f.as(PARTNER).mesh('wsUserBinding', 'GET', '/meshworkspacebindings/userbindings?size=1')).data.page
      .totalElements as number;

  /** Workspace Owners on the platform, by workspace. */
  const owners = async () => {
    const res = await f
      .as(PARTNER)
      .mesh('wsUserBinding', 'GET', '/meshworkspacebindings/userbindings?workspaceRole=Workspace%20Owner&size=1000');
    const list = Object.values(res.data._embedded as Record<string, Array<Record<string, { name: string }>>>)[0];
    const by = new Map<string, Set<string>>();
    for (const b of list) by.set(b.targetRef.name, (by.get(b.targetRef.name) ?? new Set()).add(b.subject.name));
    return by;
  };
  /** Writes an Owner swap from `before` to `after` has made so far: each new Owner granted, each old Owner removed. */
  const swapWrites = async (before: DesiredState, after: DesiredState) => {
    const ownerOf = (w: DesiredState['workspaces'][number]) =>
      w.bindings.find((b) => b.roleRef.name === 'Workspace Owner')!.subject.name;
    const live = await owners();
    return before.workspaces.reduce((n, w, i) => {
      const now = live.get(w.metadata.name) ?? new Set<string>();
      return n + Number(now.has(ownerOf(after.workspaces[i]))) + Number(!now.has(ownerOf(w)));
    }, 0);
  };

  /**
   * Starts `meshform apply` and kills it once `progress` reaches `killAt`; resolves when the process is gone.
   * The sandbox holds each meshObject request a little meanwhile (the apply writes in concurrent bursts), so the
   * polling sees each burst and the kill lands near `killAt`, before the apply ends.
   */
  async function killedApply(
    manifest: string,
    progress: () => Promise<number>,
    killAt: number,
  ): Promise<{ killed: boolean; progressAtKill: number }> {
    await f.as(PARTNER).ext('PUT', '/faults', { latencyMs: 20, routes: '* /api/meshobjects/*' });
    try {
      return await pollAndKill(manifest, progress, killAt);
    } finally {
      await f.as(PARTNER).ext('PUT', '/faults', {});
    }
  }

  async function pollAndKill(manifest: string, progress: () => Promise<number>, killAt: number) {
    const child: ChildProcess = spawn(
      process.execPath,
      [MESHFORM_BIN, 'apply', '--manifest', manifest, '--auto-approve'],
      { env: env(), stdio: 'ignore' },
    );
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let done = false;
    void exited.then(() => (done = true));
    for (;;) {
      const now = await progress();
      if (done) return { killed: false, progressAtKill: now };
      if (now >= killAt) {
        child.kill('SIGKILL');
        await exited;
        return { killed: child.signalCode === 'SIGKILL', progressAtKill: now };
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** After the crash: the old saved plan is refused where the state moved, a re-run converges, nothing is duplicated. */
  async function recoverAndCheck(desired: DesiredState, manifest: string, savedPlan: string) {
    const names = desired.workspaces.map((w) => w.metadata.name);
    const moved = (await rederive(api, loadPlan(savedPlan), { endpoint: f.sandbox.url, desired })).stale.workspaces;
    const stale = cli(['apply', savedPlan, '--manifest', manifest]);
    if (moved.length) {
      expect(stale.status).toBe(1);
      expect(stale.stderr).toMatch(
        /the saved plan is stale: the code and the platform give another plan now \(workspaces: .+\):\n[\s\S]*Run `meshform plan` again/,
      );
    } else {
      expect(stale.status).toBe(0);
    }
    const rerun = cli(['apply', '--manifest', manifest, '--auto-approve']);
    expect({ code: rerun.status, stderr: rerun.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cli(['plan', '--manifest', manifest, '--detailed-exitcode']).status).toBe(0);
    const live = liveKeys(await liveBindings(api, names));
    expect(duplicated(live)).toEqual([]);
    expect(live).toEqual(desiredKeys(desired));
    for (const ws of names) expect(maxOwnersInHistory(await historyOf(f, ws))).toBeLessThanOrEqual(2);
    return moved.length;
  }

  const trials: string[] = [];
  afterAll(() => process.stdout.write(`crashes: ${trials.length} SIGKILL trials\n  ${trials.join('\n  ')}\n`));

  test.each(KILL_AT.map((at, trial) => [trial, at]))(
    'trial %i: killed while creating an estate (at %p of its grants), a re-run converges',
    async (trial, at) => {
      // GIVEN a new estate and a plan saved for it
      const desired = teamEstate(WORKSPACES, `crash-new-${trial}`);
      const manifest = write(`new-${trial}`, desired);
      const savedPlan = path.join(files.dir, `new-${trial}.plan.json`);
      expect(cli(['plan', '--manifest', manifest, '--out', savedPlan]).status).toBe(0);
      // WHEN apply is killed once that share of its workspace grants is made
      const base = await grants();
      const total = WORKSPACES * 6;
      const { killed, progressAtKill } = await killedApply(
        manifest,
        async () => (await grants()) - base,
        Math.max(1, Math.round(at * total)),
      );
      expect(killed).toBe(true);
      // THEN
      const stale = await recoverAndCheck(desired, manifest, savedPlan);
      expect(stale).toBeGreaterThan(0);
      trials.push(
        `create, killed after ${progressAtKill} of ${total} grants: saved plan stale in ${stale} workspaces, re-run converged`,
      );
    },
  );

  test.each(KILL_AT.map((at, i) => [KILL_AT.length + i, at]))(
    'trial %i: killed during an Owner swap (at %p of its writes), never more than two Owners, a re-run converges',
    async (trial, at) => {
      // GIVEN an applied estate, and a plan that hands every workspace to a new Owner
      const before = teamEstate(SWAP_WORKSPACES, `crash-swap-${trial}`);
      expect(cli(['apply', '--manifest', write(`swap-${trial}-before`, before), '--auto-approve']).status).toBe(0);
      const desired = teamEstate(SWAP_WORKSPACES, `crash-swap-${trial}`, { ownerShift: 3 });
      const manifest = write(`swap-${trial}`, desired);
      const savedPlan = path.join(files.dir, `swap-${trial}.plan.json`);
      expect(cli(['plan', '--manifest', manifest, '--out', savedPlan]).status).toBe(0);
      // WHEN apply is killed once that share of the swap's writes is made
      const total = SWAP_WORKSPACES * 2;
      const { killed, progressAtKill } = await killedApply(
        manifest,
        () => swapWrites(before, desired),
        Math.max(1, Math.round(at * total)),
      );
      expect(killed).toBe(true);
      // THEN
      const stale = await recoverAndCheck(desired, manifest, savedPlan);
      expect(stale).toBeGreaterThan(0);
      trials.push(
        `owner swap of ${SWAP_WORKSPACES} workspaces, killed after ${progressAtKill} of ${total} writes: saved plan stale in ${stale} workspaces, re-run converged, max 2 Owners`,
      );
    },
  );
});
