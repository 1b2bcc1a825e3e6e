import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import * as net from 'net';
import { MANAGER, OWNER, PARTNER, freshDataDir, sandboxFixture, spawnSandbox } from '../helpers/sandbox';
import { REPO_ROOT } from '../helpers/cli';
import { scratchDir } from '../helpers/scratch';

describe('sandbox persistence and concurrency', () => {
  test('a restart keeps the data, the clock offset and the dev credentials', async () => {
    const dataDir = await freshDataDir();
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
    [
      'a directory of something else',
      (dir: string) => fs.writeFileSync(path.join(dir, 'notes.txt'), 'x'),
      /is not empty and not a meshform sandbox data dir/,
    ],
    [
      'a damaged marker',
      (dir: string) => fs.writeFileSync(path.join(dir, 'meshform-sandbox.json'), '{'),
      /is damaged or from another version/,
    ],
    [
      'missing database files',
      (dir: string) => fs.writeFileSync(path.join(dir, 'meshform-sandbox.json'), '{"schemaVersion":1}'),
      /is damaged or from another version/,
    ],
  ])('refuses %s with a clear error and touches nothing', (_name, prepare, message) => {
    const dir = scratchDir('bad');
    prepare(dir);
    const before = fs.readdirSync(dir);
    const run = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'dist/bin/meshform.js'), 'sandbox', '--port', '0', '--data-dir', dir],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(fs.readdirSync(dir)).toEqual(before);
  });

  test('--ephemeral with --data-dir is a usage error (which one was meant?), and creates nothing', () => {
    const dir = path.join(scratchDir('eph'), 'data');
    const run = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'dist/bin/meshform.js'), 'sandbox', '--port', '0', '--ephemeral', '--data-dir', dir],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /--ephemeral keeps the data in memory and --data-dir keeps it on disk: pass one of them/,
    );
    expect(fs.existsSync(dir)).toBe(false);
  });

  const cliSandbox = (args: string[]) =>
    spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/bin/meshform.js'), 'sandbox', ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });

  test('one sandbox per data dir: a second is refused with the holder’s PID; once the first stopped, it starts', async () => {
    const dataDir = await freshDataDir();
    const first = await sandboxFixture([], dataDir);
    try {
      const second = cliSandbox(['--port', '0', '--data-dir', dataDir]);
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(
          `data dir .* is in use by another sandbox \\(PID ${first.sandbox.child.pid}\\); stop it, or start with another --data-dir`,
        ),
      );
    } finally {
      await first.sandbox.close();
    }
    const again = await sandboxFixture([], dataDir);
    await again.sandbox.close();
  });

  test('a lock left by a killed sandbox is taken over', async () => {
    const dataDir = await freshDataDir();
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    fs.writeFileSync(path.join(dataDir, 'sandbox.lock'), `${gone}\n`);
    const f = await sandboxFixture([], dataDir);
    expect(fs.readFileSync(path.join(dataDir, 'sandbox.lock'), 'utf8').trim()).toBe(String(f.sandbox.child.pid));
    await f.sandbox.close();
    expect(fs.existsSync(path.join(dataDir, 'sandbox.lock'))).toBe(false);
  });

  test('a port in use: the sandbox exits with a clear error and frees its data dir', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const dataDir = await freshDataDir();
      const run = cliSandbox(['--port', String((busy.address() as net.AddressInfo).port), '--data-dir', dataDir]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/cannot listen on 127\.0\.0\.1: .*EADDRINUSE/);
      expect(fs.existsSync(path.join(dataDir, 'sandbox.lock'))).toBe(false);
    } finally {
      busy.close();
    }
  });

  test('the data dir is private to its owner (it holds the dev secret): every directory 0700, no file writable by others', async () => {
    const dataDir = path.join(scratchDir('modes'), 'data');
    const f = await sandboxFixture([], dataDir);
    try {
      const modes: string[] = [];
      const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          // Directories admit nobody else; files PostgreSQL writes while serving may be 0644, behind them.
          const mode = fs.statSync(p).mode & 0o777;
          if (e.isDirectory() ? mode !== 0o700 : (mode & 0o022) !== 0)
            modes.push(`${path.relative(dataDir, p)} ${mode.toString(8)}`);
          if (e.isDirectory()) walk(p);
        }
      };
      expect((fs.statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
      for (const own of ['meshform-sandbox.json', 'sandbox.lock'])
        expect((fs.statSync(path.join(dataDir, own)).mode & 0o777).toString(8)).toBe('600');
      walk(dataDir);
      expect(modes).toEqual([]);
    } finally {
      await f.sandbox.close();
    }
  });

  test('a kill while a new data dir is created leaves no half-made data dir; the next start creates it', async () => {
    const dataDir = path.join(scratchDir('atomic'), 'data');
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'dist/bin/meshform.js'), 'sandbox', '--port', '0', '--data-dir', dataDir],
      { stdio: 'ignore' },
    );
    // Killed once the creation is under way (its private directory beside the data dir exists), on
    // that event rather than after a fixed delay, which a fast machine might outrun.
    const parent = path.dirname(dataDir);
    await new Promise<void>((resolve) => {
      const watcher = fs.watch(parent, () => {
        if (!fs.readdirSync(parent).some((n) => n.startsWith('.data.creating-'))) return;
        watcher.close();
        resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(fs.existsSync(dataDir)).toBe(false);
    const f = await sandboxFixture([], dataDir);
    expect((await f.as(PARTNER).createWorkspace('after-kill')).status).toBe(201);
    await f.sandbox.close();
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
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? partner : f.as('alice')).grant('race', users[i % users.length], OWNER, { name: `race-${i}` }),
        ),
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

describe('--seed on a data dir that was seeded already', () => {
  test('says it is ignored, instead of silently starting without the people it names', async () => {
    const dir = scratchDir('seed');
    fs.writeFileSync(
      path.join(dir, 'seed.yaml'),
      'users:\n  - username: zoe\n    partner: true\napiKeys:\n  - clientId: zoe-key\n    user: zoe\n',
    );
    // A copy of the template: seeded with the default principals when it was made.
    const sandbox = await spawnSandbox(await freshDataDir(), ['--seed', path.join(dir, 'seed.yaml')]);
    try {
      expect(sandbox.output()).toMatch(
        /--seed ignored: this data dir was seeded when it was created \(start with a new --data-dir, or --ephemeral, to seed it\)/,
      );
      expect(sandbox.output()).toMatch(/API keys: partner-admin, alice/);
    } finally {
      await sandbox.close();
    }
  });
});
