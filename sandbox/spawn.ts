/**
 * Runs `meshform sandbox` as a process of its own on a free loopback port, as users run it: the
 * tests, the benchmarks and the reliability suites talk to it over real HTTP only (PGlite also needs
 * dynamic import, which jest's module VM does not offer).
 */
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
/** The package root, from the sources (sandbox/) under jest and from dist/sandbox/ alike. */
function packageRoot(): string {
  const up = path.resolve(__dirname, '..');
  return path.basename(up) === 'dist' ? path.dirname(up) : up;
}

/** The built CLI. */
const BIN = path.join(packageRoot(), 'dist', 'bin', 'meshform.js');

export interface SandboxProcess {
  readonly url: string;
  /** Where /sandbox/v1 is served: the API's URL, or the control port with --profile meshstack. */
  readonly controlUrl: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Peak resident memory of the sandbox process so far, in MB (Linux; undefined elsewhere). */
  peakRssMb(): number | undefined;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Stops it like Ctrl-C and waits for the exit. */
  close(): Promise<void>;
}

/**
 * Resolves once the sandbox says where it listens, rejects if it exits first. Without
 * `startTimeoutMs` it waits as long as the start takes (tests: a busy machine must not fail them).
 */
export async function spawnSandbox(
  dataDir: string,
  args: string[] = [],
  startTimeoutMs?: number,
): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const [url, controlUrl] = await new Promise<[string, string]>((resolve, reject) => {
    const timer =
      startTimeoutMs === undefined
        ? undefined
        : setTimeout(
            () => reject(new Error(`sandbox did not start in ${startTimeoutMs / 1000} s: ${err}`)),
            startTimeoutMs,
          );
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      const c = /extensions: (http:\/\/\S+)\/sandbox\/v1/.exec(out);
      if (m && c) {
        clearTimeout(timer);
        resolve([m[1], c[1]]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code}: ${err}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    controlUrl,
    dataDir,
    child,
    output: () => `${out}${err}`,
    peakRssMb: () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Math.round(Number(m[1]) / 1024) : undefined;
      } catch {
        return undefined;
      }
    },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
