import { type Kysely, Migrator, sql } from 'kysely';
import { UserError } from '../errors.ts';
import { dialectForUrl, dialectOf } from './dialect.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export { sqliteConnection } from './dialect.ts';

export type Db = Kysely<Database>;

/**
 * Opens the store named by DATABASE_URL: `file:data/digest.db` or `:memory:`
 * (SQLite), or `postgres://user@host:5432/db[?schema=name]` (PostgreSQL).
 *
 * @example
 * const db = openDatabase('file:data/digest.db');
 * await migrateToLatest(db);
 */
export function openDatabase(url: string): Db {
  return dialectForUrl(url).open(url);
}

/**
 * Can the store be reached right now? For SQLite, opens the file afresh
 * (read-only, must exist) and reads its schema: an open handle keeps working
 * on a file that was deleted or replaced, so asking it would prove nothing.
 * For PostgreSQL, a new connection (not one from the pool) runs a query.
 */
export function probeDatabase(url: string): Promise<void> {
  return dialectForUrl(url).probe(url);
}

/** Runs every pending migration. Kysely's Migrator never throws: we check its result. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const schema = await dialectOf(db).prepareMigrations(db);
  // The common case, every migration applied: answered from the store's own list, without the
  // Migrator, whose PostgreSQL introspection reads every schema of the database (and fails if
  // another is dropped at that moment).
  if (await upToDate(db)) return [];
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
