/** The `meshform` command line: thin commands that parse flags and call the core. */
import { Command, CommanderError } from 'commander';
import { isMeshformError } from '../../core/errors';
import { packageVersion } from '../../core/package-info';
import { printableLines } from '../../core/printable';
import { type CliContext, EXIT_CODES_HELP, ExitCode } from './context';
import { registerApply } from './commands/apply';
import { registerHistory } from './commands/history';
import { registerImport } from './commands/import';
import { registerInit } from './init';
import { registerMessage } from './commands/message';
import { registerPlan } from './commands/plan';
import { registerPolicy } from './commands/policy';
import { registerReconcile } from './commands/reconcile';
import { registerRequests } from './commands/requests';
import { registerShow } from './commands/show';
import { registerSynth } from './commands/synth';
import { registerTerraform } from './terraform';

/** Adds a command of another part (the sandbox): the entry point composes them, the controller does not import them. */
export type Registrar = (program: Command, ctx: CliContext, setExit: (code: number) => void) => void;

/** What scripts and CI rely on, in `meshform --help` (docs/cli.md documents the same). */
const HELP_AFTER = `${EXIT_CODES_HELP}
Environment:
  MESHSTACK_ENDPOINT               the platform's URL, e.g. https://meshstack.example.com
  MESHSTACK_API_KEY, MESHSTACK_API_SECRET
                                   an API key (client id) and its secret
  MESHSTACK_API_TOKEN              a bearer token; wins over key and secret (as meshStack's Terraform provider)
  MESHSTACK_SKIP_VERSION_CHECK     true: do not check the platform version
  MESHFORM_RETRY_BUDGET            how long a call retries transient failures (default 4m)
  MESHFORM_REQUEST_TIMEOUT         longest silence of a request (default 30s)
  MESHFORM_MAX_CONCURRENT_REQUESTS requests in flight (default 1 against a remote platform, 8 on loopback)
  MESHFORM_POLICY                  the organisation's policy file (plan, apply, reconcile, import: as --policy)
  MESHFORM_DEBUG                   1: stack traces of unexpected errors
  CI                               set: no colour, no progress, no prompts
`;

export function buildProgram(
  ctx: CliContext,
  setExit: (code: number) => void,
  more: readonly Registrar[] = [],
): Command {
  const program = new Command('meshform')
    .description('workspaces-as-code for meshStack')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .showHelpAfterError()
    .addHelpText('after', HELP_AFTER);
  registerSynth(program, ctx, setExit);
  registerPlan(program, ctx, setExit);
  registerApply(program, ctx, setExit);
  registerShow(program, ctx, setExit);
  registerReconcile(program, ctx, setExit);
  registerRequests(program, ctx, setExit);
  registerHistory(program, ctx, setExit);
  registerMessage(program, ctx, setExit);
  registerInit(program, ctx, setExit);
  registerImport(program, ctx, setExit);
  registerTerraform(program, ctx, setExit);
  registerPolicy(program, ctx, setExit);
  for (const register of more) register(program, ctx, setExit);
  return program;
}

/** Runs one invocation and returns its exit code; never calls process.exit. */
export async function runCli(argv: string[], ctx: CliContext, more: readonly Registrar[] = []): Promise<number> {
  let code: number = ExitCode.OK;
  const program = buildProgram(ctx, (c) => (code = c), more);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with code 0; parse errors were already printed by commander.
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.ERROR;
    }
    return reportError(err, ctx);
  }
}

function reportError(err: unknown, ctx: CliContext): number {
  if (isMeshformError(err)) {
    ctx.stderr(`Error: ${printableLines(err.message)}\n`);
    return err.errorClass === 'refused' ? ExitCode.REFUSED : ExitCode.ERROR;
  }
  // Unexpected: a bug. Say so plainly; the stack only with MESHFORM_DEBUG.
  const e = err instanceof Error ? err : new Error(String(err));
  ctx.stderr(`Error: ${printableLines(e.message)}\n${ctx.env.MESHFORM_DEBUG ? `${e.stack}\n` : ''}`);
  return ExitCode.ERROR;
}
