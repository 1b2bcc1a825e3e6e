/**
 * `terraform apply` of a synthesized estate against the sandbox, with its three anchor set-ups: one
 * anchor per workspace run through npx (the default), the same with TF_VAR_meshform_command pointing
 * at node, and one anchor for the whole stack. Times the first apply and the apply after one
 * workspace changed in code. This is what docs/terraform.md's advice on anchor modes rests on.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from '../constructs/cdktf';
import { AnchorScope, type MeshStackProps } from '../constructs';
import { packageRoot } from '../core/package-info';
import { spawnSandbox } from '../sandbox/spawn';
import { EstateStack } from './estate';

export interface AnchorTiming {
  readonly anchors: 'per workspace' | 'per stack';
  readonly command: 'npx --no-install meshform' | 'node dist/bin/meshform.js';
  readonly resources: number;
  readonly firstApplySeconds: number;
  /** After one workspace's display name changed: Terraform replaces the anchors that stand for it. */
  readonly oneChangedApplySeconds: number;
  readonly replacedOnChange: number;
}

const VARIANTS: Array<{ anchors: AnchorTiming['anchors']; command: AnchorTiming['command']; props: MeshStackProps }> = [
  { anchors: 'per workspace', command: 'npx --no-install meshform', props: {} },
  { anchors: 'per workspace', command: 'node dist/bin/meshform.js', props: {} },
  { anchors: 'per stack', command: 'npx --no-install meshform', props: { anchorScope: AnchorScope.STACK } },
];

function seconds(run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  return Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(2));
}

export async function timeAnchors(workspaces: number): Promise<AnchorTiming[]> {
  const root = packageRoot();
  // Inside the package, so the anchors' `npx --no-install meshform` finds it, as in a user's project.
  fs.mkdirSync(path.join(root, '.meshform'), { recursive: true });
  const out: AnchorTiming[] = [];
  for (const v of VARIANTS) {
    const dir = fs.mkdtempSync(path.join(root, '.meshform', 'bench-anchors-'));
    const sandbox = await spawnSandbox(path.join(dir, 'sandbox'), [], 60_000);
    try {
      const synth = (rename: boolean) => {
        const app = new App({ skipValidation: true, outdir: path.join(dir, 'cdktf.out') });
        new EstateStack(app, 'estate', workspaces, v.props, rename);
        app.synth();
      };
      const stackDir = path.join(dir, 'cdktf.out', 'stacks', 'estate');
      fs.writeFileSync(path.join(dir, 'cli.tfrc'), '');
      const env = {
        ...process.env,
        CHECKPOINT_DISABLE: '1',
        TF_IN_AUTOMATION: '1',
        TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'),
        TF_VAR_meshstack_endpoint: sandbox.url,
        MESHSTACK_API_KEY: 'partner-admin',
        ...(v.command.startsWith('node')
          ? { TF_VAR_meshform_command: `${process.execPath} ${path.join(root, 'dist', 'bin', 'meshform.js')}` }
          : {}),
      };
      const terraform = (...args: string[]) => {
        const r = spawnSync('terraform', [...args, '-input=false', '-no-color'], {
          cwd: stackDir,
          env,
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
        });
        if (r.status !== 0) throw new Error(`terraform ${args[0]} failed: ${r.stderr.slice(-2000)}`);
        return r.stdout;
      };
      synth(false);
      terraform('init');
      let applied = '';
      const firstApplySeconds = seconds(() => (applied = terraform('apply', '-auto-approve')));
      const resources = Number(/Resources: (\d+) added/.exec(applied)?.[1] ?? 0);
      synth(true);
      const oneChangedApplySeconds = seconds(() => (applied = terraform('apply', '-auto-approve')));
      out.push({
        anchors: v.anchors,
        command: v.command,
        resources,
        firstApplySeconds,
        oneChangedApplySeconds,
        replacedOnChange: Number(/Resources: (\d+) added/.exec(applied)?.[1] ?? 0),
      });
    } finally {
      await sandbox.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}
