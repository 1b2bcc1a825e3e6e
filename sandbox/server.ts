/**
 * The sandbox: a local, meshStack-compatible platform server (HTTP, meshObject API subset, seed
 * rules, embedded Postgres) for the demo, the tests and anyone trying meshform without a meshStack.
 */
import { randomBytes } from 'crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import * as http from 'http';
import { LoginThrottle, PrincipalCache, TokenIssuer, findApiKey, login } from './auth';
import { SandboxClock } from './clock';
import { type Db, openDb } from './db';
import { getMeta, getSettings } from './domain/settings';
import { sweepIfDue } from './domain/expiry';
import { FaultInjector } from './faults';
import { HttpProblem, problemBody } from './problem';
import { SandboxStartError } from './util/errors';
import { registerExtensionRoutes } from './routes/extensions';
import { registerMeshObjectRoutes } from './routes/meshobjects';
import { type Profile, type SandboxState, parseJsonBody } from './routes/route';
import { DEFAULT_SEED, type Seed, applySeed, devLocalCredentials } from './seed';

/** The meshStack version the sandbox reports; meshform checks it like the official tools do. */
const SANDBOX_VERSION = '2026.34.0';

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
  /**
   * `meshstack` serves the meshObject API alone, as a real meshStack does, with the extensions on
   * a control port of their own. @default 'default'
   */
  readonly profile?: Profile;
  /** The base URL of every link in responses, e.g. a proxy's. @default the address it listens on */
  readonly publicUrl?: string;
  /** The control port of the meshstack profile. @default 0 (a free port) */
  readonly controlPort?: number;
  /** Time a client has to send a whole request, headers and body (a slow body holds no connection longer). @default 30000 */
  readonly requestTimeoutMs?: number;
}

export interface RunningSandbox {
  readonly url: string;
  readonly port: number;
  readonly profile: Profile;
  /** Where the extensions (/sandbox/v1) are: the API's own URL, or the meshstack profile's control port. */
  readonly controlUrl: string;
  readonly apiKeyNames: string[];
  /** A seed was given, and the data dir had been seeded before: it was not applied. */
  readonly seedIgnored: boolean;
  readonly faults: FaultInjector;
  readonly clock: SandboxClock;
  readonly db: Db;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The host name of a Host header (`[::1]:8080`, `localhost:8080`, `127.0.0.1`). */
function hostName(header: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(header) ?? /^([^:]+)(?::\d+)?$/.exec(header);
  return m ? m[1].toLowerCase() : '';
}

/**
 * Whether a request may get the dev credentials: asked under a loopback name, and not by a web page
 * of another origin. A page can make the browser send a request to a name it rebound to 127.0.0.1
 * (DNS rebinding); the Host header then carries that name, and the Origin header the page's.
 */
function fromLoopback(req: FastifyRequest): boolean {
  if (!isLoopback(hostName(req.headers.host ?? ''))) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return isLoopback(new URL(origin).hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
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
    return reply
      .status(status)
      .type('application/json')
      .send(problemBody(status, `injected fault ${fault}`, path, new Date()));
  });
  // The handler ran and committed; the client never hears of it.
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (!loseResponse.has(req)) return payload;
    reply.hijack();
    req.raw.socket.destroy();
    return payload;
  });
}

const LOGIN_BODY_LIMIT = 16 * 1024;

const NOT_FOUND_PAGE =
  '<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>';

/** A server with meshStack's error bodies; unknown paths get a JSON problem, or an HTML page as a real front end answers. */
function newApp(clock: SandboxClock, notFound: 'json' | 'html', requestTimeoutMs: number): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 4 * 1024 * 1024,
    // Node checks the deadlines every 30 s by default: checked often, a trickled request ends close to its timeout.
    serverFactory: (handler) =>
      http.createServer(
        {
          requestTimeout: requestTimeoutMs,
          headersTimeout: requestTimeoutMs,
          connectionsCheckingInterval: Math.max(100, Math.min(1000, requestTimeoutMs / 4)),
        },
        handler,
      ),
  });
  // The Date header tells the sandbox's own time, as a server's tells its clock (clients page up to it).
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('date', clock.now().toUTCString());
    return payload;
  });
  // Bodies are read as text and parsed by the routes, so vendor media types and bad JSON get meshStack's answers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (isDiskFull(err)) {
      // One line, not a stack: the write was rolled back, reads go on, and freeing space is the fix.
      process.stderr.write(
        `sandbox: ${req.method} ${req.url}: the data dir's disk is full (${err.message}); writes answer 507 until space is freed, reads go on\n`,
      );
      return reply
        .status(507)
        .type('application/json')
        .send(
          problemBody(
            507,
            'the sandbox cannot store this: its disk is full; nothing was changed (free space where its data dir is, then try again)',
            req.url.split('?')[0],
            clock.now(),
          ),
        );
    }
    const status =
      err instanceof HttpProblem ? err.status : err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    const message = err instanceof HttpProblem || status < 500 ? err.message : 'internal error';
    if (status >= 500) process.stderr.write(`sandbox: ${req.method} ${req.url}: ${err.stack ?? err.message}\n`);
    if (err instanceof HttpProblem) reply.headers(err.headers);
    return reply
      .status(status)
      .type('application/json')
      .send(problemBody(status, message, req.url.split('?')[0], clock.now()));
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    if (notFound === 'html') return reply.status(404).type('text/html; charset=utf-8').send(NOT_FOUND_PAGE);
    return reply
      .status(404)
      .type('application/json')
      .send(problemBody(404, `No endpoint ${req.method} ${path}`, path, clock.now()));
  });
  return app;
}

/** PostgreSQL's disk_full (53100), or the file system's ENOSPC as PostgreSQL words it. */
function isDiskFull(err: Error & { code?: string }): boolean {
  return err.code === '53100' || err.code === 'ENOSPC' || /No space left on device/i.test(err.message);
}

async function listen(app: FastifyInstance, port: number, host: string): Promise<string> {
  await app.listen({ port, host });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const db = await openDb(options.dataDir);
  const startedAt = new Date();
  const { offset, apiKeyNames, seedIgnored } = await db
    .transaction(async (tx) => {
      const applied = await applySeed(tx, options.seed ?? DEFAULT_SEED, startedAt);
      const seeded = await getMeta<{ apiKeys: Array<{ name?: string; clientId: string }> }>(tx, 'seed');
      return {
        offset: (await getMeta<number>(tx, 'clockOffsetMs')) ?? 0,
        apiKeyNames: (seeded?.apiKeys ?? []).map((k) => k.name ?? k.clientId),
        seedIgnored: options.seed !== undefined && !applied,
      };
    })
    .catch(async (e: unknown) => {
      await db.close();
      throw e;
    });
  const clock = new SandboxClock(offset);
  // Tokens are signed with a key of this process: a restart ends all sessions, as a re-deploy would.
  const tokens = new TokenIssuer(randomBytes(32).toString('base64url'), options.tokenTtlSeconds ?? 300);
  const profile = options.profile ?? 'default';
  const state: SandboxState = {
    db,
    clock,
    tokens,
    principals: new PrincipalCache(),
    loopback: isLoopback(host),
    profile,
    publicUrl: options.publicUrl ?? '',
  };
  const faults = new FaultInjector();
  const throttle = new LoginThrottle();

  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const app = newApp(clock, profile === 'meshstack' ? 'html' : 'json', requestTimeoutMs);
  installFaults(app, faults);

  // A login is two short strings: anything larger is refused before it is read (a flood of big bodies is no load).
  app.post('/api/login', { bodyLimit: LOGIN_BODY_LIMIT }, async (req, reply) => {
    // JSON only, as meshStack's login: a page can post text/plain or a form cross-site without asking the user.
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
      throw new HttpProblem(415, 'POST /api/login takes application/json: {"clientId": …, "clientSecret": …}');
    const body = parseJsonBody(req.body) as { clientId?: unknown; clientSecret?: unknown } | undefined;
    const attempt = `${String(body?.clientId)}@${req.ip}`;
    const wait = throttle.waitSeconds(attempt);
    if (wait)
      throw new HttpProblem(429, `too many failed logins for this key: try again in ${wait} s`, {
        'Retry-After': String(wait),
      });
    const principal = await login(
      (id) => db.transaction((tx) => findApiKey(tx, id)),
      body?.clientId,
      body?.clientSecret,
    ).catch((e: unknown) => {
      throttle.failed(attempt);
      throw e;
    });
    throttle.succeeded(attempt);
    const token = tokens.issue(principal);
    return reply
      .type('application/json')
      .send({ ...token, refresh_expires_in: 0, token_type: 'Bearer', 'not-before-policy': 0, scope: 'profile email' });
  });

  app.get('/mesh/info', async (req) =>
    db.transaction(async (tx) => ({
      version: SANDBOX_VERSION,
      is4EPEnabled: (await getSettings(tx)).fourEyes.enabled,
      metadata: { product: 'meshform sandbox' },
      adminWorkspaceIdentifier: 'meshform-admin',
      issuer: 'meshform-sandbox',
      // Only a sandbox bound to loopback publishes its credentials, as meshStack's dev stack does.
      ...(state.loopback && fromLoopback(req) ? { devLocalCredentials: await devLocalCredentials(tx) } : {}),
    })),
  );

  registerMeshObjectRoutes(app, state);
  // The meshstack profile keeps its API free of anything meshStack does not serve.
  const control = profile === 'meshstack' ? newApp(clock, 'json', requestTimeoutMs) : app;
  registerExtensionRoutes(control, state, faults);

  let url: string;
  let controlUrl: string;
  try {
    url = await listen(app, options.port ?? 0, host);
    controlUrl = control === app ? url : await listen(control, options.controlPort ?? 0, host);
  } catch (e) {
    // A port in use: nothing keeps running, and the data dir is free again.
    await Promise.allSettled([app.close(), control.close()]);
    await db.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'EADDRINUSE' || code === 'EACCES'
      ? new SandboxStartError('sandbox-listen', `cannot listen on ${host}: ${(e as Error).message}`)
      : e;
  }
  state.publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  const port = Number(new URL(url).port);
  const sweeper = setInterval(() => {
    sweepIfDue(db, clock.now()).catch((e) =>
      process.stderr.write(`sandbox: expiry sweep failed: ${(e as Error).message}\n`),
    );
  }, options.sweepIntervalMs ?? 5000);
  sweeper.unref();
  let closed = false;
  return {
    url,
    port,
    profile,
    controlUrl,
    apiKeyNames,
    seedIgnored,
    faults,
    clock,
    db,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      await app.close();
      if (control !== app) await control.close();
      await db.close();
    },
  };
}
