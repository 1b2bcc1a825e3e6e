/**
 * A binding meshform removes because the expiry the code declares has passed (a date-time: the
 * platform keeps only the day, so meshform enforces the instant) is recorded as expired, not as an
 * ordinary removal: the history says why access ended.
 */
import * as fs from 'fs';
import * as path from 'path';
import { canonicalJson } from '../../../core/canonical-json';
import { MEMBER, OWNER, binding, desired, user, workspace } from '../../helpers/desired';
import { meshform, platformEnv } from '../../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';
import { scratchDir } from '../../helpers/scratch';

let f: SandboxFixture;
let dir: string;
beforeAll(async () => {
  f = await sandboxFixture();
  dir = scratchDir('expired-removal');
});
afterAll(() => f.sandbox.close());

test('emergency access that ends within the day is removed by meshform and recorded as expired', async () => {
  await f.as(PARTNER).ext('POST', '/clock', { set: '2030-01-15T10:00:00Z' });
  const manifest = path.join(dir, 'emergency.json');
  fs.writeFileSync(
    manifest,
    canonicalJson(
      desired([
        workspace('emergency', [
          binding(OWNER, user('alice')),
          binding(MEMBER, user('carol'), { expiryDate: '2030-01-15T11:00:00Z', reason: 'INC-7' }),
        ]),
      ]),
    ),
  );
  const run = (args: string[]) => meshform(args, { cwd: dir, env: platformEnv(f.sandbox.url, PARTNER) });
  expect((await run(['apply', '--manifest', manifest, '--auto-approve'])).code).toBe(0);
  await f.as(PARTNER).ext('POST', '/clock', { advance: '2h' });
  const removed = await run(['apply', '--manifest', manifest, '--auto-approve']);
  expect(removed.code).toBe(0);
  const history = await run(['history', 'emergency', '--format', 'json']);
  const events = JSON.parse(history.stdout) as { type: string; details: { subject?: string; reason?: string } }[];
  expect(events.filter((e) => e.details.subject === 'carol').map((e) => `${e.type} ${e.details.reason ?? ''}`)).toEqual(
    expect.arrayContaining([expect.stringMatching(/ expired$/)]),
  );
  expect((await run(['history', 'emergency'])).stdout).toMatch(/expired user carol: Workspace Member/);
});
