import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { createRequire } from 'node:module';
import type pgTypes from 'pg';
import { UserError } from '../errors.ts';
import { dialectOf, isPostgresUrl, sqlitePath } from './dialect.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/** The PostgreSQL schema each handle works in (`?schema=` in the URL; default public). */
const schemas = new WeakMap<Db, string>();

/** The better-sqlite3 connection under each SQLite handle (see `sqliteConnection`). */
const sqliteConnections = new WeakMap<Db, SQLite.Database>();

/**
 * Opens the store named by DATABASE_URL: `file:data/digest.db` or `:memory:`
 * (SQLite), or `postgres://user@host:5432/db[?schema=name]` (PostgreSQL).
 *
 * @example
 * const db = openDatabase('file:data/digest.db');
 * await migrateToLatest(db);
 */
export function openDatabase(url: string): Db {
  if (isPostgresUrl(url)) return openPostgres(url);
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(path);
  } catch (error) {
    throw new UserError(`cannot open database ${path}: ${(error as Error).message}`, 'EDATABASE');
  }
  // WAL lets readers (status, preview) run while a send writes; busy_timeout
  // makes a second process wait for the write lock instead of failing at once.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // better-sqlite3 defaults to a 16 MB page cache, which a send to 100,000
  // fills (and the sender's RSS with it); its point updates and sequential
  // claims need little. 4 MB.
  sqlite.pragma('cache_size = -4000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  sqliteConnections.set(db, sqlite);
  return db;
}

/**
 * The SQLite connection under `db`, for a statement the sender runs once per
 * message (Kysely's promise and mutex round trip cost as much as the update
 * itself). Undefined on PostgreSQL, for a transaction handle, and while a
 * Kysely transaction is open on the connection: a statement run then would
 * become part of that transaction and be lost if it rolled back, so the
 * caller must go through Kysely, which waits for the transaction to end.
 */
export function sqliteConnection(db: Db): SQLite.Database | undefined {
  const sqlite = sqliteConnections.get(db);
  return sqlite && !sqlite.inTransaction ? sqlite : undefined;
}

/**
 * The PostgreSQL driver, loaded on first use: a SQLite sender never pays
 * for it (about 7 MB of resident memory).
 */
function pg(): typeof pgTypes {
  return createRequire(import.meta.url)('pg') as typeof pgTypes;
}

/**
 * `?schema=NAME` puts every table in that schema (created by the first
 * migration run), so several publications or test runs can share a
 * database; `?pool=N` sizes the connection pool (default 10).
 */
function postgresOptions(url: string): pgTypes.PoolConfig & { schema: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? '';
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new UserError(`DATABASE_URL: schema must be a lower-case SQL name, got "${schema}"`, 'ECONFIG');
  }
  parsed.searchParams.delete('schema');
  const max = Number(parsed.searchParams.get('pool') ?? 10);
  parsed.searchParams.delete('pool');
  return { connectionString: parsed.toString(), max, ...(schema ? { options: `-c search_path=${schema}` } : {}), schema };
}

function openPostgres(url: string): Db {
  const { schema, ...options } = postgresOptions(url);
  const pool = new (pg().Pool)(options);
  // An idle client that loses its server (a restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Nor a checked-out one: pg-pool listens for errors only while a client is idle, and a connection
  // terminated mid-query (pg_terminate_backend, a failover) emits `error` on the client as well as
  // failing the query. The query's own error reaches the caller; the event must not kill the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (schema) schemas.set(db, schema);
  return db;
}

/**
 * Kysely prepares every query anew; the sender runs the same few statements
 * once or twice per recipient, so preparing them again was a measurable part
 * of its CPU. Statements are cached by their SQL text (Kysely's parameters
 * are bound, never inlined, so the text repeats).
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver);
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          statement = target.prepare(source);
          if (cache.size > 500) cache.clear();
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

/**
 * Can the store be reached right now? For SQLite, opens the file afresh
 * (read-only, must exist) and reads its schema: an open handle keeps working
 * on a file that was deleted or replaced, so asking it would prove nothing.
 * For PostgreSQL, a new connection (not one from the pool) runs a query.
 */
export async function probeDatabase(url: string): Promise<void> {
  if (url === ':memory:') return;
  if (isPostgresUrl(url)) {
    const { schema: _, ...options } = postgresOptions(url);
    const client = new (pg().Client)({ ...options, connectionTimeoutMillis: 3000, query_timeout: 3000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select count(*) from kysely_migration');
    } finally {
      await client.end().catch(() => {});
    }
    return;
  }
  const probe = new SQLite(sqlitePath(url), { readonly: true, fileMustExist: true });
  try {
    probe.prepare('select count(*) from sqlite_master').get();
  } finally {
    probe.close();
  }
}

/** Runs every pending migration. Kysely's Migrator never throws: we check its result. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  if (dialectOf(db) === 'postgres') {
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      const reason = (error as Error).message || (error as { code?: string }).code;
      throw new UserError(`cannot reach PostgreSQL: ${reason}`, 'EDATABASE');
    }
  }
  // The common case, every migration applied: answered from the store's own list, without the
  // Migrator, whose PostgreSQL introspection reads every schema of the database (and fails if
  // another is dropped at that moment).
  if (await upToDate(db)) return [];
  const schema = schemas.get(db);
  if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const message = error instanceof Error ? error.message : String(error ?? 'unknown error');
    const unknown = /previously executed migration (\S+) is missing/.exec(message)?.[1];
    if (unknown) {
      // A newer release migrated this store: running an older one on it could corrupt it.
      throw new UserError(
        `the database was upgraded by a newer weekly-digest (migration ${unknown} is unknown to this one); install that version or newer`,
        'ESCHEMA',
      );
    }
    throw new UserError(`database migration ${failed?.migrationName ?? ''} failed: ${message}`.replace('  ', ' '), 'EMIGRATION');
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when the store lists exactly our migrations as applied; false when unsure (then the Migrator decides). */
async function upToDate(db: Db): Promise<boolean> {
  try {
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const known = Object.keys(await migrationProvider.getMigrations());
    const names = new Set(applied.rows.map((r) => r.name));
    return names.size === known.length && known.every((name) => names.has(name));
  } catch {
    return false;
  }
}

export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}
