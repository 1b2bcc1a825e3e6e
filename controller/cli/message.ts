import * as fs from 'fs';
import * as path from 'path';
import { MeshformError, UsageError } from '../../core/errors';
import type { ApiClient } from '../client/api';
import type { CommunicationApi, MessageType } from '../client/communications';
import { renderMessages, renderSent } from '../render/messages';
import { type CliContext, ExitCode } from './context';
import { connectFrom, oneOf } from './options';

interface ConnectionFlags {
  endpoint?: string;
  apiKey?: string;
}

export interface SendFlags extends ConnectionFlags {
  title: string;
  message?: string;
  messageFile?: string;
  readMode: string;
  due?: string;
  name?: string;
  email: boolean;
  format: string;
}

export interface ListFlags extends ConnectionFlags {
  format: string;
}

/**
 * meshPanel's read modes ("Send messages to workspace users") as the API's message types: "single
 * read only" hides the message once one user has dealt with it, as an ACTION_REQUIRED communication
 * is resolved once for its workspace; "all must read" shows it to everyone, as a NOTIFICATION. The
 * API has no per-user acknowledgement: that everyone must acknowledge is not expressed.
 */
const READ_MODES: Record<'all' | 'single', MessageType> = { all: 'NOTIFICATION', single: 'ACTION_REQUIRED' };
const MAX_TITLE = 255;

function communications(api: ApiClient): CommunicationApi {
  if (!api.communications)
    throw new MeshformError(
      'unsupported',
      'this platform client cannot send messages: send them in meshPanel (Administration > Workspaces, the envelope icon)',
      'usage',
    );
  return api.communications;
}

function messageText(ctx: CliContext, flags: SendFlags): string {
  if ((flags.message === undefined) === (flags.messageFile === undefined))
    throw new UsageError('give the message with --message <text> or --message-file <path> (one of them)');
  const text = flags.message ?? readMessageFile(path.resolve(ctx.cwd, flags.messageFile!), flags.messageFile!);
  if (text.trim() === '') throw new UsageError('the message is empty');
  return text;
}

function readMessageFile(file: string, given: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --message-file ${given}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function dueDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!valid) throw new UsageError(`--due must be a date YYYY-MM-DD, got "${value}"`);
  return value;
}

export async function messageSendCommand(
  ctx: CliContext,
  setExit: (code: number) => void,
  workspaces: string[],
  flags: SendFlags,
): Promise<void> {
  const format = oneOf(flags.format, ['text', 'json'] as const, '--format');
  const mode = oneOf(flags.readMode, ['all', 'single'] as const, '--read-mode');
  const title = flags.title.trim();
  if (title === '' || title.length > MAX_TITLE) throw new UsageError(`--title must be 1 to ${MAX_TITLE} characters`);
  const text = messageText(ctx, flags);
  const due = dueDate(flags.due);
  const api = communications(await connectFrom(ctx, flags));
  const sent = await api.send(
    {
      displayName: (flags.name ?? title).slice(0, MAX_TITLE),
      title,
      message: text,
      type: READ_MODES[mode],
      ...(due ? { dueDate: due } : {}),
      ...(flags.email ? {} : { skipEmailNotifications: true }),
    },
    [...new Set(workspaces)],
  );
  ctx.stdout(format === 'json' ? `${JSON.stringify(sent, null, 2)}\n` : renderSent(title, sent));
  setExit(ExitCode.OK);
}

export async function messageListCommand(
  ctx: CliContext,
  setExit: (code: number) => void,
  workspace: string,
  flags: ListFlags,
): Promise<void> {
  const format = oneOf(flags.format, ['text', 'json'] as const, '--format');
  const list = await communications(await connectFrom(ctx, flags)).list(workspace);
  ctx.stdout(format === 'json' ? `${JSON.stringify(list, null, 2)}\n` : renderMessages(list));
  setExit(ExitCode.OK);
}
