/**
 * `meshform reconcile` as a service: what its log says when a pass fails (stamped like every other
 * line, with when the next pass is) and when it is stopped (SIGTERM or SIGINT, as systemd or
 * Kubernetes and Ctrl-C stop it).
 */
import * as fs from 'fs';
import * as path from 'path';
import { runMeshform } from '../../../bin/program';
import { canonicalJson } from '../../../core/canonical-json';
import { MANAGER, OWNER, binding, desired, user, workspace } from '../../helpers/desired';
import { platformEnv } from '../../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';
import { scratchDir } from '../../helpers/scratch';

let f: SandboxFixture;
let dir: string;
beforeAll(async () => {
  f = await sandboxFixture();
  dir = scratchDir('reconcile-service');
});
afterAll(() => f.sandbox.close());

const STAMP = String.raw`\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\]`;

/** Starts `meshform reconcile` in-process; `output()` is what it wrote so far, `done` its exit code. */
function startReconcile(args: string[]) {
  let stdout = '';
  let stderr = '';
  const done = runMeshform(['reconcile', ...args], {
    cwd: dir,
    env: { ...process.env, ...platformEnv(f.sandbox.url, PARTNER) },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTTY: false,
  });
  return { done, output: () => ({ stdout, stderr }) };
}

/** Waits for the log to say something (the event), not for a fixed time. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}

test.each(['SIGTERM', 'SIGINT'] as const)(
  'a failed pass is stamped and says when the next pass is; %s stops the loop, and the log says so',
  async (signal) => {
    const manifest = path.join(dir, `${signal}.json`);
    fs.writeFileSync(
      manifest,
      canonicalJson(
        desired([
          workspace(`svc-${signal.toLowerCase()}`, [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))]),
        ]),
      ),
    );
    // Every read of the platform's objects fails with a 500 (not retried): the pass fails after connecting.
    expect(
      (await f.as(PARTNER).ext('PUT', '/faults', { rate: 1, kinds: ['500'], routes: 'GET /api/meshobjects/*' })).status,
    ).toBe(200);
    const run = startReconcile(['--interval', '1h', '--manifest', manifest]);
    try {
      await until(() => /next pass/.test(run.output().stderr));
    } finally {
      await f.as(PARTNER).ext('PUT', '/faults', { rate: 0 });
    }
    process.emit(signal);
    expect(await run.done).toBe(0);
    const { stdout, stderr } = run.output();
    expect(stderr).toMatch(new RegExp(`^${STAMP} reconcile: pass failed: .+$`, 'm'));
    expect(stderr).toMatch(new RegExp(`^${STAMP} reconcile: next pass in 10s \\(1 failed pass in a row\\)$`, 'm'));
    expect(`${stdout}${stderr}`).toMatch(new RegExp(`^${STAMP} reconcile: ${signal} received: stopping$`, 'm'));
    expect(`${stdout}${stderr}`).toMatch(new RegExp(`^${STAMP} reconcile: stopped after 1 pass$`, 'm'));
  },
);
