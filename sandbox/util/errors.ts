/** Why the sandbox cannot start (a data dir that is not ours, a damaged one, a bad seed): the CLI prints it as a usage error. */
export class SandboxStartError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxStartError';
  }
}
