import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from '../../constructs/cdktf';
import { MeshStack, type MeshStackProps } from '../../constructs';
import { NOW_CONTEXT_KEY } from '../../constructs/private/names';
import type { DesiredState } from '../../schemas/desired-state.generated';
import { scratchDir } from './scratch';

/** The instant every construct test runs at, so expiry rules give the same result on any day. */
export const TEST_NOW = '2026-11-25T12:00:00Z';

export function testStack(props: MeshStackProps = {}, now: string = TEST_NOW): MeshStack {
  const app = Testing.app();
  app.node.setContext(NOW_CONTEXT_KEY, now);
  return new MeshStack(app, 'test', props);
}

/** Runs the stack's full synthesizer (aspects, validations, custom synthesis) and reads its outputs. */
export function synthOutputs(stack: MeshStack): {
  manifest: DesiredState;
  manifestText: string;
  terraform: Record<string, any>;
} {
  const outdir = Testing.fullSynth(stack);
  const dir = path.join(outdir, 'stacks', stack.node.id);
  const manifestText = fs.readFileSync(path.join(dir, 'meshform.json'), 'utf8');
  return {
    manifest: JSON.parse(manifestText),
    manifestText,
    terraform: JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')),
  };
}

/** The validation report of a stack (cdktf's `[path] message` lines), or [] when it is valid. */
export function validationErrors(stack: MeshStack): string[] {
  try {
    Testing.synth(stack, true);
    return [];
  } catch (e) {
    return (e as Error).message
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('['));
  }
}

export function appWithNow(now: string = TEST_NOW, skipValidation = false): App {
  const outdir = scratchDir('app');
  return new App({ outdir, skipValidation, context: { [NOW_CONTEXT_KEY]: now } });
}
