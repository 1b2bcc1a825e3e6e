import type { Command } from 'commander';
import { MeshformError } from '../../core/errors';
import { renderHistory } from '../render/history';
import { type CliContext, ExitCode } from './context';
import { connectFrom, oneOf } from './options';

interface HistoryFlags {
  project?: string;
  format: string;
  endpoint?: string;
  apiKey?: string;
}

/** `meshform history <workspace>`: who changed what, when and why, from the platform's workspace history. */
export function registerHistory(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('history <workspace>')
    .description(
      'who changed what in a workspace, when and why (the reason a grant was given in code; expiries labelled)',
    )
    .option('--project <id>', 'only this project')
    .option('--format <format>', 'text or json', 'text')
    .option('--endpoint <url>', 'platform URL (default: $MESHSTACK_ENDPOINT)')
    .option('--api-key <name>', 'API key id (default: $MESHSTACK_API_KEY)')
    .action(async (workspace: string, flags: HistoryFlags) => {
      const format = oneOf(flags.format, ['text', 'json'] as const, '--format');
      const api = await connectFrom(ctx, flags);
      if (!(await api.extensions.capabilities()).includes('events')) {
        throw new MeshformError(
          'unsupported',
          "this platform's API has no workspace history: see it in meshPanel (the workspace's History)",
          'usage',
        );
      }
      const events = (await api.extensions.events(workspace)).filter(
        (e) => flags.project === undefined || e.project === flags.project,
      );
      ctx.stdout(format === 'json' ? `${JSON.stringify(events, null, 2)}\n` : renderHistory(events));
      setExit(ExitCode.OK);
    });
}
