/**
 * An organisation's policy file (YAML): read, checked against schemas/policy.schema.json, every
 * expression compiled, and named by the sha256 of its canonical content, which the plan records.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { sha256Hex } from '../canonical-json';
import { InvalidFileError, UsageError } from '../errors';
import { validateAgainst } from '../json-schema';
import { type CompiledPolicy, type PolicySpec, PolicyError, compilePolicy } from './policy';

const POLICY_SCHEMA = 'policy.schema.json';

/** Where policies came from, as the plan's header lists them. */
export interface PolicySource {
  readonly source: string;
  readonly sha256: string;
  readonly policies: readonly CompiledPolicy[];
}

/** The parsed file (validated), for `meshform policy test`, which also reads the examples next to each policy. */
export function readPolicyDocument(file: string): { specs: PolicySpec[]; data: unknown } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`policy file ${file} not found`, 'file-not-found');
  }
  const doc = parseDocument(text);
  if (doc.errors.length)
    throw new InvalidFileError(
      file,
      'meshform policy file',
      doc.errors.map((e) => ({ path: '$', rule: 'yaml', message: e.message })),
    );
  const data: unknown = doc.toJS();
  const problems = validateAgainst(POLICY_SCHEMA, data);
  if (problems.length) throw new InvalidFileError(file, 'meshform policy file', problems);
  const specs = (data as { policies: PolicySpec[] }).policies;
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new PolicyError(`${file}: policy "${s.name}" is declared twice`);
    seen.add(s.name);
  }
  return { specs, data };
}

/** Reads and compiles a policy file: any bad policy fails here, before any platform call. */
export function loadPolicyFile(file: string, cwd: string = process.cwd()): PolicySource {
  const resolved = path.resolve(cwd, file);
  const { specs, data } = readPolicyDocument(resolved);
  return {
    source: path.relative(cwd, resolved).split(path.sep).join('/') || resolved,
    sha256: sha256Hex(data),
    policies: specs.map(compilePolicy),
  };
}
