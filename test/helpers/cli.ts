import { type ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runMeshform } from '../../bin/program';
import type { CliContext } from '../../controller/cli/context';
import { scratchDir } from './scratch';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The built CLI, for tests that run meshform as a process of its own (to kill it, or race two). */
export const MESHFORM_BIN = path.join(REPO_ROOT, 'dist', 'bin', 'meshform.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `meshform <args>` in-process with captured output. */
export async function meshform(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTTY: false,
  };
  const code = await runMeshform(args, ctx);
  return { code, stdout, stderr };
}

/** Connection settings for talking to `url` with the API key `key` (on loopback the key name is enough). */
export function platformEnv(url: string, key: string): Record<string, string> {
  return { MESHSTACK_ENDPOINT: url, MESHSTACK_API_KEY: key, MESHSTACK_API_SECRET: '', MESHSTACK_API_TOKEN: '' };
}

/** Runs `meshform <args>` as its own process; resolves when it exits. */
export function meshformProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [MESHFORM_BIN, ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A scratch directory for manifests and plans; `json()` writes one and returns its path. */
export function scratch(prefix: string): {
  dir: string;
  json(name: string, content: unknown): string;
  dispose(): void;
} {
  const dir = scratchDir(prefix);
  return {
    dir,
    json: (name, content) => {
      const file = path.join(dir, name.endsWith('.json') ? name : `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(content));
      return file;
    },
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** "npm install" in a scratch repository: meshform and the compiler, linked from this checkout (no registry here); the PATH to use. */
export function linkMeshform(repo: string): string {
  fs.mkdirSync(path.join(repo, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(REPO_ROOT, path.join(repo, 'node_modules', 'meshform'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', 'typescript'), path.join(repo, 'node_modules', 'typescript'));
  fs.symlinkSync(
    path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    path.join(repo, 'node_modules', '.bin', 'tsc'),
  );
  return `${path.join(repo, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`;
}
