/**
 * Reading `meshform.json`: JSON, then the schema, then the platform rules; every problem named by
 * JSON path. The rules that need no clock run at once (before any platform call); the ones that
 * compare expiries run with the command's one "now" (`checkTimedRules`), the platform's where it has a clock.
 */
import * as fs from 'fs';
import type { DesiredState } from '../schemas/desired-state.generated';
import { checkStructure, checkTimed } from './desired-state-rules';
import { type Finding, InvalidFileError, UsageError, messages } from './errors';
import { validateAgainst } from './json-schema';

export const DESIRED_STATE_SCHEMA = 'desired-state.schema.json';

export interface LoadedManifest {
  readonly state: DesiredState;
  /** Where it came from, for error messages. */
  readonly source: string;
  readonly warnings: Finding[];
}

export function parseJsonFile(file: string, what: string, hint: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(messages.fileNotFound(file, what, hint), 'file-not-found');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidFileError(file, `meshform ${what}`, [
      { path: '$', rule: 'json', message: messages.fileNotJson((e as Error).message) },
    ]);
  }
}

function refuseErrors(source: string, findings: Finding[]): Finding[] {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length)
    throw new InvalidFileError(
      source,
      'meshform manifest',
      errors.map((f) => ({ path: f.path, rule: f.rule, message: f.message })),
    );
  return findings.filter((f) => f.severity === 'warning');
}

/** The schema and the rules that need no clock; throws InvalidFileError naming `source`. */
function checkDesiredStateStructure(data: unknown, source: string): LoadedManifest {
  const schemaProblems = validateAgainst(DESIRED_STATE_SCHEMA, data);
  if (schemaProblems.length) throw new InvalidFileError(source, 'meshform manifest', schemaProblems);
  const state = data as DesiredState;
  return { state, source, warnings: refuseErrors(source, checkStructure(state)) };
}

/** The rules that compare expiries with `now`; the manifest's warnings so far plus these. */
export function checkTimedRules(manifest: LoadedManifest, now: Date): LoadedManifest {
  return {
    ...manifest,
    warnings: [...manifest.warnings, ...refuseErrors(manifest.source, checkTimed(manifest.state, now))],
  };
}

/** Every check at once, for an in-memory manifest and one clock. */
export function checkDesiredState(data: unknown, source: string, now: Date): LoadedManifest {
  return checkTimedRules(checkDesiredStateStructure(data, source), now);
}

export function readManifest(file: string): LoadedManifest {
  return checkDesiredStateStructure(
    parseJsonFile(file, 'manifest', 'Run `meshform synth` first, or pass --manifest <file>.'),
    file,
  );
}

export function loadDesiredState(file: string, now: Date): LoadedManifest {
  return checkTimedRules(readManifest(file), now);
}
