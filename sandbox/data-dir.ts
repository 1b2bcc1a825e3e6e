/**
 * The sandbox's data dir on disk: private to its owner (it holds the dev secret the published
 * credentials derive from), held by one process at a time (two servers on one database lose
 * acknowledged writes), and created whole or not at all.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SandboxStartError } from './util/errors';

const LOCK = 'sandbox.lock';
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists, it is another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A held lock: release() removes it (once). */
export interface DataDirLock {
  release(): void;
}

/**
 * Takes the data dir's lock, or says who holds it. A lock whose process is gone (a crash, SIGKILL)
 * is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', FILE_MODE);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          fs.rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new SandboxStartError(
          'sandbox-data-dir-locked',
          `data dir ${dataDir} is in use by another sandbox (PID ${holder}); stop it, or start with another --data-dir.`,
        );
      }
      if (holder === process.pid)
        throw new SandboxStartError(
          'sandbox-data-dir-locked',
          `data dir ${dataDir} is already open in this process; use another --data-dir.`,
        );
      // Its holder is gone: take it over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new SandboxStartError(
    'sandbox-data-dir-locked',
    `data dir ${dataDir}: could not take its lock; is another sandbox starting on it?`,
  );
}

/** Owner-only modes on the data dir and everything in it (the database writes files with its own modes). */
export function makePrivate(dir: string): void {
  fs.chmodSync(dir, DIR_MODE);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makePrivate(p);
    else if (entry.isFile()) fs.chmodSync(p, FILE_MODE);
  }
}

/**
 * Creates a data dir whole: `build` fills a private directory next to it, which is renamed into
 * place only when complete, so a kill during creation never leaves a half-made data dir behind
 * (the next start creates it again). An empty directory at `dataDir` is replaced.
 */
export async function createDataDir(dataDir: string, build: (dir: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(path.resolve(dataDir));
  fs.mkdirSync(parent, { recursive: true });
  const partial = fs.mkdtempSync(path.join(parent, `.${path.basename(dataDir)}.creating-`));
  try {
    await build(partial);
    makePrivate(partial);
    fs.renameSync(partial, dataDir);
  } catch (e) {
    fs.rmSync(partial, { recursive: true, force: true });
    // Another sandbox created it meanwhile: the lock decides which one serves it.
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && fs.existsSync(dataDir)) return;
    throw e;
  }
}
