/**
 * A key that cannot see a workspace the code declares (a workspace-scoped key, the wrong one): the
 * error says so, names the workspace, and suggests --workspace for those the key can see.
 */
import * as fs from 'fs';
import * as path from 'path';
import { canonicalJson } from '../../../core/canonical-json';
import { OWNER, binding, desired, user, workspace } from '../../helpers/desired';
import { meshform, platformEnv } from '../../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';
import { scratchDir } from '../../helpers/scratch';

let f: SandboxFixture;
let dir: string;
beforeAll(async () => {
  f = await sandboxFixture();
  dir = scratchDir('forbidden');
});
afterAll(() => f.sandbox.close());

test('a 403 on a workspace the key cannot see says so, names it, and suggests --workspace', async () => {
  const manifest = path.join(dir, 'two.json');
  fs.writeFileSync(
    manifest,
    canonicalJson(
      desired([
        workspace('seen-by-bob', [binding(OWNER, user('bob'))]),
        workspace('hidden-from-bob', [binding(OWNER, user('alice'))]),
      ]),
    ),
  );
  // A partner creates both; bob is Owner of the first only.
  const made = await meshform(['apply', '--manifest', manifest, '--auto-approve'], {
    cwd: dir,
    env: platformEnv(f.sandbox.url, PARTNER),
  });
  expect(made.code).toBe(0);
  const asBob = await meshform(['plan', '--manifest', manifest, '--workspace', 'seen-by-bob,hidden-from-bob'], {
    cwd: dir,
    env: platformEnv(f.sandbox.url, 'bob'),
  });
  expect(asBob.code).toBe(1);
  expect(asBob.stderr).toMatch(
    /the API key cannot see workspace "hidden-from-bob" \(403\): it does not exist for this key, or the key is not one of its members\. This key sees 1 workspace\(s\) of the code: plan them with --workspace seen-by-bob/,
  );
});
