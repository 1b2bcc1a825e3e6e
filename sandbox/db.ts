/**
 * The sandbox's embedded database: PGlite (Postgres compiled to WASM) in `--data-dir`, or in memory.
 * Every request runs in one transaction; grants lock the workspace row, so rules that count rows
 * (the owner limit, the project quota) hold under concurrent requests.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { type DataDirLock, createDataDir, lockDataDir, makePrivate } from './data-dir';
import { SandboxStartError } from './util/errors';
import { ExpiryWatch } from './domain/expiry';
import { DEFAULT_PROJECT_ROLE_ROWS } from './domain/project-roles';

export interface Tx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The database's expiry watermark; grants that write an expiry lower it. */
  readonly expiryWatch: ExpiryWatch;
}

export interface Db {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Read-only work without BEGIN/COMMIT (two of a list request's four round trips): each statement
   * runs on its own, between transactions, as it would under READ COMMITTED inside one. Writes are refused.
   */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly expiryWatch: ExpiryWatch;
}

const SCHEMA_VERSION = 3;

const SCHEMA = `
create table if not exists meta (key text primary key, value jsonb not null);
create table if not exists settings (key text primary key, value jsonb not null);
create table if not exists users (
  username text primary key, uuid text not null unique, email text, first_name text, last_name text, euid text,
  is_partner boolean not null default false, password_hash text, tags jsonb not null default '{}', created_on timestamptz not null);
create table if not exists api_keys (client_id text primary key, secret_hash text not null, username text not null references users(username));
create table if not exists workspaces (
  name text primary key, display_name text not null, tags jsonb not null default '{}', platform_builder_access boolean not null default false,
  status text not null default 'active', approved boolean not null default true, project_quota int,
  created_on timestamptz not null, deleted_on timestamptz, deletion_reason text);
create table if not exists projects (
  workspace text not null, name text not null, display_name text not null, tags jsonb not null default '{}',
  payment_method text, substitute_payment_method text, created_on timestamptz not null, deleted_on timestamptz,
  primary key (workspace, name));
create table if not exists workspace_bindings (
  name text primary key, subject_kind text not null, workspace text not null, role text not null, subject text not null,
  expiry_date date, created_on timestamptz not null);
create index if not exists workspace_bindings_ws on workspace_bindings (workspace);
create index if not exists workspace_bindings_expiry on workspace_bindings (expiry_date) where expiry_date is not null;
create index if not exists workspace_bindings_subject on workspace_bindings (subject_kind, subject);
create table if not exists project_bindings (
  name text primary key, subject_kind text not null, workspace text not null, project text not null, role text not null,
  subject text not null, expiry_date text, created_on timestamptz not null);
create index if not exists project_bindings_ws on project_bindings (workspace, project);
create index if not exists project_bindings_expiry on project_bindings (name) where expiry_date is not null;
create table if not exists role_requests (
  id text primary key, workspace text not null, project text, binding_name text not null, subject_kind text not null, subject text not null,
  role text not null, expiry_date text, invitation jsonb, requested_by text not null, requested_at timestamptz not null,
  approvals jsonb not null default '[]', status text not null, decided_by text, decided_at timestamptz);
create index if not exists role_requests_ws on role_requests (workspace, status);
create table if not exists invitations (
  email text not null, workspace text not null, first_name text, last_name text, status text not null,
  invited_by text not null, created_on timestamptz not null, primary key (email, workspace));
create table if not exists tag_definitions (name text primary key, doc jsonb not null);
create table if not exists user_groups (
  workspace text not null, name text not null, display_name text not null, egid text, members jsonb not null default '[]',
  tags jsonb not null default '{}', primary key (workspace, name));
create table if not exists payment_methods (
  name text primary key, workspace text not null, display_name text not null, amount numeric, expiration_date text,
  tags jsonb not null default '{}', created_on timestamptz not null, deleted_on timestamptz);
create table if not exists events (
  id bigserial primary key, workspace text not null, project text, type text not null, actor text not null,
  at timestamptz not null, details jsonb not null);
create index if not exists events_ws on events (workspace, id);
create table if not exists outbox (id bigserial primary key, recipient text not null, subject text not null, body text not null, at timestamptz not null);
`;

class PgliteDb implements Db {
  public readonly expiryWatch = new ExpiryWatch();

  constructor(
    private readonly pg: PGlite,
    private readonly lock?: DataDirLock,
  ) {}

  public transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.pg.transaction((t: Transaction) =>
      fn({
        query: async <R>(sql: string, params?: unknown[]) => (await t.query<R>(sql, params)).rows,
        expiryWatch: this.expiryWatch,
      }),
    );
  }

  public read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn({
      query: async <R>(sql: string, params?: unknown[]) => {
        if (WRITE_STATEMENT.test(sql)) throw new Error(`a read-only request tried to write: ${sql.slice(0, 60)}`);
        return (await this.pg.query<R>(sql, params)).rows;
      },
      expiryWatch: this.expiryWatch,
    });
  }

  public async close(): Promise<void> {
    try {
      await this.pg.close();
    } finally {
      this.lock?.release();
    }
  }
}

const WRITE_STATEMENT = /^\s*(insert|update|delete|create|alter|drop|truncate)\b/i;

const MARKER = 'meshform-sandbox.json';

/**
 * PGlite's Postgres is a large WebAssembly module. By default V8 compiles its hot functions again with
 * its optimizing compiler, which costs a sandbox more CPU than it saves: with the baseline compiler
 * alone, a start takes about half the CPU and small transactions less (docs/sandbox.md). Set
 * before the module is compiled; it applies to the process, which serves the sandbox.
 */
function useBaselineWasmCompiler(): void {
  v8.setFlagsFromString('--liftoff-only');
}

/**
 * Opens (or creates) the database. An existing data dir must be one of ours and readable:
 * anything else is a clear error, never a silent reset. A new one is created whole (see
 * ./data-dir), the data dir is held by this process until close(), and kept private to its owner.
 */
export async function openDb(dataDir: string | undefined): Promise<Db> {
  useBaselineWasmCompiler();
  if (dataDir === undefined) return migrate(await PGlite.create());
  const pgDir = path.join(dataDir, 'pg');
  const marker = path.join(dataDir, MARKER);
  const exists = fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0;
  if (exists && !fs.existsSync(marker)) {
    throw new SandboxStartError(
      'sandbox-data-dir',
      `data dir ${dataDir} is not empty and not a meshform sandbox data dir; choose an empty or new directory.`,
    );
  }
  if (exists) {
    let version: unknown;
    try {
      version = (JSON.parse(fs.readFileSync(marker, 'utf8')) as { schemaVersion?: unknown }).schemaVersion;
    } catch {
      version = undefined;
    }
    if (
      !(typeof version === 'number' && Number.isInteger(version) && version >= 1 && version <= SCHEMA_VERSION) ||
      !fs.existsSync(path.join(pgDir, 'PG_VERSION'))
    ) {
      throw new SandboxStartError(
        'sandbox-data-dir',
        `data dir ${dataDir} is damaged or from another version (schema ${String(version)}, expected ${SCHEMA_VERSION}); restore it or start with a new --data-dir.`,
      );
    }
  } else {
    await createDataDir(dataDir, async (dir) => {
      const pg = await PGlite.create(path.join(dir, 'pg'));
      await migrate(pg).then((db) => db.close());
      fs.writeFileSync(path.join(dir, MARKER), `${JSON.stringify({ schemaVersion: SCHEMA_VERSION })}\n`);
    });
  }
  const lock = lockDataDir(dataDir);
  try {
    makePrivate(dataDir);
    let pg: PGlite;
    try {
      pg = await PGlite.create(pgDir);
    } catch (e) {
      throw new SandboxStartError(
        'sandbox-data-dir',
        `cannot open the sandbox database in ${pgDir}: ${(e as Error).message}. Restore the directory or start with a new --data-dir.`,
      );
    }
    const db = await migrate(pg, lock);
    // Older data dirs were migrated above.
    fs.writeFileSync(marker, `${JSON.stringify({ schemaVersion: SCHEMA_VERSION })}\n`, { mode: 0o600 });
    return db;
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** Changes since schema 1, applied to data dirs of any version (statements are idempotent). */
const MIGRATIONS = `
alter table workspaces add column if not exists extra jsonb not null default '{}';
alter table projects add column if not exists extra jsonb not null default '{}';
alter table projects add column if not exists state text not null default 'ACTIVE';
alter table projects add column if not exists deletion_requested_at timestamptz;
update projects set state = 'DELETED' where deleted_on is not null and state = 'ACTIVE';
alter table role_requests add column if not exists reason text;
create table if not exists project_roles (
  name text primary key, display_name text not null, description text, rank numeric not null, tags jsonb not null default '{}', deleted_at timestamptz);
create table if not exists communication_definitions (uuid text primary key, doc jsonb not null, created_by text not null, created_on timestamptz not null);
create table if not exists communications (
  uuid text primary key, definition text not null references communication_definitions(uuid), target_kind text not null,
  target_name text not null, created_by text not null, created_on timestamptz not null);
insert into project_roles (name, display_name, rank) values ${DEFAULT_PROJECT_ROLE_ROWS.map(([n, d, r]) => `('${n}', '${d}', ${r})`).join(', ')} on conflict (name) do nothing;
`;

async function migrate(pg: PGlite, lock?: DataDirLock): Promise<Db> {
  await pg.exec(SCHEMA);
  await pg.exec(MIGRATIONS);
  return new PgliteDb(pg, lock);
}
