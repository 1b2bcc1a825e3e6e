/**
 * How every sandbox endpoint runs: authenticate, check media types, remove expired bindings when one
 * is due (so reads never show them), then the handler: in one database transaction when it writes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, PrincipalCache, TokenIssuer } from '../auth';
import type { SandboxClock } from '../clock';
import type { Db, Tx } from '../db';
import { sweepIfDue } from '../domain/expiry';
import { type PageRequest, pageRequest } from '../hal';
import { checkAccept, checkContentType } from '../media-types';
import { badRequest } from '../problem';

/**
 * `default`: meshStack's API plus the sandbox's extensions (/sandbox/v1) on the same port.
 * `meshstack`: the meshObject API alone, as a real meshStack serves it; the extensions (the
 * "panel": settings, approvals, clock, faults) listen on a control port of their own.
 */
export type Profile = 'default' | 'meshstack';

export interface SandboxState {
  readonly db: Db;
  readonly clock: SandboxClock;
  readonly tokens: TokenIssuer;
  readonly principals: PrincipalCache;
  /** True when bound to a loopback address: only then are dev credentials published. */
  readonly loopback: boolean;
  readonly profile: Profile;
  /** The base of every absolute link (meshStack's links carry the backend's own URL, whatever the client used). */
  publicUrl: string;
}

export interface RouteContext {
  readonly tx: Tx;
  readonly p: Principal;
  readonly now: Date;
  readonly base: string;
  readonly params: Record<string, string>;
  readonly query: Record<string, string | undefined>;
  readonly body: unknown;
  readonly headers: FastifyRequest['headers'];
  readonly profile: Profile;
  page(): PageRequest;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  /** meshObject kind and version for the vendor media type; extension routes use plain JSON. */
  readonly media?: { readonly kind: string; readonly version: string };
  readonly handler: (ctx: RouteContext) => Promise<RouteResult>;
}

export function parseJsonBody(raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') return raw;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (e) {
    throw badRequest(`malformed JSON request body: ${(e as Error).message}`);
  }
  checkInput(body, 'body');
  return body;
}

/** Deeper than any meshObject: a deeper body is an attack on the parser or the database, not data. */
const MAX_DEPTH = 32;

/**
 * What the database cannot hold is refused before anything is written: a NUL character (PostgreSQL
 * text has none) anywhere, in the body, the path or the query, and nesting beyond MAX_DEPTH.
 */
function checkInput(value: unknown, where: string, depth = 0): void {
  if (depth > MAX_DEPTH) throw badRequest(`${where} is nested more than ${MAX_DEPTH} levels deep`);
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw badRequest(`${where} contains a NUL character`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkInput(v, `${where}[${i}]`, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      checkInput(k, where, depth + 1);
      checkInput(v, `${where}.${k}`, depth + 1);
    }
  }
}

export function addRoute(app: FastifyInstance, state: SandboxState, spec: RouteSpec): void {
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const claims = state.tokens.verify(req.headers.authorization);
      const responseType = spec.media
        ? checkAccept(req.headers.accept, spec.media.kind, spec.media.version)
        : 'application/json';
      if (spec.media && (spec.method === 'POST' || spec.method === 'PUT'))
        checkContentType(req.headers['content-type'], spec.media.kind, spec.media.version);
      const body = parseJsonBody(req.body);
      const query = req.query as Record<string, string | undefined>;
      checkInput(req.params, 'path');
      checkInput(query, 'query');
      const now = state.clock.now();
      await sweepIfDue(state.db, now);
      const write = spec.method !== 'GET';
      if (write) state.principals.clear();
      const handle = async (tx: Tx) => {
        const p = await state.principals.get(tx, claims);
        return spec.handler({
          tx,
          p,
          now,
          base: state.publicUrl,
          profile: state.profile,
          params: req.params as Record<string, string>,
          query,
          body,
          headers: req.headers,
          page: () => pageRequest(query),
        });
      };
      // Writes are one transaction each; reads run statement by statement (see Db.read).
      const result = write
        ? await state.db
            .transaction(handle)
            // Cleared after the write too: a read that ran meanwhile may have cached what it changed.
            .finally(() => state.principals.clear())
        : await state.db.read(handle);
      reply.status(result.status);
      if (result.body === undefined) return reply.send();
      return reply.type(responseType).send(JSON.stringify(result.body));
    },
  });
}
