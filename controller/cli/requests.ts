import type { Command } from 'commander';
import { MeshformError } from '../../core/errors';
import type { ApiClient } from '../client/api';
import { printable } from '../../core/printable';
import type { RoleRequest } from '../client/types';
import { type CliContext, ExitCode } from './context';
import { connectFrom, oneOf } from './options';

interface RequestFlags {
  workspace?: string;
  status: string;
  format: string;
  endpoint?: string;
  apiKey?: string;
}

async function requireRequests(api: ApiClient): Promise<void> {
  if (!(await api.extensions.capabilities()).includes('role-requests')) {
    throw new MeshformError(
      'unsupported',
      'this platform has no API for pending role requests: approve them in meshPanel (Workspace Access > Access Requests)',
      'usage',
    );
  }
}

/** One request per line; platform text (names, the reason) escaped so that it cannot forge lines. */
function line(r: RoleRequest): string {
  const until = r.expiryDate ? ` until ${r.expiryDate}` : '';
  const why = r.reason ? `: ${JSON.stringify(r.reason)}` : '';
  return printable(
    `${r.id}  ${r.status.padEnd(9)} ${r.workspace}${r.project ? `/${r.project}` : ''}  ${r.subjectKind === 'Group' ? 'group' : 'user'} ${r.subject} → ${r.role}${until}  (requested by ${r.requestedBy}${why}; approvals: ${r.approvals.join(', ')})`,
  );
}

/** `meshform requests list|approve|decline`: answers 4-eyes requests with the caller's own key. */
export function registerRequests(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const requests = program
    .command('requests')
    .description('show and answer pending 4-eyes role requests as the caller');
  const connection = (cmd: Command) =>
    cmd
      .option('--endpoint <url>', 'platform URL (default: $MESHSTACK_ENDPOINT)')
      .option('--api-key <name>', 'API key id (default: $MESHSTACK_API_KEY)');
  connection(requests.command('list').description('pending requests the caller can see'))
    .option('--workspace <id>', 'only this workspace')
    .option('--status <status>', 'PENDING, APPROVED, DECLINED, CANCELLED or all', 'PENDING')
    .option('--format <format>', 'text or json', 'text')
    .action(async (flags: RequestFlags) => {
      const format = oneOf(flags.format, ['text', 'json'] as const, '--format');
      const api = await connectFrom(ctx, flags);
      await requireRequests(api);
      const list = await api.extensions.listRequests({
        ...(flags.workspace ? { workspaces: [flags.workspace] } : {}),
        status: flags.status === 'all' ? undefined : flags.status,
      });
      ctx.stdout(
        format === 'json'
          ? `${JSON.stringify(list, null, 2)}\n`
          : list.length
            ? `${list.map(line).join('\n')}\n`
            : 'No role requests.\n',
      );
      setExit(ExitCode.OK);
    });
  for (const decision of ['approve', 'decline'] as const) {
    connection(
      requests.command(`${decision} <id...>`).description(`${decision} requests as the caller (never your own)`),
    ).action(async (ids: string[], flags: RequestFlags) => {
      const api = await connectFrom(ctx, flags);
      await requireRequests(api);
      for (const id of ids) ctx.stdout(`${line(await api.extensions.decideRequest(id, decision))}\n`);
      setExit(ExitCode.OK);
    });
  }
}
