import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { UserError } from '../errors.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/**
 * Opens the store named by DATABASE_URL (`file:data/digest.db` or `:memory:`).
 *
 * @example
 * const db = openDatabase('file:data/digest.db');
 * await migrateToLatest(db);
 */
export function openDatabase(url: string): Db {
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new UserError('DATABASE_URL: PostgreSQL is not supported yet; use file:PATH (SQLite)', 'ECONFIG');
  }
  const path = url === ':memory:' ? ':memory:' : url.replace(/^file:(\/\/)?/, '');
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
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
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
 */
export function probeDatabase(url: string): void {
  if (url === ':memory:') return;
  const probe = new SQLite(url.replace(/^file:(\/\/)?/, ''), { readonly: true, fileMustExist: true });
  try {
    probe.prepare('select count(*) from sqlite_master').get();
  } finally {
    probe.close();
  }
}

/** Runs every pending migration. Kysely's Migrator never throws: we check its result. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const message = error instanceof Error ? error.message : String(error ?? 'unknown error');
    const unknown = /previously executed migration (\S+) is missing/.exec(message)?.[1];
    if (unknown) {
      // A newer release migrated this store: running an older one on it could corrupt it.
      throw new UserError(`the database was upgraded by a newer weekly-digest (migration ${unknown} is unknown to this one); install that version or newer`, 'ESCHEMA');
    }
    throw new UserError(`database migration ${failed?.migrationName ?? ''} failed: ${message}`.replace('  ', ' '), 'EMIGRATION');
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}
