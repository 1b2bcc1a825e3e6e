import { runCli } from '../../controller/cli';
import type { CliContext } from '../../controller/cli/context';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `meshform <args>` in-process with captured output. */
export async function meshform(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTTY: false,
  };
  const code = await runCli(args, ctx);
  return { code, stdout, stderr };
}

export const REPO_ROOT = require('path').resolve(__dirname, '..', '..');
