/**
 * The sandbox's principals and starting data: a partner admin and demo users, each with an API
 * key, plus optional settings, groups and tag definitions. Applied once, to a new data dir.
 * Secrets not given in the seed are derived from the data dir's dev secret (stable across restarts);
 * the database keeps only hashes.
 */
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import { SandboxStartError } from './util/errors';
import { deriveDevSecret, hashSecret } from './auth';
import type { Tx } from './db';
import { getMeta, type PlatformSettings, putMeta, putSettings } from './domain/settings';

export interface SeedUser {
  readonly username: string;
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly partner?: boolean;
  readonly password?: string;
}

export interface SeedApiKey {
  /** The key's configured name, under which a dev stack publishes it (meshStack's CLI logs in with the clientId it carries). @default the clientId */
  readonly name?: string;
  readonly clientId: string;
  readonly user: string;
  readonly clientSecret?: string;
}

export interface Seed {
  readonly settings?: Partial<PlatformSettings>;
  readonly users: SeedUser[];
  readonly apiKeys: SeedApiKey[];
  readonly groups?: Array<{ workspace: string; name: string; displayName?: string; members: string[] }>;
}

const DEMO_USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

/** The demo principals: partner admin `partner-admin` and users alice, bob, carol, dave, erin (key = username). */
export const DEFAULT_SEED: Seed = {
  users: [
    {
      username: 'partner.admin',
      email: 'partner.admin@example.com',
      firstName: 'Pat',
      lastName: 'Partner',
      partner: true,
    },
    ...DEMO_USERS.map((u) => ({
      username: u,
      email: `${u}@example.com`,
      firstName: u[0].toUpperCase() + u.slice(1),
      lastName: 'Example',
    })),
  ],
  apiKeys: [{ clientId: 'partner-admin', user: 'partner.admin' }, ...DEMO_USERS.map((u) => ({ clientId: u, user: u }))],
  groups: [
    { workspace: 'payments', name: 'payments-devs', displayName: 'Payments developers', members: ['carol', 'erin'] },
    { workspace: 'checkout', name: 'checkout-devs', displayName: 'Checkout developers', members: ['erin'] },
  ],
};

// Loaded by `await import()` in sandbox/cli.ts, which ts-unused-exports does not follow.
// ts-unused-exports:disable-next-line
export async function readSeedFile(file: string): Promise<Seed> {
  // Only a --seed file needs the YAML parser: a start without one does not load it.
  const { parse } = await import('yaml');
  let data: unknown;
  try {
    data = parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SandboxStartError('sandbox-seed', `cannot read seed file ${file}: ${(e as Error).message}`);
  }
  const seed = data as Partial<Seed> | null;
  if (!seed || !Array.isArray(seed.users) || !Array.isArray(seed.apiKeys)) {
    throw new SandboxStartError('sandbox-seed', `seed file ${file} must have "users" and "apiKeys" lists`);
  }
  return { users: seed.users, apiKeys: seed.apiKeys, settings: seed.settings, groups: seed.groups ?? [] };
}

/** The dev secret of this data dir, created on first start. */
async function devSecret(tx: Tx): Promise<string> {
  const existing = await getMeta<string>(tx, 'devSecret');
  if (existing) return existing;
  const created = randomBytes(32).toString('base64url');
  await putMeta(tx, 'devSecret', created);
  return created;
}

/** Applies the seed to a new database; a database that was seeded before is left as it is. */
export async function applySeed(tx: Tx, seed: Seed, now: Date): Promise<boolean> {
  if (await getMeta(tx, 'seeded')) return false;
  const dev = await devSecret(tx);
  for (const u of seed.users) {
    await tx.query(
      'insert into users (username, uuid, email, first_name, last_name, is_partner, password_hash, created_on) values ($1, $2, $3, $4, $5, $6, $7, $8)',
      [
        u.username,
        randomUUID(),
        u.email ?? null,
        u.firstName ?? null,
        u.lastName ?? null,
        u.partner ?? false,
        // A dev password is derived from the data dir's secret whenever it is needed (/mesh/info publishes it), so
        // a hash of it would protect nothing; not computing one keeps a seed of a thousand people cheap (scrypt).
        u.password === undefined ? null : hashSecret(u.password),
        now.toISOString(),
      ],
    );
  }
  for (const k of seed.apiKeys) {
    if (!seed.users.some((u) => u.username === k.user))
      throw new SandboxStartError('sandbox-seed', `seed api key ${k.clientId} names unknown user ${k.user}`);
    await tx.query('insert into api_keys (client_id, secret_hash, username) values ($1, $2, $3)', [
      k.clientId,
      hashSecret(k.clientSecret ?? deriveDevSecret(dev, k.clientId)),
      k.user,
    ]);
  }
  for (const g of seed.groups ?? []) {
    await tx.query('insert into user_groups (workspace, name, display_name, members) values ($1, $2, $3, $4)', [
      g.workspace,
      g.name,
      g.displayName ?? g.name,
      JSON.stringify(g.members),
    ]);
  }
  if (seed.settings) await putSettings(tx, seed.settings);
  await putMeta(tx, 'seed', {
    apiKeys: seed.apiKeys.map((k) => ({
      name: k.name ?? k.clientId,
      clientId: k.clientId,
      user: k.user,
      explicit: k.clientSecret !== undefined,
    })),
    users: seed.users.map((u) => ({ username: u.username, explicit: u.password !== undefined })),
  });
  await putMeta(tx, 'seeded', true);
  return true;
}

/**
 * The credentials meshStack's dev stack publishes in /mesh/info as `devLocalCredentials`: only
 * derived secrets (explicit ones from a seed file are not known after the first start).
 */
export async function devLocalCredentials(tx: Tx) {
  const dev = await devSecret(tx);
  const seed = (await getMeta<{
    apiKeys: Array<{ name?: string; clientId: string; explicit: boolean }>;
    users: Array<{ username: string; explicit: boolean }>;
  }>(tx, 'seed')) ?? { apiKeys: [], users: [] };
  // Keyed by the key's name; the value carries the clientId to log in with, as meshStack's dev stack publishes it.
  const apiKeys: Record<string, { clientId: string; clientSecret: string }> = {};
  for (const k of seed.apiKeys.filter((x) => !x.explicit))
    apiKeys[k.name ?? k.clientId] = { clientId: k.clientId, clientSecret: deriveDevSecret(dev, k.clientId) };
  const users: Record<string, { password: string; workspaces: Record<string, string> }> = {};
  for (const u of seed.users.filter((x) => !x.explicit)) {
    const roles = await tx.query<{ workspace: string; role: string }>(
      `select workspace, role from workspace_bindings where subject_kind = 'user' and subject = $1 order by workspace, role`,
      [u.username],
    );
    users[u.username] = {
      password: deriveDevSecret(dev, `password:${u.username}`),
      workspaces: Object.fromEntries(roles.map((r) => [r.workspace, r.role])),
    };
  }
  return { apiKeys, users };
}
