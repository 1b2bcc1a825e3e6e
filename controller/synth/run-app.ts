/**
 * `meshform synth`: runs the CDKTF app the way `cdktf synth` does (CDKTF_OUTDIR, context from the
 * environment), then copies the chosen stack's `cdk.tf.json` and `meshform.json` into the output
 * directory. The files are byte-identical to what `cdktf synth` leaves in cdktf.out/stacks/<name>/.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError, messages } from '../../core/errors';

export interface SynthOptions {
  /** Shell command that runs the app; defaults to cdktf.json's "app" in `cwd`. */
  readonly app?: string;
  /** Directory to write meshform.json and cdk.tf.json to. */
  readonly out: string;
  /** Stack to take when the app has several with meshform constructs. */
  readonly stack?: string;
  readonly cwd: string;
  /** Extra environment for the app. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface SynthAnnotation {
  readonly level: 'warning' | 'info' | 'error';
  readonly constructPath: string;
  readonly message: string;
}

export interface SynthResult {
  readonly stack: string;
  readonly manifestFile: string;
  readonly terraformFile: string;
  readonly annotations: SynthAnnotation[];
}

interface CdktfManifest {
  stacks: Record<
    string,
    {
      workingDirectory: string;
      synthesizedStackPath: string;
      annotations: { level: string; constructPath: string; message: string }[];
    }
  >;
}

function resolveAppCommand(app: string | undefined, cwd: string): string {
  if (app) return app;
  const configFile = path.join(cwd, 'cdktf.json');
  if (fs.existsSync(configFile)) {
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { app?: string };
    if (config.app) return config.app;
  }
  throw new UsageError(messages.noApp(), 'no-app');
}

export function synthesize(options: SynthOptions): SynthResult {
  const app = resolveAppCommand(options.app, options.cwd);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-synth-'));
  try {
    const run = spawnSync(app, {
      cwd: options.cwd,
      shell: true,
      encoding: 'utf8',
      env: { ...process.env, ...options.env, CDKTF_OUTDIR: tmp, CHECKPOINT_DISABLE: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) {
      throw new UsageError(
        messages.appFailed(
          app,
          run.status,
          errorReport(`${run.stderr ?? ''}${run.error ? String(run.error) : ''}`, run.stdout ?? ''),
        ),
        'app-failed',
      );
    }
    const manifestPath = path.join(tmp, 'manifest.json');
    if (!fs.existsSync(manifestPath)) throw new UsageError(messages.noMeshformStack(tmp), 'no-meshform-stack');
    const cdktf = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as CdktfManifest;
    const candidates = Object.entries(cdktf.stacks).filter(([, s]) =>
      fs.existsSync(path.join(tmp, s.workingDirectory, 'meshform.json')),
    );
    const names = candidates.map(([n]) => n);
    if (candidates.length === 0) throw new UsageError(messages.noMeshformStack(options.out), 'no-meshform-stack');
    let chosen = candidates[0];
    if (options.stack) {
      const found = candidates.find(([n]) => n === options.stack);
      if (!found) throw new UsageError(messages.unknownStack(options.stack, names), 'unknown-stack');
      chosen = found;
    } else if (candidates.length > 1) {
      throw new UsageError(messages.manyStacks(names), 'many-stacks');
    }
    const [name, stack] = chosen;
    fs.mkdirSync(options.out, { recursive: true });
    const manifestFile = path.join(options.out, 'meshform.json');
    const terraformFile = path.join(options.out, 'cdk.tf.json');
    copyAtomically(path.join(tmp, stack.workingDirectory, 'meshform.json'), manifestFile);
    copyAtomically(path.join(tmp, stack.synthesizedStackPath), terraformFile);
    const annotations = (stack.annotations ?? []).map((a) => ({
      level: a.level.includes('warn')
        ? ('warning' as const)
        : a.level.includes('error')
          ? ('error' as const)
          : ('info' as const),
      constructPath: a.constructPath,
      message: a.message,
    }));
    return { stack: name, manifestFile, terraformFile, annotations };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A TypeScript diagnostic as tsc prints it: `main.ts(12,5): error TS2345: …`, or `main.ts:12:5 - error TS2345: …` (pretty). */
const TS_DIAGNOSTIC = /(\(\d+,\d+\):|:\d+:\d+ -) error TS\d+: /;
const REPORT_MAX_LINES = 40;

/**
 * The part of an app's output a user needs: the compiler's diagnostics with file and line (tsc prints
 * them on stdout, ts-node on stderr), else from the first `SomethingError: ` line of stderr to where
 * the stack trace starts (the validation report), else the last lines of stderr, or of stdout.
 */
export function errorReport(stderr: string, stdout = ''): string {
  const diagnostics = [stderr, stdout].flatMap((text) => {
    const lines = text.split('\n');
    // A diagnostic and its indented continuation lines (the rest of a long message).
    return lines.flatMap((l, i) =>
      TS_DIAGNOSTIC.test(l) ? [l, ...takeWhile(lines.slice(i + 1), (x) => /^\s+\S/.test(x) && !/^\s+at /.test(x))] : [],
    );
  });
  if (diagnostics.length) return diagnostics.slice(0, REPORT_MAX_LINES).join('\n');
  const lines = stderr.trimEnd().split('\n');
  const start = lines.findIndex((l) => /^[A-Za-z]*Error: /.test(l));
  if (start >= 0) {
    const end = lines.findIndex((l, i) => i > start && /^\s+at /.test(l));
    return lines.slice(start, end < 0 ? undefined : end).join('\n');
  }
  return (stderr.trim() ? lines : stdout.trimEnd().split('\n')).slice(-REPORT_MAX_LINES).join('\n');
}

function takeWhile<T>(xs: T[], p: (x: T) => boolean): T[] {
  const n = xs.findIndex((x) => !p(x));
  return n < 0 ? xs : xs.slice(0, n);
}

/** A reader never sees a half-written file: write next to the target, then rename. */
function copyAtomically(from: string, to: string): void {
  const partial = `${to}.partial`;
  fs.copyFileSync(from, partial);
  fs.renameSync(partial, to);
}
