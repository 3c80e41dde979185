import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { UserError } from '../../errors.ts';
import type { Database } from '../schema.ts';
import type { StoreDialect } from './store-dialect.ts';

/** The SQLite file a DATABASE_URL names (`file:PATH`, `file://PATH`), or `:memory:`. */
export function sqlitePath(url: string): string {
  return url.replace(/^file:(\/\/)?/, '');
}

/** The better-sqlite3 connection under each SQLite handle (see `sqliteConnection`). */
const connections = new WeakMap<Kysely<Database>, SQLite.Database>();

/**
 * The SQLite connection under `db`, for a statement the sender runs once per
 * message (Kysely's promise and mutex round trip cost as much as the update
 * itself). Undefined on PostgreSQL, for a transaction handle, and while a
 * Kysely transaction is open on the connection: a statement run then would
 * become part of that transaction and be lost if it rolled back, so the
 * caller must go through Kysely, which waits for the transaction to end.
 */
export function sqliteConnection(db: Kysely<Database>): SQLite.Database | undefined {
  const sqlite = connections.get(db);
  return sqlite && !sqlite.inTransaction ? sqlite : undefined;
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

function open(url: string): Kysely<Database> {
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
  connections.set(db, sqlite);
  return db;
}

/** Kysely runs SQLite migrations outside a transaction; SQLite has transactional DDL, so the rebuild is all or nothing in one. */
async function addArticleIdentity(db: Kysely<unknown>, addIdentityIndexes: (db: Kysely<unknown>) => Promise<void>): Promise<void> {
  // A crash between the drop and the rename would otherwise leave no articles table.
  await db.transaction().execute(async (trx) => {
    await sql`create table articles_rebuilt (
      id integer primary key autoincrement,
      url text not null,
      title text not null,
      category text not null,
      topics text not null default '[]',
      summary text not null,
      why_it_matters text not null default '',
      source_title text not null,
      source_name text not null,
      source_url text not null,
      image_url text,
      published_at text not null,
      created_at text not null,
      updated_at text not null,
      feed_key text,
      guid text
    )`.execute(trx);
    await sql`insert into articles_rebuilt (id, url, title, category, topics, summary, why_it_matters, source_title, source_name, source_url, image_url, published_at, created_at, updated_at)
      select id, url, title, category, topics, summary, why_it_matters, source_title, source_name, source_url, image_url, published_at, created_at, updated_at from articles`.execute(
      trx,
    );
    await sql`drop table articles`.execute(trx);
    await sql`alter table articles_rebuilt rename to articles`.execute(trx);
    await sql`create index articles_published_at on articles (published_at)`.execute(trx);
    await addIdentityIndexes(trx);
  });
}

export const sqliteDialect: StoreDialect = {
  name: 'sqlite',
  open,
  // The file by its absolute path.
  identity: (url) => (url === ':memory:' ? url : `file:${resolve(sqlitePath(url))}`),
  async probe(url) {
    if (url === ':memory:') return;
    // An open handle keeps working on a file that was deleted or replaced: open it afresh (read-only, must exist).
    const probe = new SQLite(sqlitePath(url), { readonly: true, fileMustExist: true });
    try {
      probe.prepare('select count(*) from sqlite_master').get();
    } finally {
      probe.close();
    }
  },
  async prepareMigrations() {
    return undefined;
  },
  idColumn: ['integer', (c) => c.primaryKey().autoIncrement()],
  addArticleIdentity,
  topicsInclude: (topics, lowerCased) => sql<boolean>`exists (select 1 from json_each(${topics}) t where lower(t.value) in (${lowerCased}))`,
  lockForClaim: (qb) => qb,
  // SQLite's planner needs no statistics for the claim query.
  async afterBulkInsert() {},
  // Autoincrement follows inserted ids by itself.
  async afterCopyWithIds() {},
};
