import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './cli';
import { scratchDir } from './scratch';

/** The terraform binary's version, or undefined when none is on PATH (tests then skip and say why). */
export function terraformVersion(): string | undefined {
  const r = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: terraformEnv() });
  if (r.status !== 0) return undefined;
  return (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
}

export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_CLI_CONFIG_FILE: path.join(__dirname, '..', 'fixtures', 'terraform', 'cli.tfrc'),
    ...extra,
  };
}

export function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync('terraform', [...args, '-no-color'], { cwd, encoding: 'utf8', env: terraformEnv(env) });
}

export interface DebugProvider {
  /** For terraform's environment: its commands use this process instead of starting the provider (3 to 4 starts a command). */
  readonly env: { readonly TF_REATTACH_PROVIDERS: string };
  readonly pid: number;
  /** Sends `signal` unless the process has ended; resolves with its exit code once it has. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `terraform-provider-meshform --debug` from dist/ with `startEnv` as its environment (it keeps
 * it: per command, configure it through the provider block). Killed if the test process exits first.
 */
export async function startDebugProvider(startEnv: NodeJS.ProcessEnv): Promise<DebugProvider> {
  // stderr to a file: terraform runs synchronously, and a full pipe nobody reads would block the provider.
  const log = fs.openSync(path.join(scratchDir('tf-debug-provider'), 'stderr.log'), 'a');
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'dist', 'bin', 'terraform-provider-meshform.js'), '--debug'],
    { env: { ...process.env, ...startEnv }, stdio: ['ignore', 'pipe', log] },
  );
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const kill = () => child.kill();
  process.once('exit', kill);
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    process.off('exit', kill);
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) =>
      reject(new Error(`terraform-provider-meshform --debug exited (${code}) before serving`)),
    );
  });
  const reattach = /^TF_REATTACH_PROVIDERS='(.+)'$/.exec(line)?.[1];
  if (!reattach) {
    await stop();
    throw new Error(`terraform-provider-meshform --debug announced ${JSON.stringify(line)}`);
  }
  return { env: { TF_REATTACH_PROVIDERS: reattach }, pid: child.pid!, stop };
}

/** One debug provider per test file, started in beforeAll and stopped in afterAll: call it in a describe body. */
export function debugProviderPerFile(startEnv: () => NodeJS.ProcessEnv): () => DebugProvider {
  let provider: DebugProvider | undefined;
  beforeAll(async () => {
    provider = await startDebugProvider(startEnv());
  });
  afterAll(async () => {
    await provider?.stop();
  });
  return () => {
    if (!provider) throw new Error('the debug provider has not started (its beforeAll failed)');
    return provider;
  };
}

export const TERRAFORM = terraformVersion();
if (!TERRAFORM) process.stdout.write('terraform is not on PATH: the tests that run it are skipped.\n');
