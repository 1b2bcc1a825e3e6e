import { MeshformError } from '../../core/errors';
import type { ApiClient } from '../client/api';
import { printable } from '../../core/printable';
import type { RoleRequest } from '../client/types';
import { type CliContext, ExitCode } from './context';
import { connectFrom, oneOf } from './options';

export interface RequestFlags {
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

export async function requestsListCommand(
  ctx: CliContext,
  setExit: (code: number) => void,
  flags: RequestFlags,
): Promise<void> {
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
}

export async function requestsDecideCommand(
  ctx: CliContext,
  setExit: (code: number) => void,
  decision: 'approve' | 'decline',
  ids: string[],
  flags: RequestFlags,
): Promise<void> {
  const api = await connectFrom(ctx, flags);
  await requireRequests(api);
  for (const id of ids) ctx.stdout(`${line(await api.extensions.decideRequest(id, decision))}\n`);
  setExit(ExitCode.OK);
}
