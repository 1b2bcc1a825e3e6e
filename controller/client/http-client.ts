/**
 * The meshObject API over HTTP (axios): API-key login with the token refreshed before it expires,
 * versioned media types per kind, HAL paging at 1,000 per page, retries with backoff and jitter on
 * transient failures within a time budget, and typed errors that never carry credentials.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { ApiError, MalformedResponseError, UsageError, isApiError, isMeshformError } from '../../core/errors';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import { type ApiClient, RequestStats, type WorkspaceFilter } from './api';
import { DEFAULT_RETRY, type RetryPolicy, parseRetryAfter, withRetry } from './retry';
import type { BindingRequest, Capability, CreateOutcome, LiveBinding } from './types';
import {
  ShapeError,
  bindingBody,
  bindingKind,
  normalizeBinding,
  normalizeClock,
  normalizeEvents,
  normalizeIdentity,
  normalizeProject,
  normalizeRoleRequest,
  normalizeRoleRequests,
  normalizeSettings,
  normalizeTagDefinition,
  normalizeUser,
  normalizeWorkspace,
  normalizeWorkspaceStatuses,
  projectBody,
  tagDefinitionBody,
  workspaceBody,
} from './wire';

export type Credentials = { readonly kind: 'key'; readonly key: string; readonly secret?: string } | { readonly kind: 'token'; readonly token: string };

export interface HttpClientOptions {
  readonly endpoint: string;
  readonly credentials: Credentials;
  /** Per-request timeout. @default 30000 */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** @default 1000, meshStack's maximum */
  readonly pageSize?: number;
}

/** Refresh a token this long before it expires, as meshStack's Terraform provider does. */
const MIN_TOKEN_LIFETIME_MS = 30_000;
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const API = '/api/meshobjects';
const LOGIN = '/api/login';
const EXT = '/sandbox/v1';

const media = (kind: string, version: string) => `application/vnd.meshcloud.api.${kind.toLowerCase()}.${version}.hal+json`;
const byWorkspace = (f: WorkspaceFilter): Record<string, string> => (f.workspace ? { workspaceIdentifier: f.workspace } : {});

interface Call {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly media?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Statuses that are answers, not errors (e.g. 404 on a read). */
  readonly accept?: number[];
  readonly auth?: boolean;
}

export class HttpApiClient implements ApiClient {
  public readonly stats = new RequestStats();
  private readonly http: AxiosInstance;
  private readonly retry: RetryPolicy;
  private readonly pageSize: number;
  private token?: { value: string; expiresAt: number; lifetimeMs: number };
  private caps?: Promise<Capability[]>;
  private devSecret?: string;
  private loggingIn?: Promise<string>;

  constructor(private readonly options: HttpClientOptions) {
    this.http = axios.create({
      baseURL: options.endpoint.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? 30_000,
      validateStatus: () => true,
      // Parsed here, so a truncated or non-JSON body is a typed error and not a crash.
      responseType: 'text',
      transformResponse: [(d) => d],
      maxRedirects: 0,
    });
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.pageSize = options.pageSize ?? 1000;
  }

  // ---- transport -------------------------------------------------------------------------

  private async send(call: Call): Promise<{ status: number; data: unknown; response: AxiosResponse }> {
    let relogged = false;
    return withRetry(
      async () => {
        if (call.path === LOGIN) this.stats.logins++;
        else this.stats.count(call.method);
        let response: AxiosResponse<string>;
        try {
          const auth = call.auth === false ? {} : { Authorization: `Bearer ${await this.accessToken()}` };
          response = await this.http.request({
            method: call.method,
            url: call.path,
            data: call.body === undefined ? undefined : JSON.stringify(call.body),
            headers: {
              Accept: call.media ?? 'application/json',
              ...(call.body === undefined ? {} : { 'Content-Type': call.media ?? 'application/json' }),
              ...auth,
              ...call.headers,
            },
          });
        } catch (e) {
          // Our own errors come from logging in, which retried within its own budget already.
          if (isMeshformError(e)) return { error: e, retryable: false };
          const code = (e as { code?: string }).code ?? 'network error';
          return { error: new ApiError(call.method, call.path, undefined, `${code} (${this.options.endpoint})`, true), retryable: true };
        }
        if (response.status === 401 && call.auth !== false && !relogged && this.options.credentials.kind === 'key') {
          // The token ended early (a platform restart, a clock skew): log in again, once.
          relogged = true;
          this.token = undefined;
          return { error: this.failure(call, response), retryable: true, retryAfterMs: 0 };
        }
        if (response.status >= 400 && !(call.accept ?? []).includes(response.status)) {
          return { error: this.failure(call, response), retryable: TRANSIENT_STATUS.has(response.status), retryAfterMs: parseRetryAfter(response.headers['retry-after']) };
        }
        return { value: { status: response.status, data: this.parse(call, response), response } };
      },
      this.retry,
      {
        onRetry: () => this.stats.retries++,
        onGiveUp: (e, attempts, elapsedMs) =>
          isApiError(e) && attempts > 1
            ? new ApiError(e.method, e.path, e.status, `${e.platformMessage} (gave up after ${attempts} attempts in ${(elapsedMs / 1000).toFixed(1)} s; the platform may be down or overloaded; MESHFORM_RETRY_BUDGET sets how long to retry)`, true)
            : e,
      },
    );
  }

  private parse(call: Call, response: AxiosResponse<string>): unknown {
    if (response.status === 204 || response.data === '' || response.data === undefined) return undefined;
    const type = String(response.headers['content-type'] ?? '');
    if (!/json/i.test(type)) throw new MalformedResponseError(call.method, call.path, `content type "${type}" is not JSON`);
    try {
      return JSON.parse(response.data);
    } catch (e) {
      throw new MalformedResponseError(call.method, call.path, `invalid JSON (${(e as Error).message})`);
    }
  }

  private failure(call: Call, response: AxiosResponse<string>): ApiError {
    let message = '';
    try {
      const body = JSON.parse(response.data) as { message?: unknown };
      message = typeof body.message === 'string' ? body.message : '';
    } catch {
      message = String(response.data ?? '').slice(0, 200);
    }
    return new ApiError(call.method, call.path, response.status, message || String(response.statusText ?? ''), TRANSIENT_STATUS.has(response.status));
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
    if (this.token && this.token.expiresAt - Date.now() > Math.min(MIN_TOKEN_LIFETIME_MS, this.token.lifetimeMs / 2)) return this.token.value;
    // One login at a time: concurrent requests that find the token expiring share it.
    this.loggingIn ??= this.login(creds).finally(() => (this.loggingIn = undefined));
    return this.loggingIn;
  }

  private async login(creds: { key: string; secret?: string }): Promise<string> {
    // A dev stack's secret is looked up once per session, not at every re-login.
    const secret = creds.secret ?? (this.devSecret ??= await this.devLocalSecret(creds.key));
    const { data } = await this.send({ method: 'POST', path: LOGIN, body: { clientId: creds.key, clientSecret: secret }, auth: false });
    const token = data as { access_token?: unknown; expires_in?: unknown };
    if (typeof token.access_token !== 'string') throw new MalformedResponseError('POST', LOGIN, 'no access_token');
    const lifetimeMs = typeof token.expires_in === 'number' ? token.expires_in * 1000 : 300_000;
    this.token = { value: token.access_token, expiresAt: Date.now() + lifetimeMs, lifetimeMs };
    return this.token.value;
  }

  /** A local dev stack publishes its keys' secrets in /mesh/info (loopback only), as meshStack's CLI uses them. */
  private async devLocalSecret(key: string): Promise<string> {
    const { data } = await this.send({ method: 'GET', path: '/mesh/info', auth: false });
    const secret = (data as { devLocalCredentials?: { apiKeys?: Record<string, { clientSecret?: string }> } }).devLocalCredentials?.apiKeys?.[key]?.clientSecret;
    if (!secret) throw new UsageError(`no secret for API key "${key}": set MESHSTACK_API_SECRET (the endpoint publishes no dev credentials for it)`, 'missing-secret');
    return secret;
  }

  /** All items of a HAL list, following `_links.next` (same origin only). */
  private async list<T>(path: string, kind: string, version: string, key: string, normalize: (v: unknown) => T, query: Record<string, string> = {}): Promise<T[]> {
    const params = new URLSearchParams({ ...query, page: '0', size: String(this.pageSize) });
    let next: string | undefined = `${path}?${params.toString()}`;
    const out: T[] = [];
    const seen = new Set<string>();
    while (next) {
      // A next link back to a page already read would never end.
      if (seen.has(next)) throw new MalformedResponseError('GET', path, `next link loops back to ${next}`);
      seen.add(next);
      const { data } = await this.send({ method: 'GET', path: next, media: media(kind, version) });
      const body = data as { _embedded?: Record<string, unknown>; _links?: { next?: { href?: unknown } } } | undefined;
      const items = body?._embedded?.[key];
      if (!Array.isArray(items)) throw new MalformedResponseError('GET', path, `no _embedded.${key} list`);
      for (const item of items) out.push(this.shape({ method: 'GET', path }, item, normalize));
      const href = body?._links?.next?.href;
      next = typeof href === 'string' && items.length > 0 ? this.sameOrigin(href, path) : undefined;
    }
    return out;
  }

  private sameOrigin(href: string, path: string): string {
    const url = new URL(href, this.options.endpoint);
    if (url.origin !== new URL(this.options.endpoint).origin) throw new MalformedResponseError('GET', path, `next link points to another host: ${url.origin}`);
    return `${url.pathname}${url.search}`;
  }

  // ---- kinds -----------------------------------------------------------------------------

  public readonly workspaces = {
    list: () => this.list(`${API}/meshworkspaces`, 'meshWorkspace', 'v2', 'meshWorkspaces', normalizeWorkspace),
    read: async (name: string) => {
      const call = { method: 'GET' as const, path: `${API}/meshworkspaces/${encodeURIComponent(name)}`, media: media('meshWorkspace', 'v2'), accept: [404] };
      const { status, data } = await this.send(call);
      return status === 404 ? undefined : this.shape(call, data, normalizeWorkspace);
    },
    create: async (ws: Parameters<ApiClient['workspaces']['create']>[0]) => {
      await this.createOrCompare(`${API}/meshworkspaces`, media('meshWorkspace', 'v2'), workspaceBody(ws), async () => {
        const live = await this.workspaces.read(ws.name);
        return live !== undefined && !live.deleted;
      });
    },
    update: async (ws: Parameters<ApiClient['workspaces']['update']>[0]) => {
      await this.send({ method: 'PUT', path: `${API}/meshworkspaces/${encodeURIComponent(ws.name)}`, media: media('meshWorkspace', 'v2'), body: workspaceBody(ws) });
    },
    delete: async (name: string, reason: string) => {
      await this.send({ method: 'DELETE', path: `${API}/meshworkspaces/${encodeURIComponent(name)}`, media: media('meshWorkspace', 'v2'), headers: { 'X-Deletion-Reason': reason }, accept: [404] });
    },
  };

  public readonly projects = {
    list: (filter: WorkspaceFilter = {}) => this.list(`${API}/meshprojects`, 'meshProject', 'v2', 'meshProjects', normalizeProject, byWorkspace(filter)),
    create: async (p: Parameters<ApiClient['projects']['create']>[0]) => {
      await this.createOrCompare(`${API}/meshprojects`, media('meshProject', 'v2'), projectBody(p), async () => {
        const { status } = await this.send({ method: 'GET', path: `${API}/meshprojects/${p.workspace}.${p.name}`, media: media('meshProject', 'v2'), accept: [404] });
        return status !== 404;
      });
    },
    update: async (p: Parameters<ApiClient['projects']['update']>[0]) => {
      await this.send({ method: 'PUT', path: `${API}/meshprojects/${p.workspace}.${p.name}`, media: media('meshProject', 'v2'), body: projectBody(p) });
    },
    delete: async (workspace: string, name: string) => {
      await this.send({ method: 'DELETE', path: `${API}/meshprojects/${workspace}.${name}`, media: media('meshProject', 'v2'), accept: [404] });
    },
  };

  public readonly bindings = {
    listWorkspaceBindings: async (filter: WorkspaceFilter = {}): Promise<LiveBinding[]> => [
      ...(await this.list(`${API}/meshworkspacebindings/userbindings`, 'meshWorkspaceUserBinding', 'v2', 'meshWorkspaceUserBindings', normalizeBinding, byWorkspace(filter))),
      ...(await this.list(`${API}/meshworkspacebindings/groupbindings`, 'meshWorkspaceGroupBinding', 'v2', 'meshWorkspaceGroupBindings', normalizeBinding)).filter((b) => !filter.workspace || b.workspace === filter.workspace),
    ],
    listProjectBindings: async (workspace: string, project: string): Promise<LiveBinding[]> => {
      const q = { workspaceIdentifier: workspace, projectIdentifier: project };
      return [
        ...(await this.list(`${API}/meshprojectbindings/userbindings`, 'meshProjectUserBinding', 'v3', 'meshProjectUserBindings', normalizeBinding, q)),
        ...(await this.list(`${API}/meshprojectbindings/groupbindings`, 'meshProjectGroupBinding', 'v3', 'meshProjectGroupBindings', normalizeBinding, q)),
      ];
    },
    create: async (b: BindingRequest): Promise<CreateOutcome> => {
      const caps = await this.capabilities();
      const type = media(bindingKind(b), b.project === undefined ? 'v2' : 'v3');
      const body = bindingBody(b, b.project === undefined || caps.includes('project-binding-expiry'), caps.includes('invitations'));
      const { status, data } = await this.send({ method: 'POST', path: this.bindingPath(b), media: type, body, accept: [409] });
      if (status === 202) {
        const id = (data as { pendingRequest?: { id?: unknown } })?.pendingRequest?.id;
        if (typeof id !== 'string') throw new MalformedResponseError('POST', this.bindingPath(b), '202 without pendingRequest.id');
        return { status: 'pending', requestId: id };
      }
      if (status === 409) return this.compareExistingBinding(b, type, caps);
      return { status: 'created' };
    },
    delete: async (b: Pick<LiveBinding, 'name' | 'project' | 'subjectKind'>) => {
      const type = media(bindingKind(b), b.project === undefined ? 'v2' : 'v3');
      await this.send({ method: 'DELETE', path: `${this.bindingPath(b)}/${encodeURIComponent(b.name)}`, media: type, accept: [404] });
    },
  };

  private bindingPath(b: Pick<LiveBinding, 'project' | 'subjectKind'>): string {
    return `${API}/${b.project === undefined ? 'meshworkspacebindings' : 'meshprojectbindings'}/${b.subjectKind === 'User' ? 'user' : 'group'}bindings`;
  }

  /**
   * A 409 on create means the name exists: a create retried after a lost response, or someone
   * else's binding. Read it back: the same binding is success, the same grant waiting for a second
   * approval (a lost 202) is pending, anything else a conflict.
   */
  private async compareExistingBinding(b: BindingRequest, type: string, caps: Capability[]): Promise<CreateOutcome> {
    const path = `${this.bindingPath(b)}/${encodeURIComponent(b.name)}`;
    const { status, data } = await this.send({ method: 'GET', path, media: type, accept: [404] });
    const live = status === 404 ? undefined : this.shape({ method: 'GET', path }, data, normalizeBinding);
    const same = (x: { workspace: string; project?: string; subject: string; role: string }) => x.workspace === b.workspace && x.project === b.project && x.subject === b.subject && x.role === b.role;
    if (live && same(live)) return { status: 'created' };
    if (!live && caps.includes('role-requests')) {
      const pending = (await this.extensions.listRequests({ workspace: b.workspace, status: 'PENDING' })).find((r) => r.bindingName === b.name);
      if (pending && same(pending)) return { status: 'pending', requestId: pending.id };
    }
    throw new ApiError('POST', this.bindingPath(b), 409, `binding name "${b.name}" is taken by another binding`, false);
  }

  private async createOrCompare(path: string, type: string, body: unknown, exists: () => Promise<boolean>): Promise<void> {
    const { status } = await this.send({ method: 'POST', path, media: type, body, accept: [409] });
    if (status === 409 && !(await exists())) throw new ApiError('POST', path, 409, 'the identifier is taken (possibly by a deleted object)', false);
  }

  public readonly tagDefinitions = {
    list: () => this.list(`${API}/meshtagdefinitions`, 'meshTagDefinition', 'v1', 'meshTagDefinitions', normalizeTagDefinition),
    put: async (def: TagDefinition) => {
      await this.send({ method: 'PUT', path: `${API}/meshtagdefinitions/${encodeURIComponent(def.metadata.name)}`, media: media('meshTagDefinition', 'v1'), body: tagDefinitionBody(def) });
    },
  };

  public readonly users = {
    list: () => this.list(`${API}/meshusers`, 'meshUser', 'v2', 'meshUsers', normalizeUser),
  };

  public async info() {
    const { data } = await this.send({ method: 'GET', path: '/mesh/info', auth: false });
    const o = data as { version?: unknown; is4EPEnabled?: unknown };
    if (typeof o?.version !== 'string') throw new MalformedResponseError('GET', '/mesh/info', 'no version');
    return { version: o.version, fourEyesEnabled: o.is4EPEnabled === true };
  }

  private capabilities(): Promise<Capability[]> {
    this.caps ??= this.send({ method: 'GET', path: `${EXT}/capabilities`, auth: false, accept: [404, 401, 403] }).then(({ status, data }) =>
      status === 200 && Array.isArray((data as { extensions?: unknown }).extensions) ? ((data as { extensions: Capability[] }).extensions ?? []) : [],
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
    workspaceStatuses: () => this.ext('GET', '/workspaces', normalizeWorkspaceStatuses),
    setQuota: async (workspace: string, maxProjects: number | null) => void (await this.send({ method: 'PUT', path: `${EXT}/workspaces/${encodeURIComponent(workspace)}/quota`, body: { maxProjects } })),
    setStatus: async (workspace: string, status: 'active' | 'disabled') => void (await this.send({ method: 'PUT', path: `${EXT}/workspaces/${encodeURIComponent(workspace)}/status`, body: { status } })),
    listRequests: (filter: { workspace?: string; status?: string } = {}) => {
      const q = new URLSearchParams();
      if (filter.workspace) q.set('workspaceIdentifier', filter.workspace);
      if (filter.status) q.set('status', filter.status);
      return this.ext('GET', `/role-requests?${q.toString()}`, normalizeRoleRequests);
    },
    decideRequest: (id: string, decision: 'approve' | 'decline' | 'cancel') => this.ext('POST', `/role-requests/${encodeURIComponent(id)}/${decision}`, normalizeRoleRequest),
    events: (workspace: string) => this.ext('GET', `/workspaces/${encodeURIComponent(workspace)}/events`, normalizeEvents),
    clock: () => this.ext('GET', '/clock', normalizeClock),
  };
}
