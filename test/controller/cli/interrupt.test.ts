/** Ctrl-C during apply, as a user (or a CI runner cancelling a job) sends it: what was done and what was not, then a re-run converges. */
import { spawn } from 'child_process';
import { MESHFORM_BIN, meshform, platformEnv, scratch } from '../../helpers/cli';
import { OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(() => f.sandbox.close());

test('Ctrl-C during apply, in CI: the step under way finishes, the rest is reported as not run, exit 1; a re-run converges', async () => {
  const files = scratch('meshform-interrupt-');
  const names = Array.from({ length: 8 }, (_, i) => `int-p${i}`);
  const manifest = files.json(
    'interrupt.json',
    desired([
      workspace('int-ws', [binding(OWNER, user('alice'))], { projects: names.map((n) => project('int-ws', n)) }),
    ]),
  );
  // Each project create takes 400 ms, so the apply is still running when the signal comes.
  await f.as(PARTNER).ext('PUT', '/faults', { rate: 0, kinds: ['500'], latencyMs: 400, routes: 'POST */meshprojects' });
  const env = { ...process.env, ...platformEnv(f.sandbox.url, PARTNER), CI: 'true' };
  const child = spawn(process.execPath, [MESHFORM_BIN, 'apply', '--manifest', manifest, '--auto-approve'], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  // Once the first project exists, interrupt.
  // No cap on the polls: on a busy machine the first project comes late, and interrupting before it
  // would test another case.
  while ((await f.as(PARTNER).mesh('project', 'GET', '/meshprojects/int-ws.int-p0')).status !== 200)
    await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  expect(await exited).toBe(1);
  await f.as(PARTNER).ext('PUT', '/faults', { rate: 0, kinds: ['500'] });
  expect(stderr).toMatch(/Interrupted: finishing the steps under way; no new step starts\. The report follows\./);
  const lines = stdout.split('\n');
  const applied = lines.filter((l) => /^ {2}✓ create project int-p\d/.test(l)).length;
  const notRun = lines.filter((l) =>
    /^ {2}- create project int-p\d .*: not started: apply was interrupted$/.test(l),
  ).length;
  expect(applied).toBeGreaterThanOrEqual(1);
  expect(notRun).toBeGreaterThanOrEqual(1);
  // The ownership tag's definition, the workspace, the projects created; the owner grant and the rest not run.
  expect(stdout).toMatch(
    new RegExp(`Apply: ${applied + 2} applied, 0 waiting for a second approval, 0 failed, ${notRun + 1} skipped\\.`),
  );
  expect(lines).toContainEqual('  - grant user alice: Workspace Owner: not started: apply was interrupted');
  // What the report says was done is what the platform has.
  const live = (await f.as(PARTNER).mesh('project', 'GET', '/meshprojects?workspaceIdentifier=int-ws')).data._embedded
    .meshProjects.length;
  expect(live).toBe(applied);
  const again = await meshform(['apply', '--manifest', manifest, '--auto-approve'], {
    env: platformEnv(f.sandbox.url, PARTNER),
  });
  expect(again.code).toBe(0);
  expect(
    (await f.as(PARTNER).mesh('project', 'GET', '/meshprojects?workspaceIdentifier=int-ws')).data._embedded.meshProjects
      .length,
  ).toBe(names.length);
  files.dispose();
});
