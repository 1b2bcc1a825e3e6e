/**
 * ajv (draft 2020-12) validation of meshform's own files, with errors that name the JSON path and
 * the rule. Validators are compiled once per process.
 */
import Ajv2020, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as fs from 'fs';
import * as path from 'path';

export interface SchemaProblem {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}

// if/then sub-schemas name properties without repeating their types; that is what the strict checks flag.
// verbose: each error carries the value it is about, so that a message names it.
const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, strictTypes: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

/** The directory holding the *.schema.json files, from the sources and from dist/ alike. */
export function schemaPath(file: string): string {
  const candidates = [path.resolve(__dirname, '../schemas', file), path.resolve(__dirname, '../../schemas', file)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`schema ${file} not found next to ${__dirname}`);
  return found;
}

/** The schemas refer to each other by $id (the plan's tag definitions are the manifest's, the manifest's policies the policy file's): all are added first. */
const SCHEMA_FILES = ['desired-state.schema.json', 'plan.schema.json', 'policy.schema.json'] as const;
let added = false;

function validator(file: string): ValidateFunction {
  if (!added) {
    for (const f of SCHEMA_FILES) ajv.addSchema(JSON.parse(fs.readFileSync(schemaPath(f), 'utf8')) as AnySchema, f);
    added = true;
  }
  let v = compiled.get(file);
  if (!v) {
    v = ajv.getSchema(file) ?? ajv.compile(JSON.parse(fs.readFileSync(schemaPath(file), 'utf8')));
    compiled.set(file, v);
  }
  return v;
}

/** `/workspaces/0/bindings/1` → `$.workspaces[0].bindings[1]` */
export function toJsonPath(pointer: string): string {
  if (pointer === '') return '$';
  return (
    '$' +
    pointer
      .split('/')
      .slice(1)
      .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((seg) =>
        /^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_][\w-]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`,
      )
      .join('')
  );
}

function describe(e: ErrorObject): SchemaProblem {
  let where = e.instancePath;
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    where = `${where}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    message = 'is not a known property';
  } else if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    where = `${where}/${missing}`;
    message = 'is required';
  } else if (e.keyword === 'enum') {
    message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (e.keyword === 'const') {
    message = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
  }
  return { path: toJsonPath(where), rule: `schema:${e.keyword}`, message: `${message}${got(e)}` };
}

/** `, got "Workspace Manger"`: the bad value itself where it is a short scalar (an object or list is named by its path). */
function got(e: ErrorObject): string {
  if (e.keyword === 'required' || e.keyword === 'additionalProperties') return '';
  const value: unknown = e.data;
  if (value !== null && typeof value === 'object') return '';
  const text = JSON.stringify(value) ?? String(value);
  return `, got ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

/** Validates `data` against a schema of ours; returns problems, most specific first, without `if` noise. */
export function validateAgainst(file: string, data: unknown): SchemaProblem[] {
  const v = validator(file);
  if (v(data)) return [];
  const seen = new Set<string>();
  return (v.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map(describe)
    .filter((p) => {
      const k = `${p.path}|${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}
