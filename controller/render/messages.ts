/** Messages to workspace users in words. Their text comes from the platform: every line is made printable. */
import { printable, printableLines } from '../../core/printable';
import type { SentMessage, WorkspaceMessage } from '../client/communications';

/** How the panel's read modes show in the API's types (see cli/message.ts). */
const MODE: Record<string, string> = { NOTIFICATION: 'all must read', ACTION_REQUIRED: 'single read' };

export function renderSent(title: string, sent: SentMessage): string {
  return `${sent.sent.map((s) => printable(`sent "${title}" to workspace ${s.workspace} (communication ${s.uuid})`)).join('\n')}\n`;
}

export function renderMessages(messages: readonly WorkspaceMessage[]): string {
  if (!messages.length) return 'No messages.\n';
  return `${messages
    .map((m) => {
      const head = `${m.sentAt?.replace(/\.\d+Z$/, 'Z') ?? '(no date)'}  ${m.type} (${MODE[m.type] ?? 'unknown read mode'})${m.dueDate ? `, due ${m.dueDate}` : ''}  ${m.title}`;
      const body = printableLines(m.message)
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
      return `${printable(head)}\n${body}`;
    })
    .join('\n\n')}\n`;
}
