import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { MANAGER, OWNER, PARTNER, freshDataDir, sandboxFixture } from '../helpers/sandbox';
import { REPO_ROOT } from '../helpers/cli';

describe('sandbox persistence and concurrency', () => {
  test('a restart keeps the data, the clock offset and the dev credentials', async () => {
    const dataDir = freshDataDir();
    const first = await sandboxFixture([], dataDir);
    await first.as(PARTNER).createWorkspace('persisted');
    await first.as(PARTNER).grant('persisted', 'alice', OWNER);
    await first.as(PARTNER).ext('POST', '/clock', { advance: '3d' });
    const secret = (await first.http.get('/mesh/info')).data.devLocalCredentials.apiKeys.alice.clientSecret;
    await first.sandbox.close();

    const second = await sandboxFixture([], dataDir);
    try {
      expect((await second.http.get('/mesh/info')).data.devLocalCredentials.apiKeys.alice.clientSecret).toBe(secret);
      expect((await second.as('alice').workspaceBindings('persisted')).map((b) => b.subject)).toEqual(['alice']);
      expect((await second.as(PARTNER).ext('GET', '/clock')).data.offsetMs).toBeGreaterThanOrEqual(3 * 86_400_000);
    } finally {
      await second.sandbox.close();
    }
  });

  test.each([
    ['a directory of something else', (dir: string) => fs.writeFileSync(path.join(dir, 'notes.txt'), 'x'), /is not empty and not a meshform sandbox data dir/],
    ['a damaged marker', (dir: string) => fs.writeFileSync(path.join(dir, 'meshform-sandbox.json'), '{'), /is damaged or from another version/],
    ['missing database files', (dir: string) => fs.writeFileSync(path.join(dir, 'meshform-sandbox.json'), '{"schemaVersion":1}'), /is damaged or from another version/],
  ])('refuses %s with a clear error and touches nothing', (_name, prepare, message) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-bad-'));
    prepare(dir);
    const before = fs.readdirSync(dir);
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/bin/meshform.js'), 'sandbox', '--port', '0', '--data-dir', dir], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(fs.readdirSync(dir)).toEqual(before);
  });

  test('--ephemeral with --data-dir is a usage error (which one was meant?), and creates nothing', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-eph-')), 'data');
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/bin/meshform.js'), 'sandbox', '--port', '0', '--ephemeral', '--data-dir', dir], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/--ephemeral keeps the data in memory and --data-dir keeps it on disk: pass one of them/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('20 parallel Owner grants never give a workspace more than two Owners', async () => {
    const f = await sandboxFixture();
    try {
      const partner = f.as(PARTNER);
      await partner.createWorkspace('race');
      await partner.grant('race', 'alice', OWNER);
      await partner.grant('race', 'bob', MANAGER);
      const users = ['bob', 'carol', 'dave', 'erin'];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? partner : f.as('alice')).grant('race', users[i % users.length], OWNER, { name: `race-${i}` })),
      );
      const created = results.filter((r) => r.status === 201);
      expect(created).toHaveLength(1);
      expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
      const owners = (await partner.workspaceBindings('race')).filter((b) => b.role === OWNER);
      expect(owners).toHaveLength(2);
    } finally {
      await f.sandbox.close();
    }
  });
});
