import type { Command } from 'commander';
import type { CliContext } from '../context';
import { addConnectionOptions } from './common-flags';
import type { RequestFlags } from '../requests';

/** `meshform requests list|approve|decline`: answers 4-eyes requests with the caller's own key. */
export function registerRequests(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const requests = program
    .command('requests')
    .description('show and answer pending 4-eyes role requests as the caller');
  addConnectionOptions(requests.command('list').description('pending requests the caller can see'))
    .option('--workspace <id>', 'only this workspace')
    .option('--status <status>', 'PENDING, APPROVED, DECLINED, CANCELLED or all', 'PENDING')
    .option('--format <format>', 'text or json', 'text')
    .action((flags: RequestFlags) => import('../requests').then((c) => c.requestsListCommand(ctx, setExit, flags)));
  for (const decision of ['approve', 'decline'] as const) {
    addConnectionOptions(
      requests.command(`${decision} <id...>`).description(`${decision} requests as the caller (never your own)`),
    ).action((ids: string[], flags: RequestFlags) =>
      import('../requests').then((c) => c.requestsDecideCommand(ctx, setExit, decision, ids, flags)),
    );
  }
}
