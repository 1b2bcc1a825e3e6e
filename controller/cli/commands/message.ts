import type { Command } from 'commander';
import type { CliContext } from '../context';
import { addConnectionOptions } from './common-flags';
import type { ListFlags, SendFlags } from '../message';

/** `meshform message send|list`: messages to the users of workspaces (meshStack's communications). */
export function registerMessage(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const message = program
    .command('message')
    .description(
      "send messages to workspaces' users, and list those sent (meshStack's communications; a partner's right)",
    );
  addConnectionOptions(
    message.command('send <workspace...>').description('send one message to the users of each workspace'),
  )
    .requiredOption('--title <text>', 'the message title')
    .option('--message <text>', 'the message (markdown)')
    .option('--message-file <path>', 'read the message (markdown) from a file')
    .option(
      '--read-mode <mode>',
      'all: everyone sees it (NOTIFICATION); single: done once one user has dealt with it (ACTION_REQUIRED)',
      'all',
    )
    .option('--due <date>', 'the due date (YYYY-MM-DD)')
    .option('--name <text>', "the message's name in meshPanel's communication center (default: the title)")
    .option('--no-email', 'do not e-mail the users (they see it in meshPanel)')
    .option('--format <format>', 'text or json', 'text')
    .action((workspaces: string[], flags: SendFlags) =>
      import('../message').then((c) => c.messageSendCommand(ctx, setExit, workspaces, flags)),
    );
  addConnectionOptions(
    message.command('list <workspace>').description('the messages sent to a workspace, oldest first'),
  )
    .option('--format <format>', 'text or json', 'text')
    .action((workspace: string, flags: ListFlags) =>
      import('../message').then((c) => c.messageListCommand(ctx, setExit, workspace, flags)),
    );
}
