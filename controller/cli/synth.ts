import * as path from 'path';
import { loadDesiredState } from '../../core/manifest-file';
import { synthesize } from '../synth/run-app';
import { type CliContext, ExitCode } from './context';

export interface SynthFlags {
  app?: string;
  out: string;
  stack?: string;
}

/** A path relative to the working directory when it is inside it, else absolute. */
function display(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

export async function synthCommand(ctx: CliContext, setExit: (code: number) => void, flags: SynthFlags): Promise<void> {
  const out = path.resolve(ctx.cwd, flags.out);
  const result = synthesize({ app: flags.app, out, stack: flags.stack, cwd: ctx.cwd, env: ctx.env });
  for (const a of result.annotations) ctx.stderr(`${a.level}: [${a.constructPath}] ${a.message}\n`);
  // Re-read through the same loader plan and apply use, so synth never writes what they would reject.
  const { state } = loadDesiredState(result.manifestFile, new Date());
  const projects = state.workspaces.reduce((n, w) => n + w.projects.length, 0);
  const bindings = state.workspaces.reduce(
    (n, w) => n + w.bindings.length + w.projects.reduce((m, p) => m + p.bindings.length, 0),
    0,
  );
  ctx.stdout(
    `Synthesized stack "${result.stack}": ${state.workspaces.length} workspace(s), ${projects} project(s), ${bindings} binding(s)\n` +
      `  ${display(ctx.cwd, result.manifestFile)}\n  ${display(ctx.cwd, result.terraformFile)}\n`,
  );
  setExit(ExitCode.OK);
}
