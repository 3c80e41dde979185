import { randomBytes } from 'node:crypto';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import { inject } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../../src/db/connect.ts';
import { migrationProvider } from '../../src/db/migrations/index.ts';
import { addSubscriber } from '../../src/subscribers/subscriber-store.ts';

/**
 * Which store this test run uses: the vitest project sets TEST_STORE
 * (`sqlite` or `postgres`); the database tests run once on each.
 */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** The PostgreSQL server and database the tests use (trust auth). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A DATABASE_URL for a new, empty store: a file in `dir` (SQLite), or a
 * schema of its own in the test database (PostgreSQL), dropped when the run
 * ends (test/global-setup.ts).
 */
export function scratchDatabaseUrl(dir: string): string {
  if (TEST_STORE === 'sqlite') return `file:${join(dir, 'digest.db')}`;
  return `${TEST_POSTGRES_URL}?schema=${inject('schemaPrefix')}${randomBytes(5).toString('hex')}`;
}

/** A migrated scratch store for a unit test: in memory on SQLite, a fresh schema on PostgreSQL. */
export async function openScratchDb(): Promise<Db> {
  return openTestDb(TEST_STORE === 'sqlite' ? ':memory:' : scratchDatabaseUrl(''));
}

/**
 * A scratch store migrated only up to `migration`, for testing what a later
 * migration does to the rows already there; `migrator` moves it on (or back).
 *
 * @example
 * const { db, migrator } = await openScratchDbAt('006-confirmation-sends');
 */
export async function openScratchDbAt(migration: string): Promise<{ db: Db; migrator: Migrator }> {
  const url = TEST_STORE === 'sqlite' ? ':memory:' : scratchDatabaseUrl('');
  const db = openDatabase(url);
  const schema = TEST_STORE === 'postgres' ? new URL(url).searchParams.get('schema')! : undefined;
  if (schema) await sql`create schema ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error } = await migrator.migrateTo(migration);
  if (error) throw error;
  return { db, migrator };
}

/** Opens (and migrates) the store a CLI process under test uses. */
export async function openTestDb(databaseUrl: string): Promise<Db> {
  const db = openDatabase(databaseUrl);
  await migrateToLatest(db);
  return db;
}

export async function addSubscribers(db: Db, people: { email: string; name?: string }[]): Promise<void> {
  for (const person of people) await addSubscriber(db, person, { confirmed: true });
}

/**
 * Takes a store out of reach of new connections (SQLite: renames the file;
 * PostgreSQL: renames the schema) and returns what puts it back.
 */
export async function hideStore(databaseUrl: string): Promise<() => Promise<void>> {
  if (TEST_STORE === 'sqlite') {
    const file = databaseUrl.replace(/^file:/, '');
    renameSync(file, `${file}.away`);
    return async () => renameSync(`${file}.away`, file);
  }
  const schema = new URL(databaseUrl).searchParams.get('schema')!;
  const admin = openDatabase(TEST_POSTGRES_URL);
  await sql`alter schema ${sql.id(schema)} rename to ${sql.id(`${schema}_away`)}`.execute(admin);
  return async () => {
    await sql`alter schema ${sql.id(`${schema}_away`)} rename to ${sql.id(schema)}`.execute(admin);
    await admin.destroy();
  };
}
