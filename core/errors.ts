/**
 * meshform's typed errors. Every error has a stable `code` that scripts and tests can rely on, and
 * every message says what went wrong, the value received, and what to do. Messages are built here and
 * nowhere else. Check types with the `isX()` functions: errors may cross module copies (jest, dist).
 */

/** Who has to act, which decides exit code and retry behaviour. */
export type ErrorClass = 'usage' | 'terminal' | 'transient' | 'refused' | 'internal';

const BRAND = Symbol.for('meshform.error');

export class MeshformError extends Error {
  public readonly [BRAND] = true;
  constructor(
    public readonly code: string,
    message: string,
    public readonly errorClass: ErrorClass,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function isMeshformError(x: unknown): x is MeshformError {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] === true;
}

/** A problem found in the desired state: where (JSON path and, at synth time, construct path) and which rule. */
export interface Finding {
  readonly severity: 'error' | 'warning';
  /** Stable rule id, e.g. `owner-limit`. */
  readonly rule: string;
  /** JSON path into the manifest, e.g. `$.workspaces[0].bindings[2]`. */
  readonly path: string;
  readonly message: string;
}

export function formatFinding(f: Finding, location: string = f.path): string {
  return `[${location}] ${f.message} (rule: ${f.rule})`;
}

/** Synth-time validation failed: all errors of the app at once, each with its construct path. */
export class ValidationError extends MeshformError {
  constructor(public readonly errors: ReadonlyArray<{ location: string; message: string }>) {
    super(
      'validation-failed',
      `meshform validation failed with ${errors.length} error(s):\n` +
        errors.map(({ location, message }) => `  [${location}] ${message}`).join('\n'),
      'usage',
    );
  }
}

/** An input file (manifest, plan) is not valid: names the file, the JSON paths and the rules. */
export class InvalidFileError extends MeshformError {
  constructor(
    public readonly file: string,
    public readonly what: string,
    public readonly problems: ReadonlyArray<{ path: string; rule: string; message: string }>,
  ) {
    super(
      'invalid-file',
      `${file} is not a valid ${what} (${problems.length} problem(s)):\n` +
        problems.map((p) => `  ${p.path}: ${p.message} (rule: ${p.rule})`).join('\n'),
      'usage',
    );
  }
}

export function isInvalidFileError(x: unknown): x is InvalidFileError {
  return isMeshformError(x) && x.code === 'invalid-file';
}

/** Bad flags, missing files, missing configuration: nothing was called yet. */
export class UsageError extends MeshformError {
  constructor(message: string, code = 'usage') {
    super(code, message, 'usage');
  }
}

export function isUsageError(x: unknown): x is MeshformError {
  return isMeshformError(x) && x.errorClass === 'usage';
}

export const messages = {
  fileNotFound: (file: string, what: string, hint: string) => `${what} ${file} does not exist. ${hint}`,
  fileNotJson: (detail: string) => `not valid JSON: ${detail}`,
  appFailed: (cmd: string, code: number | null, stderrTail: string) =>
    `the CDKTF app \`${cmd}\` exited with code ${code}.${stderrTail ? `\n${stderrTail}` : ''}`,
  noApp: () =>
    'no app to synthesize: pass --app "<command>" or run in a directory whose cdktf.json has an "app" entry.',
  noMeshformStack: (outdir: string) =>
    `the app wrote no meshform.json under ${outdir}: add a MeshStack (or Workspace constructs in a TerraformStack) to the app.`,
  manyStacks: (names: string[]) =>
    `the app has ${names.length} stacks with meshform constructs (${names.join(', ')}): pass --stack <name> to pick one.`,
  unknownStack: (name: string, names: string[]) =>
    `no stack named "${name}" with meshform constructs; found: ${names.join(', ') || 'none'}.`,
  manifestExists: (path: string) =>
    `a meshform Manifest already exists at ${path}: create it (or the MeshStack) before the first Workspace, or drop the extra one.`,
} as const;

/**
 * A platform call failed. `transient` errors (network, timeouts, 429, 502/503/504) were retried
 * within the budget; `terminal` ones (400/401/403/404/409 …) are the platform's answer. The message
 * names the call and the platform's message, never headers, tokens or secrets.
 */
export class ApiError extends MeshformError {
  constructor(
    public readonly method: string,
    public readonly path: string,
    public readonly status: number | undefined,
    public readonly platformMessage: string,
    transient: boolean,
  ) {
    super(
      status === undefined ? 'api-unreachable' : `api-${status}`,
      `${method} ${path} failed: ${status === undefined ? platformMessage : `${status} ${platformMessage}`}`,
      transient ? 'transient' : 'terminal',
    );
  }

  public isNotFound(): boolean {
    return this.status === 404;
  }

  public isConflict(): boolean {
    return this.status === 409;
  }
}

export function isApiError(x: unknown): x is ApiError {
  return isMeshformError(x) && (x.code.startsWith('api-') || x.code === 'api-unreachable');
}

/** The platform answered with something that is not the documented shape: never guess a plan from it. */
export class MalformedResponseError extends MeshformError {
  constructor(method: string, path: string, problem: string) {
    super('api-malformed-response', `${method} ${path} returned an unexpected response: ${problem}`, 'terminal');
  }
}

/**
 * The platform's answer is beyond what meshform reads: a body larger than the limit
 * (`api-response-too-large`), or a list whose pages never end or keep changing while it is read
 * (`api-list-unstable`). A broken or hostile server; never retried, never guessed from.
 */
export class ResponseLimitError extends MeshformError {
  constructor(code: 'api-response-too-large' | 'api-list-unstable', method: string, path: string, problem: string) {
    super(code, `${method} ${path} returned more than meshform reads: ${problem}`, 'terminal');
  }
}

/** A request body meshform cannot serialise (nesting too deep for JSON.stringify): nothing was sent, and retrying cannot help. */
export class RequestUnserialisableError extends MeshformError {
  constructor(method: string, path: string, problem: string) {
    super(
      'request-unserialisable',
      `${method} ${path} was not sent: its body cannot be written as JSON (${problem}); check the values declared for it (nesting this deep is not data meshStack takes)`,
      'terminal',
    );
  }
}

/** The plan would break a platform invariant; nothing is applied (exit code 3). */
export class PlanRefusedError extends MeshformError {
  constructor(public readonly reasons: ReadonlyArray<{ workspace: string; rule: string; message: string }>) {
    super(
      'plan-refused',
      `the plan is refused:\n${reasons.map((r) => `  [${r.workspace}] ${r.message} (rule: ${r.rule})`).join('\n')}`,
      'refused',
    );
  }
}

/** The plan is not the one a reviewer approved by its digest (`apply --expect-digest`): nothing is applied. */
export class DigestMismatchError extends MeshformError {
  constructor(expected: string, actual: string) {
    super(
      'plan-digest-differs',
      `the plan is not the reviewed one: its digest is ${actual}, the reviewed plan's is ${expected}. Nothing was applied; review the new plan (meshform plan) and apply it by its digest.`,
      'usage',
    );
  }
}

/**
 * A saved plan is not what the code and the platform give now (the platform changed, part of it was
 * applied, or the file was altered): refuse it and ask for a new plan. `changes` say which steps differ.
 */
export class StalePlanError extends MeshformError {
  constructor(
    public readonly workspaces: string[],
    public readonly changes: readonly string[] = [],
  ) {
    const shown = changes
      .slice(0, 10)
      .map((c) => `\n  ${c}`)
      .join('');
    const more = changes.length > 10 ? `\n  … and ${changes.length - 10} more` : '';
    super(
      'plan-stale',
      `the saved plan is stale: the code and the platform give another plan now (workspaces: ${workspaces.join(', ')}):${shown}${more}\nRun \`meshform plan\` again and review the new plan.`,
      'usage',
    );
  }
}
