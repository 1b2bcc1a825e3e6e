/** Reading `meshform.json`: JSON, then the schema, then the platform rules; every problem named by JSON path. */
import * as fs from 'fs';
import type { DesiredState } from '../schemas/desired-state.generated';
import { validateDesiredState } from './desired-state-rules';
import { type Finding, InvalidFileError, UsageError, messages } from './errors';
import { validateAgainst } from './json-schema';

export const DESIRED_STATE_SCHEMA = 'desired-state.schema.json';

export interface LoadedManifest {
  readonly state: DesiredState;
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
    throw new InvalidFileError(file, `meshform ${what}`, [{ path: '$', rule: 'json', message: messages.fileNotJson((e as Error).message) }]);
  }
}

/** Checks an in-memory manifest; throws InvalidFileError naming `source` when it is not valid. */
export function checkDesiredState(data: unknown, source: string, now: Date): LoadedManifest {
  const schemaProblems = validateAgainst(DESIRED_STATE_SCHEMA, data);
  if (schemaProblems.length) throw new InvalidFileError(source, 'meshform manifest', schemaProblems);
  const state = data as DesiredState;
  const findings = validateDesiredState(state, now);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length) throw new InvalidFileError(source, 'meshform manifest', errors.map((f) => ({ path: f.path, rule: f.rule, message: f.message })));
  return { state, warnings: findings.filter((f) => f.severity === 'warning') };
}

export function loadDesiredState(file: string, now: Date): LoadedManifest {
  return checkDesiredState(parseJsonFile(file, 'manifest', 'Run `meshform synth` first, or pass --manifest <file>.'), file, now);
}
