/**
 * Crashes: `meshform apply` is killed with SIGKILL at random points (10 trials, seeded). After each,
 * the plan saved before the crash is refused as stale where the platform moved, a re-run converges
 * to the desired state, nothing is duplicated, and no workspace ever had more than two Owners.
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

const WORKSPACES = 12;
/** An Owner swap is two writes per workspace: enough workspaces that the kill lands inside it. */
const SWAP_WORKSPACES = 40;

/** mulberry32: the same kill points on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('apply killed with SIGKILL', () => {
  let f: SandboxFixture;
  let api: HttpApiClient;
  const files = scratch('crash');
  const random = seeded(4711);
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

  /** Starts `meshform apply` and kills it once `shouldKill` says so; resolves when the process is gone. */
  async function killedApply(
    manifest: string,
    shouldKill: (grantsNow: number) => boolean,
  ): Promise<{ killed: boolean; grantsAtKill: number }> {
    const child: ChildProcess = spawn(
      process.execPath,
      [MESHFORM_BIN, 'apply', '--manifest', manifest, '--auto-approve'],
      { env: env(), stdio: 'ignore' },
    );
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let done = false;
    void exited.then(() => (done = true));
    for (;;) {
      const now = await grants();
      if (done) return { killed: false, grantsAtKill: now };
      if (shouldKill(now)) {
        child.kill('SIGKILL');
        await exited;
        return { killed: child.signalCode === 'SIGKILL', grantsAtKill: now };
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

  test.each([0, 1, 2, 3, 4])('trial %i: killed while creating an estate, a re-run converges', async (trial) => {
    // GIVEN a new estate and a plan saved for it
    const desired = teamEstate(WORKSPACES, `crash-new-${trial}`);
    const manifest = write(`new-${trial}`, desired);
    const savedPlan = path.join(files.dir, `new-${trial}.plan.json`);
    expect(cli(['plan', '--manifest', manifest, '--out', savedPlan]).status).toBe(0);
    // WHEN apply is killed after a random number of its 72 workspace grants
    const base = await grants();
    const killAfter = 1 + Math.floor(random() * (WORKSPACES * 6 - 1));
    const { killed, grantsAtKill } = await killedApply(manifest, (now) => now - base >= killAfter);
    expect(killed).toBe(true);
    // THEN
    const stale = await recoverAndCheck(desired, manifest, savedPlan);
    expect(stale).toBeGreaterThan(0);
    trials.push(
      `create, killed after ${grantsAtKill - base} of ${WORKSPACES * 6} grants: saved plan stale in ${stale} workspaces, re-run converged`,
    );
  });

  test.each([5, 6, 7, 8, 9])(
    'trial %i: killed during an Owner swap, never more than two Owners, a re-run converges',
    async (trial) => {
      // GIVEN an applied estate, and a plan that hands every workspace to a new Owner
      const before = teamEstate(SWAP_WORKSPACES, `crash-swap-${trial}`);
      expect(cli(['apply', '--manifest', write(`swap-${trial}-before`, before), '--auto-approve']).status).toBe(0);
      const desired = teamEstate(SWAP_WORKSPACES, `crash-swap-${trial}`, { ownerShift: 3 });
      const manifest = write(`swap-${trial}`, desired);
      const savedPlan = path.join(files.dir, `swap-${trial}.plan.json`);
      expect(cli(['plan', '--manifest', manifest, '--out', savedPlan]).status).toBe(0);
      // WHEN apply is killed a random time after its first write
      const base = await grants();
      const delayMs = Math.floor(random() * 100);
      let firstWriteAt: number | undefined;
      const { killed } = await killedApply(manifest, (now) => {
        if (now !== base && firstWriteAt === undefined) firstWriteAt = Date.now();
        return firstWriteAt !== undefined && Date.now() - firstWriteAt >= delayMs;
      });
      expect(killed).toBe(true);
      // THEN
      const stale = await recoverAndCheck(desired, manifest, savedPlan);
      expect(stale).toBeGreaterThan(0);
      trials.push(
        `owner swap of ${SWAP_WORKSPACES} workspaces, killed ${delayMs} ms after the first write: saved plan stale in ${stale} workspaces, re-run converged, max 2 Owners`,
      );
    },
  );
});
