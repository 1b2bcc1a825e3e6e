/**
 * The sandbox: a local, meshStack-compatible platform server (HTTP, meshObject API subset, seed
 * rules, embedded Postgres) for the demo, the tests and anyone trying meshform without a meshStack.
 */
import { randomBytes } from 'crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { PrincipalCache, TokenIssuer, login } from './auth';
import { SandboxClock } from './clock';
import { type Db, openDb } from './db';
import { getMeta, getSettings } from './domain/settings';
import { sweepIfDue } from './domain/expiry';
import { FaultInjector } from './faults';
import { HttpProblem, problemBody } from './problem';
import { registerExtensionRoutes } from './routes/extensions';
import { registerMeshObjectRoutes } from './routes/meshobjects';
import { type SandboxState, parseJsonBody } from './routes/route';
import { DEFAULT_SEED, type Seed, applySeed, devLocalCredentials } from './seed';

/** The meshStack version the sandbox reports; meshform checks it like the official tools do. */
export const SANDBOX_VERSION = '2026.34.0';

export interface SandboxOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Where the database lives. @default in memory (nothing survives the process) */
  readonly dataDir?: string;
  /** Principals and starting data for a new data dir. @default DEFAULT_SEED */
  readonly seed?: Seed;
  /** Bearer token lifetime. @default 300, as meshStack */
  readonly tokenTtlSeconds?: number;
  /** How often expired bindings are removed in the background. @default 5000 */
  readonly sweepIntervalMs?: number;
}

export interface RunningSandbox {
  readonly url: string;
  readonly port: number;
  readonly apiKeyNames: string[];
  readonly faults: FaultInjector;
  readonly clock: SandboxClock;
  readonly db: Db;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Faults apply to the platform API (login and meshObjects), never to /mesh/info or the extensions. */
function installFaults(app: FastifyInstance, faults: FaultInjector): void {
  const loseResponse = new WeakSet<FastifyRequest>();
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0];
    if (!path.startsWith('/api/')) return;
    const { latencyMs, fault } = faults.decide(req.method, path);
    if (latencyMs) await sleep(latencyMs);
    if (!fault) return;
    if (fault === 'drop-response') {
      loseResponse.add(req);
      return;
    }
    if (fault === 'drop' || fault === 'timeout') {
      if (fault === 'timeout') await sleep(faults.current.timeoutMs);
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    const status = Number(fault);
    if (status === 429) reply.header('Retry-After', String(faults.current.retryAfterSeconds));
    return reply.status(status).type('application/json').send(problemBody(status, `injected fault ${fault}`, path, new Date()));
  });
  // The handler ran and committed; the client never hears of it.
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (!loseResponse.has(req)) return payload;
    reply.hijack();
    req.raw.socket.destroy();
    return payload;
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const db = await openDb(options.dataDir);
  const startedAt = new Date();
  const { offset, apiKeyNames } = await db.transaction(async (tx) => {
    await applySeed(tx, options.seed ?? DEFAULT_SEED, startedAt);
    const seeded = await getMeta<{ apiKeys: Array<{ clientId: string }> }>(tx, 'seed');
    return { offset: (await getMeta<number>(tx, 'clockOffsetMs')) ?? 0, apiKeyNames: (seeded?.apiKeys ?? []).map((k) => k.clientId) };
  });
  const clock = new SandboxClock(offset);
  // Tokens are signed with a key of this process: a restart ends all sessions, as a re-deploy would.
  const tokens = new TokenIssuer(randomBytes(32).toString('base64url'), options.tokenTtlSeconds ?? 300);
  const state: SandboxState = { db, clock, tokens, principals: new PrincipalCache(), loopback: isLoopback(host) };
  const faults = new FaultInjector();

  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  // Bodies are read as text and parsed by the routes, so vendor media types and bad JSON get meshStack's answers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  installFaults(app, faults);
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err instanceof HttpProblem ? err.status : err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    const message = err instanceof HttpProblem || status < 500 ? err.message : 'internal error';
    if (status >= 500) process.stderr.write(`sandbox: ${req.method} ${req.url}: ${err.stack ?? err.message}\n`);
    return reply.status(status).type('application/json').send(problemBody(status, message, req.url.split('?')[0], clock.now()));
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).type('application/json').send(problemBody(404, 'No endpoint ' + req.method + ' ' + req.url.split('?')[0], req.url.split('?')[0], clock.now())));

  app.post('/api/login', async (req, reply) => {
    const body = parseJsonBody(req.body) as { clientId?: unknown; clientSecret?: unknown } | undefined;
    const principal = await db.transaction((tx) => login(tx, body?.clientId, body?.clientSecret));
    const token = tokens.issue(principal);
    return reply.type('application/json').send({ ...token, refresh_expires_in: 0, token_type: 'Bearer', 'not-before-policy': 0, scope: 'profile email' });
  });

  app.get('/mesh/info', async () =>
    db.transaction(async (tx) => ({
      version: SANDBOX_VERSION,
      is4EPEnabled: (await getSettings(tx)).fourEyes.enabled,
      metadata: { product: 'meshform sandbox' },
      adminWorkspaceIdentifier: 'meshform-admin',
      issuer: 'meshform-sandbox',
      // Only a sandbox bound to loopback publishes its credentials, as meshStack's dev stack does.
      ...(state.loopback ? { devLocalCredentials: await devLocalCredentials(tx) } : {}),
    })),
  );

  registerMeshObjectRoutes(app, state);
  registerExtensionRoutes(app, state, faults);

  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port ?? 0;
  const sweeper = setInterval(() => {
    sweepIfDue(db, clock.now()).catch((e) => process.stderr.write(`sandbox: expiry sweep failed: ${(e as Error).message}\n`));
  }, options.sweepIntervalMs ?? 5000);
  sweeper.unref();
  let closed = false;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    apiKeyNames,
    faults,
    clock,
    db,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      await app.close();
      await db.close();
    },
  };
}
