import * as path from 'path';
import type { Command } from 'commander';
import { loadDesiredState } from '../../core/manifest-file';
import { synthesize } from '../synth/run-app';
import { type CliContext, ExitCode } from './context';

interface SynthFlags {
  app?: string;
  out: string;
  stack?: string;
}

export function registerSynth(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('synth')
    .description('run the CDKTF app and write meshform.json (desired state) and cdk.tf.json (Terraform) to --out')
    .option('--app <command>', 'command that runs the CDKTF app (default: "app" from cdktf.json)')
    .option('--out <dir>', 'output directory', 'out')
    .option('--stack <name>', 'stack to synthesize when the app has several')
    .action((flags: SynthFlags) => {
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
    });
}

/** A path relative to the working directory when it is inside it, else absolute. */
function display(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
