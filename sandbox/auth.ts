/**
 * API-key login and bearer tokens, as meshStack: `POST /api/login` with clientId/clientSecret returns
 * a short-lived JWT. Secrets and passwords are stored only as scrypt hashes.
 */
import { type KeyObject, createHmac, createSecretKey, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'crypto';
import { promisify } from 'util';
import * as jwt from 'jsonwebtoken';
import type { Tx } from './db';
import { unauthorized } from './problem';

export interface Principal {
  readonly username: string;
  readonly isPartner: boolean;
  readonly clientId: string;
}

const SCRYPT_N = 4096;

export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, 32, { N: SCRYPT_N });
  return `scrypt$${SCRYPT_N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

const scryptAsync = promisify(scrypt) as (
  secret: string,
  salt: Buffer,
  length: number,
  options: { N: number },
) => Promise<Buffer>;

/** Off the event loop: a burst of logins does not stall every other request. */
async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n) });
  return timingSafeEqual(actual, expected);
}

/** No secret matches it: an unknown key is checked against it, so it takes as long as a wrong secret. */
const UNKNOWN_KEY_HASH = hashSecret(randomBytes(16).toString('base64url'));

/** Seeded keys without an explicit secret get one derived from the data dir's dev secret, stable across restarts. */
export function deriveDevSecret(devSecret: string, name: string): string {
  return createHmac('sha256', devSecret).update(`api-key:${name}`).digest('base64url').slice(0, 32);
}

export class TokenIssuer {
  // A KeyObject made once: given a string, jsonwebtoken tries to parse it as a public key on every verify.
  private readonly signingKey: KeyObject;

  constructor(
    signingKey: string,
    public readonly ttlSeconds: number,
  ) {
    this.signingKey = createSecretKey(Buffer.from(signingKey));
  }

  public issue(p: Principal): { access_token: string; expires_in: number } {
    const access_token = jwt.sign({ sub: p.username, cid: p.clientId }, this.signingKey, {
      algorithm: 'HS256',
      expiresIn: this.ttlSeconds,
      issuer: 'meshform-sandbox',
    });
    return { access_token, expires_in: this.ttlSeconds };
  }

  /** The token's subject and client, or a 401 for a missing, malformed, forged or expired token. */
  public verify(header: string | undefined): { username: string; clientId: string } {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m) throw unauthorized();
    try {
      const claims = jwt.verify(m[1], this.signingKey, { algorithms: ['HS256'], issuer: 'meshform-sandbox' }) as {
        sub: string;
        cid: string;
      };
      return { username: claims.sub, clientId: claims.cid };
    } catch (e) {
      throw unauthorized(e instanceof jwt.TokenExpiredError ? 'Access token expired' : 'Invalid access token');
    }
  }
}

export interface ApiKeyRow {
  readonly secret_hash: string;
  readonly username: string;
  readonly is_partner: boolean;
}

export async function findApiKey(tx: Tx, clientId: string): Promise<ApiKeyRow | undefined> {
  const [row] = await tx.query<ApiKeyRow>(
    'select k.secret_hash, k.username, u.is_partner from api_keys k join users u using (username) where k.client_id = $1',
    [clientId],
  );
  return row;
}

/** The secret is checked outside any transaction (`lookup` runs one), so logins never hold the database. */
export async function login(
  lookup: (clientId: string) => Promise<ApiKeyRow | undefined>,
  clientId: unknown,
  clientSecret: unknown,
): Promise<Principal> {
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string')
    throw unauthorized('clientId and clientSecret are required');
  const row = await lookup(clientId);
  // Same message and the same work for an unknown key and a wrong secret: no key enumeration.
  const matches = await verifySecret(clientSecret, row?.secret_hash ?? UNKNOWN_KEY_HASH);
  if (!row || !matches) throw unauthorized('Invalid client credentials');
  return { username: row.username, isPartner: row.is_partner, clientId };
}

/**
 * Failed logins per key and address: after FREE_FAILURES, each further attempt waits (1 s, doubling
 * up to a minute), the right secret too, so a secret cannot be guessed at network speed. Per
 * address, so a stranger cannot lock a key out for everyone.
 */
export class LoginThrottle {
  private static readonly FREE_FAILURES = 5;
  private static readonly MAX_ENTRIES = 10_000;
  private readonly failures = new Map<string, { count: number; blockedUntil: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds to wait, or 0 when this key may try now. */
  public waitSeconds(key: string): number {
    const f = this.failures.get(key);
    return f && f.blockedUntil > this.now() ? Math.ceil((f.blockedUntil - this.now()) / 1000) : 0;
  }

  public failed(key: string): void {
    const f = this.failures.get(key) ?? { count: 0, blockedUntil: 0 };
    f.count++;
    if (f.count >= LoginThrottle.FREE_FAILURES)
      f.blockedUntil = this.now() + Math.min(60, 2 ** (f.count - LoginThrottle.FREE_FAILURES)) * 1000;
    this.failures.delete(key);
    this.failures.set(key, f);
    // Oldest first: the map stays bounded under a flood of made-up keys.
    if (this.failures.size > LoginThrottle.MAX_ENTRIES) this.failures.delete(this.failures.keys().next().value!);
  }

  public succeeded(key: string): void {
    this.failures.delete(key);
  }
}

/**
 * Principals by token subject, valid only until the next write: any write may delete a user or key,
 * so a write clears it (revocation stays immediate) while read-only traffic such as a plan's
 * thousands of list calls skips the lookup.
 */
export class PrincipalCache {
  private readonly byKey = new Map<string, Principal>();
  /** Bumped by every clear: a lookup that a write overtook is not cached. */
  private generation = 0;

  public async get(tx: Tx, claims: { username: string; clientId: string }, lookup = principalOf): Promise<Principal> {
    const key = `${claims.clientId}\u0000${claims.username}`;
    const cached = this.byKey.get(key);
    if (cached) return cached;
    const started = this.generation;
    const p = await lookup(tx, claims);
    if (started === this.generation) this.byKey.set(key, p);
    return p;
  }

  public clear(): void {
    this.generation++;
    this.byKey.clear();
  }
}

async function principalOf(tx: Tx, claims: { username: string; clientId: string }): Promise<Principal> {
  const [row] = await tx.query<{ is_partner: boolean }>(
    'select u.is_partner from api_keys k join users u using (username) where k.client_id = $1 and k.username = $2',
    [claims.clientId, claims.username],
  );
  if (!row) throw unauthorized('API key no longer exists');
  return { username: claims.username, isPartner: row.is_partner, clientId: claims.clientId };
}
