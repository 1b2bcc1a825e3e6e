/** Scratch directories in the temp dir, per test file: setup.ts removes them once the file's sandboxes have stopped. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const made = new Set<string>();

/** A new empty directory `meshform-<prefix>-XXXXXX`, removed after the test file. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `meshform-${prefix}-`));
  made.add(dir);
  return dir;
}

export function removeScratchDirs(): void {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  made.clear();
}
