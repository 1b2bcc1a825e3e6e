/**
 * Connecting to a platform with the settings meshStack's Terraform provider and CLI read:
 * MESHSTACK_ENDPOINT, MESHSTACK_API_KEY + MESHSTACK_API_SECRET, or MESHSTACK_API_TOKEN.
 * On a loopback endpoint a key name alone is enough: the secret comes from the dev stack's /mesh/info.
 */
import { parseDuration } from '../../core/duration';
import { MeshformError, UsageError } from '../../core/errors';
import type { ApiClient } from './api';
import { type Credentials, HttpApiClient, type HttpClientOptions, isLoopbackUrl } from './http-client';

export { isLoopbackUrl };
import { DEFAULT_RETRY } from './retry';

/** The oldest meshStack release whose API meshform speaks (the Terraform provider's minimum). */
const MIN_PLATFORM_VERSION = '2026.34.0';

export interface ConnectionFlags {
  readonly endpoint?: string;
  readonly apiKey?: string;
}

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

export function resolveConnection(
  env: NodeJS.ProcessEnv,
  flags: ConnectionFlags = {},
): { endpoint: string; credentials: Credentials } {
  const endpoint = nonEmpty(flags.endpoint) ?? nonEmpty(env.MESHSTACK_ENDPOINT);
  if (!endpoint)
    throw new UsageError(
      'no platform to talk to: set MESHSTACK_ENDPOINT (or --endpoint), e.g. http://127.0.0.1:8080 for `meshform sandbox`.',
      'no-endpoint',
    );
  checkEndpoint(endpoint, nonEmpty(flags.endpoint) ? '--endpoint' : 'MESHSTACK_ENDPOINT');
  const token = nonEmpty(env.MESHSTACK_API_TOKEN);
  const secret = nonEmpty(env.MESHSTACK_API_SECRET);
  // As meshStack's Terraform provider: a token wins over key and secret, unless --api-key says otherwise.
  const key = nonEmpty(flags.apiKey) ?? (token ? undefined : nonEmpty(env.MESHSTACK_API_KEY));
  if (key) {
    if (!secret && !isLoopbackUrl(endpoint))
      throw new UsageError(
        'MESHSTACK_API_KEY is set without MESHSTACK_API_SECRET; set both, or MESHSTACK_API_TOKEN.',
        'no-credentials',
      );
    return { endpoint, credentials: { kind: 'key', key, secret } };
  }
  if (token) return { endpoint, credentials: { kind: 'token', token } };
  throw new UsageError(
    'no credentials: set MESHSTACK_API_KEY and MESHSTACK_API_SECRET, or MESHSTACK_API_TOKEN.',
    'no-credentials',
  );
}

/**
 * An http(s) URL with a host. `localhost:8080` parses as a URL whose scheme is `localhost:`, so a
 * forgotten scheme is caught here, with the URL that was most likely meant.
 */
function checkEndpoint(endpoint: string, source: string): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url && (url.username || url.password)) {
    // Axios would send them as Basic auth in place of the token, and network errors would print them.
    throw new UsageError(
      `${source} carries a user name or password (${url.protocol}//${url.host}${url.pathname}): leave them out; meshform logs in with MESHSTACK_API_KEY and MESHSTACK_API_SECRET`,
      'endpoint-credentials',
    );
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return;
  const bare = /^[a-z0-9.-]+(:\d+)?(\/.*)?$/i.test(endpoint) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint);
  const meant = bare ? `${isLoopbackUrl(`http://${endpoint}`) ? 'http' : 'https'}://${endpoint}` : undefined;
  throw new UsageError(
    `${source} "${endpoint}" is not an http(s) URL${meant ? `; did you mean ${meant}?` : ', e.g. https://meshstack.example.com'}`,
    'bad-endpoint',
  );
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function durationSetting(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined || ms < 0)
    throw new UsageError(`${name} must be a duration like 500ms, 30s or 2m, got "${raw}"`, 'bad-setting');
  return ms;
}

/**
 * How long a request may stay silent (MESHFORM_REQUEST_TIMEOUT, default 30s), how long a call may keep
 * retrying transient failures (MESHFORM_RETRY_BUDGET, default 4m, enough for a backend restart; a CI
 * job can bound its wait on a platform that is down), and how many requests may be in flight at once
 * (MESHFORM_MAX_CONCURRENT_REQUESTS; default 1 against a remote platform, as meshStack advises per key).
 */
export function clientSettings(
  env: NodeJS.ProcessEnv,
): Pick<HttpClientOptions, 'timeoutMs' | 'retry' | 'maxConcurrentRequests'> {
  const timeoutMs = durationSetting(env, 'MESHFORM_REQUEST_TIMEOUT');
  const budgetMs = durationSetting(env, 'MESHFORM_RETRY_BUDGET');
  const rawConcurrency = nonEmpty(env.MESHFORM_MAX_CONCURRENT_REQUESTS);
  const maxConcurrentRequests = rawConcurrency === undefined ? undefined : Number(rawConcurrency);
  if (maxConcurrentRequests !== undefined && !(Number.isInteger(maxConcurrentRequests) && maxConcurrentRequests >= 1)) {
    throw new UsageError(
      `MESHFORM_MAX_CONCURRENT_REQUESTS must be a whole number >= 1, got "${rawConcurrency}"`,
      'bad-setting',
    );
  }
  return {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(budgetMs !== undefined ? { retry: { ...DEFAULT_RETRY, budgetMs } } : {}),
    ...(maxConcurrentRequests !== undefined ? { maxConcurrentRequests } : {}),
  };
}

/** Connects and checks the platform version, unless MESHSTACK_SKIP_VERSION_CHECK=true (then /mesh/info is optional throughout). */
export async function connect(
  env: NodeJS.ProcessEnv,
  flags: ConnectionFlags = {},
  options: Pick<HttpClientOptions, 'readMemo'> = {},
): Promise<ApiClient> {
  const skipVersionCheck = env.MESHSTACK_SKIP_VERSION_CHECK === 'true';
  const client = new HttpApiClient({
    ...resolveConnection(env, flags),
    ...clientSettings(env),
    ...options,
    skipVersionCheck,
  });
  if (!skipVersionCheck) {
    const { version } = await client.info();
    if (compareVersions(version, MIN_PLATFORM_VERSION) < 0) {
      throw new MeshformError(
        'platform-too-old',
        `the platform runs meshStack ${version}; meshform needs ${MIN_PLATFORM_VERSION} or newer. Set MESHSTACK_SKIP_VERSION_CHECK=true to try anyway.`,
        'usage',
      );
    }
  }
  return client;
}
