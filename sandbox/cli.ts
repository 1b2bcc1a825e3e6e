/**
 * `meshform sandbox`: the command that starts the sandbox. The CLI's entry point (bin/) composes it
 * with meshform's own commands; meshform's controller never imports the sandbox.
 */
import * as path from 'path';
import type { Command } from 'commander';
import { SandboxStartError } from './util/errors';

/** What the command needs of its surroundings (meshform's CLI context fits). */
export interface SandboxCommandContext {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function usage(message: string): never {
  throw new SandboxStartError('usage', message);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!allowed.includes(value as T)) usage(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

interface SandboxFlags {
  port: string;
  host: string;
  dataDir: string;
  ephemeral?: boolean;
  seed?: string;
  tokenTtl: string;
  profile: string;
  publicUrl?: string;
  controlPort: string;
  requestTimeout: string;
}

function positiveInt(value: string, flag: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) usage(`${flag} must be a whole number >= ${min}, got "${value}"`);
  return n;
}

/** Resolves on SIGINT/SIGTERM: the server runs until the user stops it. */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

export function registerSandbox(program: Command, ctx: SandboxCommandContext, setExit: (code: number) => void): void {
  program
    .command('sandbox')
    .description(
      'start a local meshStack-compatible platform server (meshObject API subset, seed rules, embedded database)',
    )
    .option('--port <port>', 'port to listen on (0: any free port)', '8080')
    .option('--host <host>', 'address to bind; dev credentials are published only on loopback', '127.0.0.1')
    .option('--data-dir <dir>', 'where the embedded database lives (kept across restarts)', '.meshform/sandbox')
    .option('--ephemeral', 'keep the data in memory only')
    .option('--seed <file.yaml>', 'principals, API keys, groups and settings for a new data dir')
    .option('--token-ttl <seconds>', 'bearer token lifetime', '300')
    .option(
      '--request-timeout <seconds>',
      'time a client has to send a whole request (a slow body is cut off with 408)',
      '30',
    )
    .option(
      '--profile <profile>',
      'default (meshStack API plus /sandbox/v1 extensions) or meshstack (the meshObject API alone, extensions on --control-port)',
      'default',
    )
    .option(
      '--public-url <url>',
      'base URL of the links in responses, as a backend behind a proxy writes them (default: the listening address)',
    )
    .option('--control-port <port>', 'port of the extensions with --profile meshstack (0: any free port)', '0')
    .action(async (flags: SandboxFlags, cmd: Command) => {
      const profile = oneOf(flags.profile, ['default', 'meshstack'] as const, '--profile');
      if (flags.ephemeral && cmd.getOptionValueSource('dataDir') === 'cli')
        usage('--ephemeral keeps the data in memory and --data-dir keeps it on disk: pass one of them');
      if (flags.publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(flags.publicUrl))
        usage(`--public-url must be an http(s) URL, got "${flags.publicUrl}"`);
      // Loaded here, not at start-up: every other command (and each Terraform anchor) starts without fastify and PGlite,
      // which are optional dependencies (npm install --omit=optional leaves them out).
      const [{ startSandbox, isLoopback }, { readSeedFile }] = await Promise.all([
        import('./server'),
        import('./seed'),
      ]).catch((e: NodeJS.ErrnoException) => {
        const missing = e.code === 'MODULE_NOT_FOUND' ? /Cannot find module '([^']+)'/.exec(e.message)?.[1] : undefined;
        if (missing && !missing.startsWith('.'))
          throw new SandboxStartError(
            'sandbox-dependencies',
            `meshform sandbox needs its optional dependencies (${missing} is not installed): npm install --include=optional`,
          );
        throw e;
      });
      const sandbox = await startSandbox({
        port: positiveInt(flags.port, '--port'),
        host: flags.host,
        dataDir: flags.ephemeral ? undefined : path.resolve(ctx.cwd, flags.dataDir),
        seed: flags.seed ? await readSeedFile(path.resolve(ctx.cwd, flags.seed)) : undefined,
        tokenTtlSeconds: positiveInt(flags.tokenTtl, '--token-ttl', 1),
        requestTimeoutMs: positiveInt(flags.requestTimeout, '--request-timeout', 1) * 1000,
        profile,
        publicUrl: flags.publicUrl,
        controlPort: positiveInt(flags.controlPort, '--control-port'),
      });
      ctx.stdout(
        `meshform sandbox listening on ${sandbox.url}\n` +
          `  data: ${flags.ephemeral ? 'in memory' : path.resolve(ctx.cwd, flags.dataDir)}\n` +
          `  profile: ${profile}${profile === 'meshstack' ? ' (the meshObject API alone, as meshStack serves it)' : ''}\n` +
          `  extensions: ${sandbox.controlUrl}/sandbox/v1 (not part of meshStack's API)\n` +
          `  API keys: ${sandbox.apiKeyNames.join(', ')}\n` +
          (sandbox.seedIgnored
            ? `  --seed ignored: this data dir was seeded when it was created (start with a new --data-dir, or --ephemeral, to seed it)\n`
            : '') +
          (isLoopback(flags.host)
            ? `  connect: MESHSTACK_ENDPOINT=${sandbox.url} MESHSTACK_API_KEY=<key name> (the secret is read from ${sandbox.url}/mesh/info on loopback)\n`
            : `  connect: MESHSTACK_ENDPOINT=${sandbox.url} MESHSTACK_API_KEY=<key name> MESHSTACK_API_SECRET=<its secret>; secrets are not published on ${flags.host} (not loopback): give each key's clientSecret in a --seed file\n`) +
          `  stop: Ctrl-C\n`,
      );
      const signal = await untilStopped();
      await sandbox.close();
      ctx.stderr(`sandbox stopped (${signal})\n`);
      setExit(0);
    });
}
