/**
 * The meshObject API over HTTP (axios), written against how meshStack behaves (its OpenAPI document
 * and its Terraform provider): API-key login with the token refreshed before it expires, versioned
 * media types per kind, paging by page number in a stable order (links carry the backend's own URL),
 * PUT as a full rewrite of the object as read, retries as meshStack's own clients (reads and
 * idempotent writes, never a POST), a timeout of silence, bounded answers, one request at a time per
 * key against a remote platform, and typed errors that never carry credentials.
 */
import { createHash } from 'crypto';
import axios, { type AxiosInstance } from 'axios';
import type { Readable } from 'stream';
import {
  ApiError,
  MalformedResponseError,
  RequestUnserialisableError,
  ResponseLimitError,
  UsageError,
  isApiError,
  isMeshformError,
} from '../../core/errors';
import { packageVersion } from '../../core/package-info';
import { printable } from '../../core/printable';
import { foreignWorkspace } from '../../core/rules';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import {
  type ApiClient,
  type BindingFilter,
  type ProjectFilter,
  RequestStats,
  type UserFilter,
  type WorkspaceFilter,
  type WorkspacesFilter,
} from './api';
import { BodyTooLarge, SilenceTimer, readBody } from './private/read-body';
import { type CommunicationApi, communicationApi } from './communications';
import { type EventLogApi, eventLogApi, normalizeEventLog } from './event-log';
import { Semaphore } from './private/semaphore';
import { DEFAULT_RETRY, type RetryPolicy, parseRetryAfter, withRetry } from './retry';
import type {
  AttributeChange,
  BindingRequest,
  Capability,
  CreateOutcome,
  LiveBinding,
  LiveProject,
  LiveWorkspace,
  PlatformInfo,
} from './types';
import {
  ShapeError,
  bindingBody,
  halPage,
  bindingKind,
  matchesExpected,
  normalizeBinding,
  normalizeClock,
  normalizeEvents,
  normalizeProjectRole,
  normalizeGroup,
  normalizeIdentity,
  normalizeProject,
  normalizeRoleRequest,
  normalizeRoleRequests,
  normalizeSettings,
  normalizeTagDefinition,
  normalizeTags,
  normalizeUser,
  normalizeWorkspace,
  normalizeWorkspaceStatuses,
  projectBody,
  rewriteBody,
  tagDefinitionBody,
  workspaceBody,
} from './wire';

export type Credentials =
  | { readonly kind: 'key'; readonly key: string; readonly secret?: string }
  | { readonly kind: 'token'; readonly token: string };

export interface HttpClientOptions {
  readonly endpoint: string;
  readonly credentials: Credentials;
  /** The longest silence of one request (no byte sent or received); its call still ends by the retry budget. @default 30000 */
  readonly timeoutMs?: number;
  /** The largest answer read; a larger one is an error. @default 64 MiB (a 1000-object page is well under 10) */
  readonly maxBodyBytes?: number;
  readonly retry?: RetryPolicy;
  /** @default 1000, meshStack's maximum */
  readonly pageSize?: number;
  /**
   * Requests in flight at once. meshStack advises one at a time per API key.
   * @default 1 against a remote platform, 8 on loopback (a local sandbox)
   */
  readonly maxConcurrentRequests?: number;
  /** GET answers shared by the calls of one Terraform plan (terraform-provider-meshform). @default none */
  readonly readMemo?: ReadMemo;
  /**
   * MESHSTACK_SKIP_VERSION_CHECK=true: /mesh/info is not required. Where it cannot be read, the version
   * is unknown and 4-eyes is taken as on (grants are read back, and old bindings kept until approved).
   */
  readonly skipVersionCheck?: boolean;
}

/**
 * GET answers remembered while one Terraform plan runs: its resources are read and planned one by
 * one, and each would read the platform's settings, tag definitions and its own objects again. Any
 * write forgets them, and `off()` (apply) stops remembering: what apply decides on is read fresh.
 */
export class ReadMemo {
  private readonly answers = new Map<string, Promise<unknown>>();
  private on = true;

  public off(): void {
    this.on = false;
    this.answers.clear();
  }

  /** @internal */
  public answer<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    if (!this.on) return fetch();
    let answer = this.answers.get(key) as Promise<T> | undefined;
    if (!answer) {
      answer = fetch();
      this.answers.set(key, answer);
      answer.catch(() => this.answers.delete(key));
    }
    return answer;
  }

  /** @internal */
  public forget(): void {
    this.answers.clear();
  }
}

/** Refresh a token this long before it expires, as meshStack's Terraform provider does. */
const MIN_TOKEN_LIFETIME_MS = 30_000;
/** Retried, as meshStack's Terraform provider does; a 500 is the platform's answer, not a passing fault. */
const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);
/**
 * A connection that broke (reset, broken pipe, cut short) or fell silent: a read or an idempotent
 * write may be sent again. Not DNS, a refused connection or TLS: sending again cannot help there.
 */
const BROKEN_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'silence']);
/** Both official tools name themselves; so does meshform, for the platform's logs and support. */
const USER_AGENT = `meshform/${packageVersion()}`;
const API = '/api/meshobjects';
const IDENTIFIER_TAKEN = 'the identifier is taken (possibly by an object whose deletion is pending, or a deleted one)';
const LOGIN = '/api/login';
const EXT = '/sandbox/v1';

/** The sandbox extensions' workspace filter: identifiers, comma-separated (an identifier has no comma). */
function workspacesQuery(filter: WorkspacesFilter): URLSearchParams {
  const q = new URLSearchParams();
  if (filter.workspaces) q.set('workspaceIdentifier', filter.workspaces.join(','));
  return q;
}
const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** The most pages one list may have: a million objects at meshStack's page size. */
const MAX_PAGES = 1000;
/** Reads of a list that changed under the client, before it gives up. */
const LIST_READS = 3;
/** Parallel requests against a loopback platform (the sandbox), where meshStack's advice does not apply. */
const LOOPBACK_CONCURRENCY = 8;

const media = (kind: string, version: string) =>
  `application/vnd.meshcloud.api.${kind.toLowerCase()}.${version}.hal+json`;
const projectId = (p: LiveProject) => `${p.workspace}.${p.name}`;
/** Binding names are global on meshStack, across user and group bindings alike. */
const bindingId = (b: LiveBinding) => b.name;
const byWorkspace = (f: WorkspaceFilter): Record<string, string> =>
  f.workspace ? { workspaceIdentifier: f.workspace } : {};

interface Call {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly media?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Statuses that are answers, not errors (e.g. 404 on a read); they need no JSON body. */
  readonly accept?: number[];
  readonly auth?: boolean;
}

interface Answer {
  readonly status: number;
  readonly data: unknown;
}

/** An answer as it came: its body as text, parsed by `parse`, so a truncated or non-JSON body is a typed error. */
interface RawAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, unknown>;
  readonly data: string;
}

/** A request ended by meshform: silent for longer than the timeout, or past the call's deadline. */
class Stalled extends Error {
  constructor(public readonly reason: 'silence' | 'deadline') {
    super(reason);
  }
}

/**
 * Whether a failed attempt may be sent again, as meshStack's own clients decide: GET, PUT and DELETE
 * (idempotent) after a transient status or a broken connection; a POST never (a create that failed is
 * planned again by the next run, which sees whether it was carried out). Logging in changes nothing,
 * so it is retried like a read, as the Terraform provider does.
 */
function resendable(call: Pick<Call, 'method' | 'path'>, failure: number | string): boolean {
  if (call.method === 'POST' && call.path !== LOGIN) return false;
  return typeof failure === 'number' ? TRANSIENT_STATUS.has(failure) : BROKEN_CONNECTION.has(failure);
}

export function isLoopbackUrl(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** A short, printable account of a body that is not JSON: an HTML page's title, or its first characters. */
function describeBody(data: string | undefined, contentType: string): string {
  const text = data ?? '';
  if (/html/i.test(contentType) || /^\s*</.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1];
    return `an HTML page${title ? ` ("${title.trim().slice(0, 80)}")` : ''}, not meshStack's API`;
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Only the origin of a Location: its path and query may carry a proxy's tokens. */
function redirectOrigin(location: unknown, endpoint: string): string {
  if (typeof location !== 'string' || location === '') return 'nowhere (no Location)';
  try {
    return new URL(location, endpoint).origin;
  } catch {
    return 'an invalid Location';
  }
}

/** Items per page of a list call, unless the client is told otherwise. */
export const DEFAULT_PAGE_SIZE = 1000;

/** The Content-Type of an answer, as text (a header axios did not parse as one is none). */
const contentType = (response: RawAnswer): string => {
  const v: unknown = response.headers['content-type'];
  return typeof v === 'string' ? v : '';
};

export class HttpApiClient implements ApiClient {
  public readonly stats = new RequestStats();
  private readonly http: AxiosInstance;
  private readonly retry: RetryPolicy;
  private readonly pageSize: number;
  private readonly slots: Semaphore;
  private readonly maxBodyBytes: number;
  /** The platform's clock minus ours, as its last Date header said. */
  private clockSkewMs = 0;
  private token?: { value: string; expiresAt: number; lifetimeMs: number };
  private caps?: Promise<Capability[]>;
  private platformInfo?: Promise<PlatformInfo>;
  private devCredentials?: { clientId: string; clientSecret: string };
  private loggingIn?: Promise<string>;

  constructor(private readonly options: HttpClientOptions) {
    this.http = axios.create({
      baseURL: options.endpoint.replace(/\/+$/, ''),
      // Timeouts and the size limit are meshform's own (exchange): the body is read as a stream.
      validateStatus: () => true,
      responseType: 'stream',
      transformResponse: [(d: unknown) => d],
      maxRedirects: 0,
    });
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.slots = new Semaphore(
      options.maxConcurrentRequests ?? (isLoopbackUrl(options.endpoint) ? LOOPBACK_CONCURRENCY : 1),
    );
  }

  // ---- transport -------------------------------------------------------------------------

  /** Whose answers these are: a memo shared by two configurations never hands one identity another's reads. */
  private get memoScope(): string {
    const c = this.options.credentials;
    const who = c.kind === 'key' ? `key:${c.key}` : `token:${createHash('sha256').update(c.token).digest('hex')}`;
    return `${this.options.endpoint}\u0000${who}`;
  }

  private send(call: Call): Promise<Answer> {
    const memo = this.options.readMemo;
    if (!memo) return this.sendOnce(call);
    if (call.method !== 'GET') {
      // Logging in changes nothing on the platform.
      if (call.path !== LOGIN) memo.forget();
      return this.sendOnce(call);
    }
    // A list's `until` is the instant it was asked for: the same list, asked again, is the same question.
    const path = call.path.replace(/([?&])until=[^&]*(&|$)/, '$1');
    return memo.answer(
      `${this.memoScope}\u0000${path}\u0000${call.media ?? ''}\u0000${(call.accept ?? []).join(',')}`,
      () => this.sendOnce(call),
    );
  }

  private async sendOnce(call: Call): Promise<Answer> {
    let relogged = false;
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    let body: string | undefined;
    try {
      body = call.body === undefined ? undefined : JSON.stringify(call.body);
    } catch (e) {
      // Our own failure, not the network's: nothing was sent, and sending again cannot help.
      throw new RequestUnserialisableError(call.method, call.path, (e as Error).message);
    }
    // The call (retries included) ends by its retry budget, or one request's timeout when that is longer,
    // counted from its first send: time spent waiting for a request slot is not the platform's.
    const callMs = Math.max(this.retry.budgetMs, timeoutMs);
    let callDeadline: number | undefined;
    return withRetry(
      async () => {
        if (call.path === LOGIN) this.stats.logins++;
        else this.stats.count(call.method);
        let response: RawAnswer;
        try {
          const auth: Record<string, string> =
            call.auth === false ? {} : { Authorization: `Bearer ${await this.accessToken()}` };
          response = await this.slots.run(() => {
            callDeadline ??= Date.now() + callMs;
            return this.exchange(call, body, auth, timeoutMs, callDeadline);
          });
        } catch (e) {
          // Our own errors come from logging in, which retried within its own budget already.
          if (isMeshformError(e)) return { error: e, retryable: false };
          if (e instanceof BodyTooLarge) {
            const mb = Math.round(e.limitBytes / (1024 * 1024));
            return {
              error: new ResponseLimitError(
                'api-response-too-large',
                call.method,
                call.path,
                `an answer larger than ${mb} MB (a page of 1,000 objects is well under 10)`,
              ),
              retryable: false,
            };
          }
          const code = e instanceof Stalled ? e.reason : ((e as { code?: string }).code ?? 'network error');
          const what =
            code === 'silence'
              ? `no data for ${Math.round(timeoutMs / 100) / 10} s (MESHFORM_REQUEST_TIMEOUT, the longest silence meshform waits)`
              : code === 'deadline'
                ? `no complete answer within ${Math.round(callMs / 100) / 10} s (MESHFORM_REQUEST_TIMEOUT, MESHFORM_RETRY_BUDGET)`
                : code;
          return {
            error: new ApiError(call.method, call.path, undefined, `${what} (${this.options.endpoint})`, true),
            retryable: resendable(call, code),
          };
        }
        if (response.status >= 300 && response.status < 400) {
          // Never followed (a proxy's login page, another origin) and never success: nothing was done.
          return {
            error: new ApiError(
              call.method,
              call.path,
              response.status,
              `redirect to ${redirectOrigin(response.headers.location, this.options.endpoint)} (meshform does not follow redirects: set MESHSTACK_ENDPOINT to the API's own URL)`,
              false,
            ),
            retryable: false,
          };
        }
        if (response.status === 401 && call.auth !== false && !relogged && this.options.credentials.kind === 'key') {
          // The token ended early (a platform restart, a clock skew): log in again, once.
          relogged = true;
          this.token = undefined;
          return { error: this.failure(call, response), retryable: true, retryAfterMs: 0 };
        }
        if (response.status >= 400 && !(call.accept ?? []).includes(response.status)) {
          return {
            error: this.failure(call, response),
            retryable: resendable(call, response.status),
            retryAfterMs: parseRetryAfter(response.headers['retry-after']),
          };
        }
        return { value: { status: response.status, data: this.parse(call, response) } };
      },
      this.retry,
      {
        onRetry: () => this.stats.retries++,
        onGiveUp: (e, attempts, elapsedMs) =>
          isApiError(e) && attempts > 1
            ? new ApiError(
                e.method,
                e.path,
                e.status,
                `${e.platformMessage} (gave up after ${attempts} attempts in ${(elapsedMs / 1000).toFixed(1)} s; the platform may be down or overloaded; MESHFORM_RETRY_BUDGET sets how long to retry)`,
                true,
              )
            : e,
      },
    );
  }

  /**
   * One request and its whole answer. The timeout is one of silence (reset by every byte), so a large
   * page that keeps arriving is read to its end; the call's deadline still ends one that never does.
   */
  private async exchange(
    call: Call,
    body: string | undefined,
    auth: Record<string, string>,
    timeoutMs: number,
    deadline: number,
  ): Promise<RawAnswer> {
    const abort = new AbortController();
    let stalled: Stalled['reason'] | undefined;
    let stream: Readable | undefined;
    const stop = (reason: Stalled['reason']) => {
      stalled ??= reason;
      abort.abort();
      stream?.destroy();
    };
    const silence = new SilenceTimer(timeoutMs, () => stop('silence'));
    const wall = setTimeout(() => stop('deadline'), Math.max(1, deadline - Date.now()));
    try {
      const response = await this.http.request<Readable>({
        signal: abort.signal,
        method: call.method,
        url: call.path,
        data: body,
        headers: {
          Accept: call.media ?? 'application/json',
          'User-Agent': USER_AGENT,
          ...(body === undefined ? {} : { 'Content-Type': call.media ?? 'application/json' }),
          ...auth,
          ...call.headers,
        },
      });
      stream = response.data;
      const serverDate = Date.parse(String(response.headers.date ?? ''));
      if (Number.isFinite(serverDate)) this.clockSkewMs = serverDate - Date.now();
      silence.touch();
      const text = await readBody(stream, response.headers['content-length'], this.maxBodyBytes, () => silence.touch());
      return { status: response.status, statusText: response.statusText, headers: response.headers, data: text };
    } catch (e) {
      if (stalled) throw new Stalled(stalled);
      throw e;
    } finally {
      silence.stop();
      clearTimeout(wall);
    }
  }

  /** A success body must be JSON; an accepted error status (404, 409, …) may carry anything, even an HTML page. */
  private parse(call: Call, response: RawAnswer): unknown {
    if (response.status === 204 || response.data === '' || response.data === undefined) return undefined;
    const type = contentType(response);
    const success = response.status < 300;
    if (!/json/i.test(type)) {
      if (!success) return undefined;
      throw new MalformedResponseError(
        call.method,
        call.path,
        `content type "${type}" is not JSON (${describeBody(response.data, type)})`,
      );
    }
    try {
      return JSON.parse(response.data);
    } catch (e) {
      if (!success) return undefined;
      throw new MalformedResponseError(call.method, call.path, `invalid JSON (${(e as Error).message})`);
    }
  }

  private failure(call: Call, response: RawAnswer): ApiError {
    const type = contentType(response);
    let message: string;
    try {
      const body = JSON.parse(response.data) as { message?: unknown };
      message = typeof body.message === 'string' ? body.message : '';
    } catch {
      message = describeBody(response.data, type);
    }
    // The platform's words in one printable line: they end up in reports and on terminals.
    return new ApiError(
      call.method,
      call.path,
      response.status,
      printable(message || String(response.statusText ?? '')).slice(0, 500),
      TRANSIENT_STATUS.has(response.status),
    );
  }

  /** Reads a body with a normalizer; a shape it does not know is a typed error. */
  private shape<T>(call: Pick<Call, 'method' | 'path'>, data: unknown, normalize: (v: unknown) => T): T {
    try {
      return normalize(data);
    } catch (e) {
      if (e instanceof ShapeError) throw new MalformedResponseError(call.method, call.path, e.message);
      throw e;
    }
  }

  private async accessToken(): Promise<string> {
    const creds = this.options.credentials;
    if (creds.kind === 'token') return creds.token;
    // Refresh ahead of expiry (half the lifetime for very short-lived tokens).
    if (this.token && this.token.expiresAt - Date.now() > Math.min(MIN_TOKEN_LIFETIME_MS, this.token.lifetimeMs / 2))
      return this.token.value;
    // One login at a time: concurrent requests that find the token expiring share it.
    this.loggingIn ??= this.login(creds).finally(() => (this.loggingIn = undefined));
    return this.loggingIn;
  }

  private async login(creds: { key: string; secret?: string }): Promise<string> {
    // A dev stack's credentials are looked up once per session, not at every re-login.
    const { clientId, clientSecret } =
      creds.secret !== undefined
        ? { clientId: creds.key, clientSecret: creds.secret }
        : (this.devCredentials ??= await this.devLocalCredentials(creds.key));
    const { data } = await this.send({
      method: 'POST',
      path: LOGIN,
      body: { clientId, clientSecret },
      auth: false,
    });
    const token = data as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (typeof token?.access_token !== 'string') throw new MalformedResponseError('POST', LOGIN, 'no access_token');
    const lifetimeMs = typeof token.expires_in === 'number' ? token.expires_in * 1000 : 300_000;
    this.token = { value: token.access_token, expiresAt: Date.now() + lifetimeMs, lifetimeMs };
    return this.token.value;
  }

  /**
   * A local dev stack publishes its keys in /mesh/info (loopback only), keyed by the key's name; each
   * carries the clientId to log in with, as meshStack's CLI reads it.
   */
  private async devLocalCredentials(name: string): Promise<{ clientId: string; clientSecret: string }> {
    const { data } = await this.send({ method: 'GET', path: '/mesh/info', auth: false });
    const entry = (
      data as
        | { devLocalCredentials?: { apiKeys?: Record<string, { clientId?: unknown; clientSecret?: unknown }> } }
        | undefined
    )?.devLocalCredentials?.apiKeys?.[name];
    if (typeof entry?.clientSecret !== 'string' || entry.clientSecret === '') {
      throw new UsageError(
        `no secret for API key "${name}": set MESHSTACK_API_SECRET (the endpoint publishes no dev credentials for it)`,
        'missing-secret',
      );
    }
    return {
      clientId: typeof entry.clientId === 'string' && entry.clientId ? entry.clientId : name,
      clientSecret: entry.clientSecret,
    };
  }

  /**
   * All items of a HAL list, paged by number until `page.number >= page.totalPages - 1`, as
   * meshStack's own tools do: links are never followed (they carry the backend's own base URL).
   * Newest first up to a fixed instant, as meshStack's CLI asks, so an object created while the
   * pages are read is left out rather than listed twice (an endpoint without these parameters
   * ignores them); an object listed twice anyway counts once (`idOf`); a list whose counts change
   * between pages is read again from the start, a few times, then refused.
   */
  private async list<T>(
    path: string,
    kind: string,
    version: string,
    key: string,
    normalize: (v: unknown) => T,
    idOf: (t: T) => string,
    query: Record<string, string> = {},
  ): Promise<T[]> {
    // The platform's clock, not ours (from its Date header, to the second): a client clock behind it would hide new objects.
    const until = new Date(Date.now() + this.clockSkewMs + 1000).toISOString();
    const stable = { sort: 'createdAt,desc', until, ...query };
    for (let read = 1; read <= LIST_READS; read++) {
      const items = await this.readPages(path, media(kind, version), key, normalize, idOf, stable);
      if (items !== 'changed') return items;
    }
    throw new ResponseLimitError(
      'api-list-unstable',
      'GET',
      path,
      `its counts changed between pages on each of ${LIST_READS} reads (objects created or deleted meanwhile, or a server whose pages never end); run again`,
    );
  }

  private async readPages<T>(
    path: string,
    type: string,
    key: string,
    normalize: (v: unknown) => T,
    idOf: (t: T) => string,
    query: Record<string, string>,
  ): Promise<T[] | 'changed'> {
    const byId = new Map<string, T>();
    let counts: string | undefined;
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES)
        throw new ResponseLimitError('api-list-unstable', 'GET', path, `more than ${MAX_PAGES} pages`);
      const params = new URLSearchParams({ ...query, page: String(page), size: String(this.pageSize) });
      const { data } = await this.send({ method: 'GET', path: `${path}?${params.toString()}`, media: type });
      const answer = this.shape({ method: 'GET', path }, data, (v) => halPage(v, key));
      const { items, totalPages, totalElements } = answer;
      const number = answer.number ?? page;
      // A server that answers another page than asked would never end.
      if (number !== page) throw new MalformedResponseError('GET', path, `asked for page ${page}, got page ${number}`);
      if (totalPages > MAX_PAGES)
        throw new ResponseLimitError(
          'api-list-unstable',
          'GET',
          path,
          `${totalPages} pages (meshform reads ${MAX_PAGES})`,
        );
      const now = `${totalPages}/${totalElements}`;
      if (counts !== undefined && now !== counts) return 'changed';
      counts = now;
      for (const item of items) {
        const value = this.shape({ method: 'GET', path }, item, normalize);
        if (!byId.has(idOf(value))) byId.set(idOf(value), value);
      }
      // An empty page ends the list whatever the counts say.
      if (items.length === 0 || number >= totalPages - 1) return [...byId.values()];
    }
  }

  /** One object by path, the raw JSON as the platform has it; undefined when it is not there. */
  private async readRaw(path: string, type: string): Promise<Record<string, unknown> | undefined> {
    const { status, data } = await this.send({ method: 'GET', path, media: type, accept: [404] });
    if (status === 404) return undefined;
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw new MalformedResponseError('GET', path, 'not an object');
    return data as Record<string, unknown>;
  }

  /**
   * meshStack's PUT replaces the whole object: read it, change what meshform manages, write back
   * everything else as it was, fields meshform does not know included. With `expected`, refuse when
   * what meshform manages changed since the plan (compare before write).
   */
  private async rewrite(
    path: string,
    kind: string,
    version: string,
    tagsAt: 'metadata' | 'spec',
    change: AttributeChange,
    expected?: AttributeChange,
  ): Promise<void> {
    const type = media(kind, version);
    const raw = await this.readRaw(path, type);
    if (!raw) throw new ApiError('PUT', path, 404, `the ${kind} is gone; plan again`, false);
    if (expected) {
      const section = (raw[tagsAt] ?? {}) as Record<string, unknown>;
      const named = ((raw.spec ?? {}) as Record<string, unknown>).displayName;
      const displayName = typeof named === 'string' ? named : '';
      if (
        !matchesExpected(
          displayName,
          this.shape({ method: 'GET', path }, section.tags, (v) => normalizeTags(v, `${kind}.tags`)),
          expected,
        )
      ) {
        throw new ApiError(
          'PUT',
          path,
          409,
          `the ${kind} changed since the plan was made (display name or tags); plan again`,
          false,
        );
      }
    }
    const body = this.shape({ method: 'GET', path }, raw, (v) =>
      rewriteBody(v as Record<string, unknown>, kind, version, tagsAt, change),
    );
    await this.send({ method: 'PUT', path, media: type, body });
  }

  // ---- kinds -----------------------------------------------------------------------------

  public readonly workspaces = {
    list: () =>
      this.list(`${API}/meshworkspaces`, 'meshWorkspace', 'v2', 'meshWorkspaces', normalizeWorkspace, (w) => w.name),
    read: async (name: string) => {
      const call = {
        method: 'GET' as const,
        path: `${API}/meshworkspaces/${encodeURIComponent(name)}`,
        media: media('meshWorkspace', 'v2'),
        accept: [404],
      };
      const { status, data } = await this.send(call);
      return status === 404 ? undefined : this.shape(call, data, normalizeWorkspace);
    },
    create: async (ws: Omit<LiveWorkspace, 'deleted'>) => {
      await this.createOrCompare(`${API}/meshworkspaces`, media('meshWorkspace', 'v2'), workspaceBody(ws), async () => {
        const live = await this.workspaces.read(ws.name);
        // Only a workspace provably this stack's is a create retried: anything else is somebody else's.
        return live === undefined || live.deleted ? IDENTIFIER_TAKEN : foreignWorkspace(ws.name, ws.tags, live.tags);
      });
    },
    update: (name: string, change: AttributeChange, expected?: AttributeChange) =>
      this.rewrite(
        `${API}/meshworkspaces/${encodeURIComponent(name)}`,
        'meshWorkspace',
        'v2',
        'metadata',
        change,
        expected,
      ),
    delete: async (name: string, reason: string) => {
      // X-Deletion-Reason is a sandbox extension; meshStack ignores it.
      await this.send({
        method: 'DELETE',
        path: `${API}/meshworkspaces/${encodeURIComponent(name)}`,
        media: media('meshWorkspace', 'v2'),
        headers: { 'X-Deletion-Reason': reason },
        accept: [404],
      }).catch((e: unknown) => {
        if (!(e instanceof ApiError && (e.status === 400 || e.status === 409))) throw e;
        // meshStack's words may not say why: what blocks a workspace's deletion there is documented.
        throw new ApiError(
          e.method,
          e.path,
          e.status,
          `${e.platformMessage}; meshStack deletes a workspace only when it has no projects, building blocks or tenants left (a project being deleted counts until its tenants are gone): remove them, then run again`,
          false,
        );
      });
    },
  };

  private projectPath(workspace: string, name: string): string {
    return `${API}/meshprojects/${encodeURIComponent(`${workspace}.${name}`)}`;
  }

  public readonly projects = {
    list: (filter: ProjectFilter = {}) =>
      this.list(`${API}/meshprojects`, 'meshProject', 'v2', 'meshProjects', normalizeProject, projectId, {
        ...byWorkspace(filter),
        ...(filter.states ? { state: filter.states.join(',') } : {}),
      }),
    create: async (p: LiveProject) => {
      await this.createOrCompare(`${API}/meshprojects`, media('meshProject', 'v2'), projectBody(p), async () => {
        // Only a live project is "already there": one whose deletion is pending blocks the identifier.
        const raw = await this.readRaw(this.projectPath(p.workspace, p.name), media('meshProject', 'v2'));
        return raw !== undefined &&
          this.shape({ method: 'GET', path: this.projectPath(p.workspace, p.name) }, raw, normalizeProject).state ===
            undefined
          ? undefined
          : IDENTIFIER_TAKEN;
      });
    },
    update: (workspace: string, name: string, change: AttributeChange, expected?: AttributeChange) =>
      this.rewrite(this.projectPath(workspace, name), 'meshProject', 'v2', 'spec', change, expected),
    delete: async (workspace: string, name: string) => {
      await this.send({
        method: 'DELETE',
        path: this.projectPath(workspace, name),
        media: media('meshProject', 'v2'),
        accept: [404],
      });
    },
  };

  public readonly bindings = {
    listWorkspaceBindings: async (filter: BindingFilter = {}): Promise<LiveBinding[]> => {
      const names = filter.workspaces ?? (filter.workspace !== undefined ? [filter.workspace] : undefined);
      const userList = (workspace?: string) =>
        this.list(
          `${API}/meshworkspacebindings/userbindings`,
          'meshWorkspaceUserBinding',
          'v2',
          'meshWorkspaceUserBindings',
          normalizeBinding,
          bindingId,
          byWorkspace({ workspace }),
        );
      const users = names ? (await Promise.all(names.map(userList))).flat() : await userList();
      // Not filterable by workspace on meshStack: read once, whatever the number of workspaces asked for.
      const groups = await this.list(
        `${API}/meshworkspacebindings/groupbindings`,
        'meshWorkspaceGroupBinding',
        'v2',
        'meshWorkspaceGroupBindings',
        normalizeBinding,
        bindingId,
      );
      return [...users, ...groups.filter((b) => !names || names.includes(b.workspace))];
    },
    listProjectBindings: async (workspace: string, project: string): Promise<LiveBinding[]> => {
      const q = { workspaceIdentifier: workspace, projectIdentifier: project };
      return [
        ...(await this.list(
          `${API}/meshprojectbindings/userbindings`,
          'meshProjectUserBinding',
          'v3',
          'meshProjectUserBindings',
          normalizeBinding,
          bindingId,
          q,
        )),
        ...(await this.list(
          `${API}/meshprojectbindings/groupbindings`,
          'meshProjectGroupBinding',
          'v3',
          'meshProjectGroupBindings',
          normalizeBinding,
          bindingId,
          q,
        )),
      ];
    },
    /**
     * A grant. meshStack documents 201; under 4-eyes a grant may instead wait for approval, answered
     * 202 (with or without the request) or 201 with the request echoed and no binding behind it. So
     * with 4-eyes on, a 201 is checked by reading the binding back: absent means waiting.
     */
    create: async (b: BindingRequest): Promise<CreateOutcome> => {
      const caps = await this.capabilities();
      const type = media(bindingKind(b), b.project === undefined ? 'v2' : 'v3');
      const body = bindingBody(b, {
        expiry: b.project === undefined || caps.includes('project-binding-expiry'),
        invitation: caps.includes('invitations'),
        reason: caps.includes('grant-reasons'),
      });
      const { status, data } = await this.send({
        method: 'POST',
        path: this.bindingPath(b),
        media: type,
        body,
        accept: [409],
      });
      if (status === 202) {
        const id = (data as { pendingRequest?: { id?: unknown } } | undefined)?.pendingRequest?.id;
        return typeof id === 'string' ? { status: 'pending', requestId: id } : { status: 'pending' };
      }
      if (status === 409) return this.compareExistingBinding(b, type, caps);
      if ((await this.info()).fourEyesEnabled && !(await this.readBinding(b, type))) return { status: 'pending' };
      return { status: 'created' };
    },
    delete: async (b: Pick<LiveBinding, 'name' | 'project' | 'subjectKind'>, reason?: 'expired') => {
      const type = media(bindingKind(b), b.project === undefined ? 'v2' : 'v3');
      await this.send({
        method: 'DELETE',
        path: `${this.bindingPath(b)}/${encodeURIComponent(b.name)}`,
        media: type,
        accept: [404],
        // Recorded in the platform's history where it keeps one (the sandbox); meshStack ignores it.
        ...(reason ? { headers: { 'X-Removal-Reason': reason } } : {}),
      });
    },
  };

  private bindingPath(b: Pick<LiveBinding, 'project' | 'subjectKind'>): string {
    return `${API}/${b.project === undefined ? 'meshworkspacebindings' : 'meshprojectbindings'}/${b.subjectKind === 'User' ? 'user' : 'group'}bindings`;
  }

  private async readBinding(b: BindingRequest, type: string): Promise<LiveBinding | undefined> {
    const path = `${this.bindingPath(b)}/${encodeURIComponent(b.name)}`;
    const raw = await this.readRaw(path, type);
    return raw ? this.shape({ method: 'GET', path }, raw, normalizeBinding) : undefined;
  }

  /**
   * A 409 on create means the name exists (meshStack's API: "unique identifier already exists"): an
   * earlier attempt of this grant, or someone else's binding. Read it back: the same binding is
   * success; no binding under that name is this grant waiting for approval only where 4-eyes is on
   * (found as its request where the platform lists them); anything else a conflict.
   */
  private async compareExistingBinding(b: BindingRequest, type: string, caps: Capability[]): Promise<CreateOutcome> {
    const path = `${this.bindingPath(b)}/${encodeURIComponent(b.name)}`;
    const { status, data } = await this.send({ method: 'GET', path, media: type, accept: [403, 404] });
    // 403: a binding under that name in a workspace the caller cannot see, someone else's.
    if (status === 403)
      throw new ApiError(
        'POST',
        this.bindingPath(b),
        409,
        `binding name "${b.name}" is taken by another binding`,
        false,
      );
    const live = status === 404 ? undefined : this.shape({ method: 'GET', path }, data, normalizeBinding);
    const same = (x: { workspace: string; project?: string; subject: string; role: string }) =>
      x.workspace === b.workspace && x.project === b.project && x.subject === b.subject && x.role === b.role;
    if (live && same(live)) return { status: 'created' };
    if (!live) {
      // Another apply of the same code got there first (the platform refuses a role held twice;
      // its expiry is the same code's, and a later plan renews any difference):
      // the grant is done, under that apply's name.
      const held = await (b.project === undefined
        ? this.bindings.listWorkspaceBindings({ workspace: b.workspace })
        : this.bindings.listProjectBindings(b.workspace, b.project));
      if (held.some((x) => same(x) && x.subjectKind === b.subjectKind)) return { status: 'created' };
    }
    if (!live && caps.includes('role-requests')) {
      const pending = (await this.extensions.listRequests({ workspaces: [b.workspace], status: 'PENDING' })).find(
        (r) => r.bindingName === b.name || (same(r) && r.subjectKind === b.subjectKind),
      );
      if (pending && same(pending)) return { status: 'pending', requestId: pending.id };
    } else if (!live && (await this.info()).fourEyesEnabled) {
      // The name is derived from the grant alone: the request waiting under it is this grant's.
      return { status: 'pending' };
    } else if (!live) {
      // 409 means "exists" (meshStack's API); without 4-eyes nothing waits, so something else holds it.
      throw new ApiError(
        'POST',
        this.bindingPath(b),
        409,
        `the platform refused binding "${b.name}" as existing, but no such binding is readable (4-eyes is off, so it is no request waiting for approval): the grant conflicts with another binding`,
        false,
      );
    }
    throw new ApiError('POST', this.bindingPath(b), 409, `binding name "${b.name}" is taken by another binding`, false);
  }

  /** A 409 on create is a create retried after a lost answer only where `conflict` finds the object to be this one; else it says why not. */
  private async createOrCompare(
    path: string,
    type: string,
    body: unknown,
    conflict: () => Promise<string | undefined>,
  ): Promise<void> {
    const { status } = await this.send({ method: 'POST', path, media: type, body, accept: [409] });
    const why = status === 409 ? await conflict() : undefined;
    if (why !== undefined) throw new ApiError('POST', path, 409, why, false);
  }

  public readonly tagDefinitions = {
    list: () =>
      this.list(
        `${API}/meshtagdefinitions`,
        'meshTagDefinition',
        'v1',
        'meshTagDefinitions',
        normalizeTagDefinition,
        (d) => d.metadata.name,
      ),
    put: async (def: TagDefinition) => {
      const path = `${API}/meshtagdefinitions/${encodeURIComponent(def.metadata.name)}`;
      const type = media('meshTagDefinition', 'v1');
      const live = await this.readRaw(path, type);
      await this.send({
        method: 'PUT',
        path,
        media: type,
        body: tagDefinitionBody(def, (live?.spec ?? {}) as Record<string, unknown>),
      });
    },
  };

  public readonly users = {
    find: (filter: UserFilter) => {
      const q: Record<string, string> = {};
      if (filter.email) q.email = filter.email;
      if (filter.username) q.username = filter.username;
      return this.list(`${API}/meshusers`, 'meshUser', 'v2', 'meshUsers', normalizeUser, (u) => u.username, q);
    },
    seesEveryone: async () => {
      const { status } = await this.send({
        method: 'GET',
        path: `${API}/meshusers?page=0&size=1`,
        media: media('meshUser', 'v2'),
        accept: [401, 403],
      });
      return status < 300;
    },
  };

  public readonly projectRoles = {
    // meshProjectRole is newer than the rest of the API: a platform without it has the default roles.
    list: () =>
      this.list(
        `${API}/meshprojectroles`,
        'meshProjectRole',
        'v1',
        'meshProjectRoles',
        normalizeProjectRole,
        (r) => r,
      ).catch((e: unknown) => {
        if (e instanceof ApiError && (e.status === 404 || e.status === 406)) return undefined;
        throw e;
      }),
  };

  public readonly groups = {
    list: (workspace: string) =>
      this.list(
        `${API}/meshworkspaceusergroups`,
        'meshWorkspaceUserGroup',
        'v1',
        'meshWorkspaceUserGroups',
        normalizeGroup,
        (g) => `${g.workspace}.${g.name}`,
        { workspaceIdentifier: workspace },
      ),
  };

  /** meshStack's event log (meshEventLog v1, v1-preview on older platforms). */
  public readonly eventLog: EventLogApi = eventLogApi((version, query) =>
    this.list(
      `${API}/mesheventlogs`,
      'meshEventLog',
      version,
      'meshEventLogs',
      normalizeEventLog,
      (e) => e.uuid,
      query,
    ),
  );

  /** Messages to workspace users (meshCommunicationDefinition, meshCommunication; v1-preview). */
  public readonly communications: CommunicationApi = communicationApi({
    post: async (path, kind, body) =>
      (await this.send({ method: 'POST', path: `${API}${path}`, media: media(kind, 'v1-preview'), body })).data,
    get: async (path, kind) =>
      (await this.send({ method: 'GET', path: `${API}${path}`, media: media(kind, 'v1-preview') })).data,
    // An entry listed twice is the same JSON (these lists carry no name the client reads).
    list: (path, kind, key, query) =>
      this.list(
        `${API}${path}`,
        kind,
        'v1-preview',
        key,
        (v) => v,
        (v) => JSON.stringify(v),
        query,
      ),
  });

  public info(): Promise<PlatformInfo> {
    this.platformInfo ??= this.send({ method: 'GET', path: '/mesh/info', auth: false })
      .then(({ data }) => {
        const o = data as { version?: unknown; is4EPEnabled?: unknown } | undefined;
        if (typeof o?.version !== 'string') throw new MalformedResponseError('GET', '/mesh/info', 'no version');
        return { version: o.version, fourEyesEnabled: o.is4EPEnabled === true };
      })
      .catch((e) => {
        if (this.options.skipVersionCheck) return { version: 'unknown', fourEyesEnabled: true };
        this.platformInfo = undefined;
        throw e;
      });
    return this.platformInfo;
  }

  /** The sandbox's extensions, where the platform has them. Anything but a well-formed answer means none. */
  private capabilities(): Promise<Capability[]> {
    this.caps ??= this.send({
      method: 'GET',
      path: `${EXT}/capabilities`,
      auth: false,
      accept: [401, 403, 404, 405, 406],
    }).then(
      ({ status, data }) => {
        const list = (data as { extensions?: unknown } | undefined)?.extensions;
        return status === 200 && Array.isArray(list) && list.every((x) => typeof x === 'string')
          ? (list as Capability[])
          : [];
      },
      () => [],
    );
    return this.caps;
  }

  /** A sandbox extension call, its answer checked by `normalize`. */
  private async ext<T>(method: Call['method'], path: string, normalize: (v: unknown) => T, body?: unknown): Promise<T> {
    const call = { method, path: `${EXT}${path}`, body };
    return this.shape(call, (await this.send(call)).data, normalize);
  }

  public readonly extensions = {
    capabilities: () => this.capabilities(),
    whoami: () => this.ext('GET', '/whoami', normalizeIdentity),
    settings: () => this.ext('GET', '/settings', normalizeSettings),
    workspaceStatuses: (filter: WorkspacesFilter = {}) =>
      this.ext('GET', `/workspaces?${workspacesQuery(filter).toString()}`, normalizeWorkspaceStatuses),
    setQuota: async (workspace: string, maxProjects: number | null) =>
      void (await this.send({
        method: 'PUT',
        path: `${EXT}/workspaces/${encodeURIComponent(workspace)}/quota`,
        body: { maxProjects },
      })),
    setStatus: async (workspace: string, status: 'active' | 'disabled') =>
      void (await this.send({
        method: 'PUT',
        path: `${EXT}/workspaces/${encodeURIComponent(workspace)}/status`,
        body: { status },
      })),
    listRequests: (filter: WorkspacesFilter & { status?: string } = {}) => {
      const q = workspacesQuery(filter);
      if (filter.status) q.set('status', filter.status);
      return this.ext('GET', `/role-requests?${q.toString()}`, normalizeRoleRequests);
    },
    decideRequest: (id: string, decision: 'approve' | 'decline' | 'cancel') =>
      this.ext('POST', `/role-requests/${encodeURIComponent(id)}/${decision}`, normalizeRoleRequest),
    events: (workspace: string) =>
      this.ext('GET', `/workspaces/${encodeURIComponent(workspace)}/events`, normalizeEvents),
    clock: () => this.ext('GET', '/clock', normalizeClock),
  };
}
