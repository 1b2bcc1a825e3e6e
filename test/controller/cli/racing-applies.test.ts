/**
 * Two applies of the same code racing on an empty platform (two CI jobs, a retried pipeline): both
 * create the tag definitions, the workspace and its bindings. The loser finds its work done and
 * ends cleanly, instead of failing on what the winner created.
 */
import * as fs from 'fs';
import * as path from 'path';
import { canonicalJson } from '../../../core/canonical-json';
import { MANAGER, OWNER, binding, desired, user, workspace } from '../../helpers/desired';
import { HttpApiClient } from '../../../controller/client/http-client';
import { meshformProcess, platformEnv } from '../../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';
import { scratchDir } from '../../helpers/scratch';

let f: SandboxFixture;
let dir: string;
beforeAll(async () => {
  f = await sandboxFixture();
  dir = scratchDir('racing');
});
afterAll(() => f.sandbox.close());

test('two applies racing on an empty platform both end cleanly, and a third finds nothing to do', async () => {
  const manifest = path.join(dir, 'team.json');
  fs.writeFileSync(
    manifest,
    canonicalJson(desired([workspace('race-team', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))])])),
  );
  const env = platformEnv(f.sandbox.url, PARTNER);
  const apply = () => meshformProcess(['apply', '--manifest', manifest, '--auto-approve'], env);
  const [a, b] = await Promise.all([apply(), apply()]);
  // On failure, what each printed: the step that failed and the platform's answer.
  const outcome = (r: typeof a) => ({ code: r.code, stderr: r.stderr, ...(r.code ? { stdout: r.stdout } : {}) });
  expect([outcome(a), outcome(b)]).toEqual([
    { code: 0, stderr: '' },
    { code: 0, stderr: '' },
  ]);
  const again = await meshformProcess(['plan', '--manifest', manifest, '--detailed-exitcode'], env);
  expect(again.code).toBe(0);
});

test("the loser of the race, step by step: its grant meets the winner's binding (409) and is done, not a failure", async () => {
  const api = new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: PARTNER } });
  await api.workspaces.create({ name: 'race-step', displayName: 'race-step', tags: {} });
  const grant = { workspace: 'race-step', subjectKind: 'User' as const, subject: 'bob', role: MANAGER };
  expect(await api.bindings.create({ ...grant, name: 'mf-race-step-winner' })).toEqual({ status: 'created' });
  expect(await api.bindings.create({ ...grant, name: 'mf-race-step-loser' })).toEqual({ status: 'created' });
  // Someone else's binding under the loser's name is still refused: only the same grant is "done".
  await expect(api.bindings.create({ ...grant, subject: 'carol', name: 'mf-race-step-winner' })).rejects.toThrow(
    /taken by another binding/,
  );
});
