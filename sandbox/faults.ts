/**
 * Fault injection for the meshObject API: latency, 429 with Retry-After, 500/503, dropped
 * connections, hung requests, and lost responses (the request is processed, then the connection is
 * dropped: the client cannot tell whether it took effect), at a rate, from a seeded generator so
 * runs repeat.
 */
import { badRequest } from './problem';

export type FaultKind = '429' | '500' | '502' | '503' | '504' | 'drop' | 'timeout' | 'drop-response';
const KINDS: FaultKind[] = ['429', '500', '502', '503', '504', 'drop', 'timeout', 'drop-response'];

export interface FaultConfig {
  /** Probability in [0, 1] that a request gets a fault. */
  readonly rate: number;
  readonly kinds: FaultKind[];
  readonly seed: number;
  /** Added to every matching request, in ms. */
  readonly latencyMs: number;
  /**
   * Only requests whose "METHOD path" matches this pattern, where `*` stands for any characters
   * (e.g. `GET /api/meshobjects/*`). Not a regular expression: a pattern is matched against every
   * request, unauthenticated ones too, and must never be able to stall the server.
   */
  readonly routes?: string;
  readonly retryAfterSeconds: number;
  /** How long a `timeout` fault holds the request before dropping it. */
  readonly timeoutMs: number;
}

const NO_FAULTS: FaultConfig = {
  rate: 0,
  kinds: ['500'],
  seed: 1,
  latencyMs: 0,
  retryAfterSeconds: 1,
  timeoutMs: 10_000,
};

export function parseFaults(body: unknown): FaultConfig {
  const b = { ...NO_FAULTS, ...((body ?? {}) as Partial<FaultConfig>) };
  if (typeof b.rate !== 'number' || b.rate < 0 || b.rate > 1) throw badRequest('rate must be a number between 0 and 1');
  if (!Array.isArray(b.kinds) || b.kinds.length === 0 || b.kinds.some((k) => !KINDS.includes(k)))
    throw badRequest(`kinds must be a non-empty list of ${KINDS.join(', ')}`);
  for (const k of ['seed', 'latencyMs', 'retryAfterSeconds', 'timeoutMs'] as const) {
    if (typeof b[k] !== 'number' || b[k] < 0) throw badRequest(`${k} must be a number >= 0`);
  }
  if (b.routes !== undefined && (typeof b.routes !== 'string' || b.routes.length > 200))
    throw badRequest('routes must be a pattern such as "GET /api/meshobjects/*" (at most 200 characters)');
  return b;
}

/** Whether `text` matches `pattern` (`*`: any characters, anchored at both ends), in linear passes: no backtracking blow-up. */
export function matchesPattern(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return text === pattern;
  const [first, ...rest] = parts;
  const last = rest.pop()!;
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const part of rest) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private config: FaultConfig = NO_FAULTS;
  private random = generator(NO_FAULTS.seed);
  private routes?: string;
  public injected = 0;

  public configure(config: FaultConfig): void {
    this.config = config;
    this.random = generator(config.seed);
    this.routes = config.routes;
    this.injected = 0;
  }

  public get current(): FaultConfig {
    return this.config;
  }

  /** The latency to add and the fault to inject (if any) for one request. */
  public decide(method: string, path: string): { latencyMs: number; fault?: FaultKind } {
    if (this.routes !== undefined && !matchesPattern(this.routes, `${method} ${path}`)) return { latencyMs: 0 };
    const c = this.config;
    if (c.rate === 0 || this.random() >= c.rate) return { latencyMs: c.latencyMs };
    this.injected++;
    return { latencyMs: c.latencyMs, fault: c.kinds[Math.floor(this.random() * c.kinds.length)] };
  }
}
