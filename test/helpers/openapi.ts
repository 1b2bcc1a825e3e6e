/**
 * Contract checks against meshStack's published OpenAPI document (the subset in
 * test/fixtures/openapi): which operation a request hits, and whether a body fits its schema.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';

type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const DOC: Doc = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'openapi', 'meshstack-openapi-subset.json'), 'utf8'),
);

/** The generated request schemas mark the response-only `_links` as required; requests never carry it. */
function withoutRequiredLinks(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutRequiredLinks);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node))
    out[k] = k === 'required' && Array.isArray(v) ? v.filter((x) => x !== '_links') : withoutRequiredLinks(v);
  return out;
}

function makeAjv(doc: unknown): Ajv {
  // OpenAPI 3.0 schemas: `nullable` is understood by ajv; `example` is documentation.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(doc as object, 'oa');
  return ajv;
}

const responseAjv = makeAjv(DOC);
const requestAjv = makeAjv(withoutRequiredLinks(DOC));
const cache = new Map<string, ValidateFunction>();

function validator(ajv: Ajv, ref: string, which: string): ValidateFunction {
  const key = `${which}:${ref}`;
  if (!cache.has(key)) cache.set(key, ajv.compile({ $ref: `oa${ref}` }));
  return cache.get(key)!;
}

export interface Operation {
  readonly template: string;
  readonly method: string;
  readonly spec: any;
}

export function operationFor(method: string, url: string): Operation | undefined {
  const pathname = new URL(url, 'http://x').pathname;
  for (const [template, ops] of Object.entries(DOC.paths)) {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const spec = ops[method.toLowerCase()];
    if (spec && re.test(pathname)) return { template, method: method.toUpperCase(), spec };
  }
  return undefined;
}

function schemaRef(content: Record<string, any> | undefined): string | undefined {
  const first = content
    ? Object.entries(content).find(([type]) => type !== 'application/x-www-form-urlencoded')
    : undefined;
  return first?.[1]?.schema?.$ref;
}

/** Problems of a response against the operation's documented status and schema ([] when it fits). */
export function checkResponse(op: Operation, status: number, body: unknown): string[] {
  const documented = op.spec.responses?.[String(status)];
  if (!documented)
    return [
      `${op.method} ${op.template}: status ${status} is not documented (documented: ${Object.keys(op.spec.responses ?? {}).join(', ')})`,
    ];
  const ref = schemaRef(documented.content);
  if (!ref) return [];
  const v = validator(responseAjv, ref, 'response');
  return v(body)
    ? []
    : (v.errors ?? []).map((e) => `${op.method} ${op.template} ${status}: ${e.instancePath || '/'} ${e.message}`);
}

/** Problems of a request body against the operation's request schema ([] when it fits). */
export function checkRequest(op: Operation, body: unknown): string[] {
  const ref = schemaRef(op.spec.requestBody?.content);
  if (!ref) return [];
  const v = validator(requestAjv, ref, 'request');
  return v(body)
    ? []
    : (v.errors ?? []).map((e) => `${op.method} ${op.template} request: ${e.instancePath || '/'} ${e.message}`);
}

export function documentedOperations(): Array<{ method: string; template: string }> {
  return Object.entries(DOC.paths).flatMap(([template, ops]) =>
    Object.keys(ops).map((m) => ({ method: m.toUpperCase(), template })),
  );
}
