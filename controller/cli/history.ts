import { ApiError, MeshformError, UsageError } from '../../core/errors';
import type { ApiClient } from '../client/api';
import { type EventLogEntry, projectOf } from '../client/event-log';
import { renderEventLog, renderHistory } from '../render/history';
import { type CliContext, ExitCode } from './context';
import { connectFrom, oneOf } from './options';

export interface HistoryFlags {
  project?: string;
  from?: string;
  until?: string;
  format: string;
  endpoint?: string;
  apiKey?: string;
}

/** A date (its midnight, UTC) or a date-time, as an instant; anything else is a usage error. */
function instant(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(`${flag} must be a date (YYYY-MM-DD) or a date-time, got "${value}"`);
  return at.toISOString();
}

/** meshStack's event log of one workspace; a key without the right to read it is told which right it needs. */
async function eventLogOf(api: ApiClient, workspace: string, from?: string, until?: string): Promise<EventLogEntry[]> {
  if (!api.eventLog)
    throw new MeshformError(
      'unsupported',
      "this platform's API has no workspace history: see it in meshPanel (the workspace's History)",
      'usage',
    );
  try {
    return await api.eventLog.list({ workspace, ...(from ? { from } : {}), ...(until ? { until } : {}) });
  } catch (e) {
    if (e instanceof ApiError && e.status === 403)
      throw new MeshformError(
        'history-forbidden',
        `the API key may not read the event log of workspace "${workspace}": it needs the EVENTLOG_LIST right (ADM_EVENTLOG_LIST for every workspace)`,
        'usage',
      );
    if (e instanceof ApiError && (e.status === 404 || e.status === 406))
      throw new MeshformError(
        'unsupported',
        "this platform's API has no event log: see the workspace's history in meshPanel",
        'usage',
      );
    throw e;
  }
}

export async function historyCommand(
  ctx: CliContext,
  setExit: (code: number) => void,
  workspace: string,
  flags: HistoryFlags,
): Promise<void> {
  const format = oneOf(flags.format, ['text', 'json'] as const, '--format');
  const from = instant(flags.from, '--from');
  const until = instant(flags.until, '--until');
  if (from && until && from > until)
    throw new UsageError(`--from ${from} is after --until ${until}: no event can match`);
  const inRange = (at: string) => (!from || at >= from) && (!until || at <= until);
  const api = await connectFrom(ctx, flags);
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  if ((await api.extensions.capabilities()).includes('events')) {
    const events = (await api.extensions.events(workspace)).filter(
      (e) => (flags.project === undefined || e.project === flags.project) && inRange(new Date(e.at).toISOString()),
    );
    ctx.stdout(format === 'json' ? json(events) : renderHistory(events));
  } else {
    const entries = (await eventLogOf(api, workspace, from, until)).filter(
      (e) => flags.project === undefined || projectOf(e) === flags.project,
    );
    ctx.stdout(format === 'json' ? json(entries) : renderEventLog(entries));
  }
  setExit(ExitCode.OK);
}
