import type { Command } from 'commander';
import type { CliContext } from '../context';
import { addConnectionOptions } from './common-flags';
import type { HistoryFlags } from '../history';

/**
 * `meshform history <workspace>`: who changed what, when and why. From the sandbox's history
 * extension where the platform has it, else from meshStack's event log.
 */
export function registerHistory(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  addConnectionOptions(
    program
      .command('history <workspace>')
      .description(
        'who changed what in a workspace, when and why (the reason a grant was given in code; expiries labelled); on meshStack, its event log',
      )
      .option('--project <id>', 'only this project')
      .option('--from <date>', 'only events at or after this date (YYYY-MM-DD, UTC) or date-time')
      .option('--until <date>', 'only events at or before this date (YYYY-MM-DD, UTC) or date-time')
      .option('--format <format>', 'text or json', 'text'),
  ).action((workspace: string, flags: HistoryFlags) =>
    import('../history').then((c) => c.historyCommand(ctx, setExit, workspace, flags)),
  );
}
