import type { Command } from 'commander';
import type { CliContext } from '../context';
import type { ImportFlags } from '../import';
import { collectWorkspaces } from './common-flags';

/** `meshform import`'s flags; its action is loaded when it runs (../import.ts). */
export function registerImport(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('import')
    .description('write the code for what is live: synth then plan shows "No changes" (--check compares instead)')
    .option('--workspace <id>', 'import this workspace; repeat it, or separate with commas', collectWorkspaces)
    .option('--all', 'import every workspace the caller can see')
    .option('--out <dir>', 'where to write main.ts and workspaces/ (or workspaces.yaml)', '.')
    .option('--format <format>', 'ts (a file per workspace) or yaml (one data file)', 'ts')
    .option(
      '--binding-management <mode>',
      'additive (meshform never removes bindings it does not declare) or authoritative',
      'additive',
    )
    .option('--name <name>', "the stack name (default: cdktf.json's projectId, else the directory name)")
    .option('--force', 'overwrite files that exist')
    .option(
      '--no-claim',
      'do not record this stack as the owner of unowned workspaces: write adopt: true instead (the first plan shows the claim)',
    )
    .option(
      '--check',
      'write nothing: list live workspaces the code does not declare, declared ones whose plan has changes (exit 2 when any), and the policy findings on the estate (exit 3 when a policy refuses)',
    )
    .option('--manifest <file>', 'with --check: the manifest `meshform synth` wrote', 'out/meshform.json')
    .option(
      '--policy <file>',
      "with --check: the organisation's policy file to judge the estate with (default: $MESHFORM_POLICY)",
    )
    .option('--endpoint <url>', 'platform URL (default: $MESHSTACK_ENDPOINT)')
    .option(
      '--api-key <name>',
      'API key id (default: $MESHSTACK_API_KEY; the secret always comes from the environment)',
    )
    .action((flags: ImportFlags) => import('../import').then((c) => c.importCommand(ctx, setExit, flags)));
}
