/** What a command needs from its surroundings, injectable so commands run in-process in tests. */
export interface CliContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colour and progress only on a terminal, never in CI. */
  readonly isTTY: boolean;
}

/** Exit codes, as documented in docs/cli.md; scripts rely on them. */
export const ExitCode = {
  OK: 0,
  ERROR: 1,
  CHANGES: 2,
  REFUSED: 3,
  PENDING_APPROVAL: 4,
} as const;

/** The exit codes as `--help` lists them, under meshform's and under each platform command's help. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success, or no changes
  1  error (a usage error exits before any platform call; a stale or changed saved plan is an error)
  2  changes present (plan --detailed-exitcode)
  3  the plan is refused: it breaks a platform rule
  4  applied, but some grants wait for a second approval (4-eyes)
`;

export function processContext(): CliContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.CI,
  };
}
