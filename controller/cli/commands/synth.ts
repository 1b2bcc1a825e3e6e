import type { Command } from 'commander';
import type { CliContext } from '../context';
import type { SynthFlags } from '../synth';

/** `meshform synth`'s flags; its action is loaded when it runs (../synth.ts). */
export function registerSynth(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('synth')
    .description('run the CDKTF app and write meshform.json (desired state) and cdk.tf.json (Terraform) to --out')
    .option('--app <command>', 'command that runs the CDKTF app (default: "app" from cdktf.json)')
    .option('--out <dir>', 'output directory', 'out')
    .option('--stack <name>', 'stack to synthesize when the app has several')
    .action((flags: SynthFlags) => import('../synth').then((c) => c.synthCommand(ctx, setExit, flags)));
}
