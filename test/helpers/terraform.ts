import { spawnSync } from 'child_process';
import * as path from 'path';

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

export const TERRAFORM = terraformVersion();
if (!TERRAFORM) process.stdout.write('terraform is not on PATH: the tests that run it are skipped.\n');
