/** Checks command lines in documents (the README and docs/, the example workflow) against the real CLI. */
import type { Command } from 'commander';
import { meshformProgram } from '../../bin/program';

const program = meshformProgram(
  { cwd: '.', env: {}, stdout: () => undefined, stderr: () => undefined, isTTY: false },
  () => undefined,
);
const SHELL_OPERATORS = new Set(['>', '>>', '|', '||', '&&', ';', '2>&1']);

/** The `meshform …` invocations in a text, as argument lists (after `npx`/`npx --no-install`, up to a shell operator). */
export function meshformCommands(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    const m = /(?:^|[\s(])(?:npx (?:--no-install )?)?meshform (.+)$/.exec(line.replace(/#.*$/, ''));
    // `npm install meshform` names the package, not a command.
    if (!m || !m[1].trim()) continue;
    const args: string[] = [];
    for (const token of m[1].trim().split(/\s+/)) {
      if (SHELL_OPERATORS.has(token)) break;
      args.push(token);
    }
    out.push(args);
  }
  return out;
}

/** What is wrong with a meshform command line: an unknown command, or a flag the command does not have. */
export function commandProblems(argv: string[]): string[] {
  let cmd: Command = program;
  let i = 0;
  for (; i < argv.length && !argv[i].startsWith('-'); i++) {
    const sub = cmd.commands.find((c) => c.name() === argv[i]);
    if (!sub) break;
    cmd = sub;
  }
  if (cmd === program && !argv.some((a) => a === '--version' || a === '-V' || a === '--help'))
    return [`"meshform ${argv.join(' ')}": no such command`];
  const known = new Set(cmd.options.flatMap((o) => [o.long, o.short]).filter(Boolean) as string[]);
  ['--help', '-h'].forEach((h) => known.add(h));
  return argv
    .slice(i)
    .filter((a) => a.startsWith('-') && a !== '--')
    .map((a) => a.split('=')[0])
    .filter((flag) => !known.has(flag))
    .map((flag) => `"meshform ${argv.join(' ')}": ${cmd.name()} has no flag ${flag}`);
}
