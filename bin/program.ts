/**
 * The composition root: meshform's commands (controller/cli) and the sandbox's (`meshform sandbox`),
 * the one place both parts meet. Tests and the demo run the CLI through here, as `bin/meshform` does.
 */
import type { Command } from 'commander';
import { type Registrar, buildProgram, runCli } from '../controller/cli';
import type { CliContext } from '../controller/cli/context';
import { registerSandbox } from '../sandbox/cli';

const COMMANDS: readonly Registrar[] = [registerSandbox];

export function meshformProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  return buildProgram(ctx, setExit, COMMANDS);
}

export function runMeshform(argv: string[], ctx: CliContext): Promise<number> {
  return runCli(argv, ctx, COMMANDS);
}
