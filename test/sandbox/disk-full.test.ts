/**
 * A full disk: writes answer 507 with a clear message and are logged in one line, reads and
 * /mesh/info go on, and once space is freed writes work again. Needs a small file system of its own
 * (a tmpfs mount, so root); skipped with the reason where the machine does not allow it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PARTNER, type SandboxFixture, freshDataDir, sandboxFixture } from '../helpers/sandbox';

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-diskfull-'));
const mounted =
  process.platform === 'linux' &&
  spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', mountPoint]).status === 0;
if (!mounted)
  console.log(
    `skipped: the disk-full case needs a tmpfs of its own, and mounting one at ${mountPoint} is not allowed here (it needs root on Linux)`,
  );
const maybe = mounted ? describe : describe.skip;

maybe('sandbox on a full disk', () => {
  let f: SandboxFixture;
  const filler = path.join(mountPoint, 'filler');
  beforeAll(async () => {
    f = await sandboxFixture([], await freshDataDir(path.join(mountPoint, 'data')));
  });
  afterAll(async () => {
    await f?.sandbox.close();
    spawnSync('umount', [mountPoint]);
    fs.rmSync(mountPoint, { recursive: true, force: true });
  });

  test('writes answer 507 and change nothing; reads go on; freed space lets writes through again', async () => {
    const partner = f.as(PARTNER);
    const { bavail, bsize } = fs.statfsSync(mountPoint);
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 256 * 1024)));
    const statuses: number[] = [];
    let full: { status: number; data: { message: string } } | undefined;
    for (let i = 0; i < 5000 && !full; i++) {
      const res = await partner.createWorkspace(`full-${i}`, { displayName: 'x'.repeat(250) });
      statuses.push(res.status);
      if (res.status !== 201) full = res;
    }
    expect(full?.status).toBe(507);
    expect(full?.data.message).toMatch(/its disk is full; nothing was changed/);
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([201]));
    // The refused workspace is not there; the ones before it are; /mesh/info answers.
    const names = (
      await partner.mesh('workspace', 'GET', '/meshworkspaces?size=1000')
    ).data._embedded.meshWorkspaces.map((w: { metadata: { name: string } }) => w.metadata.name);
    expect(names).toContain(`full-${statuses.length - 2}`);
    expect(names).not.toContain(`full-${statuses.length - 1}`);
    expect((await f.http.get('/mesh/info')).status).toBe(200);
    expect(f.sandbox.output()).toMatch(
      /the data dir's disk is full .*writes answer 507 until space is freed, reads go on/,
    );
    fs.rmSync(filler);
    expect((await partner.createWorkspace('after-full')).status).toBe(201);
  });
});
