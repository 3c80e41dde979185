import { createRequire } from 'node:module';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pgTypes from 'pg';
import { UserError } from '../../errors.ts';
import type { Database } from '../schema.ts';
import type { StoreDialect } from './store-dialect.ts';

/** The PostgreSQL schema each handle works in (`?schema=` in the URL; default public). */
const schemas = new WeakMap<Kysely<Database>, string>();

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

function open(url: string): Kysely<Database> {
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

export const postgresDialect: StoreDialect = {
  name: 'postgres',
  open,
  // Host, port, database and schema: the user and the password do not change which tables a URL reaches.
  identity(url) {
    const parsed = new URL(url);
    const port = parsed.port || '5432';
    return `postgres://${parsed.hostname.toLowerCase()}:${port}${decodeURIComponent(parsed.pathname)}?schema=${parsed.searchParams.get('schema') || 'public'}`;
  },
  async probe(url) {
    // A new connection, not one from the pool.
    const { schema: _, ...options } = postgresOptions(url);
    const client = new (pg().Client)({ ...options, connectionTimeoutMillis: 3000, query_timeout: 3000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select count(*) from kysely_migration');
    } finally {
      await client.end().catch(() => {});
    }
  },
  async prepareMigrations(db) {
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      const reason = (error as Error).message || (error as { code?: string }).code;
      throw new UserError(`cannot reach PostgreSQL: ${reason}`, 'EDATABASE');
    }
    return schemas.get(db);
  },
  idColumn: ['serial', (c) => c.primaryKey()],
  async addArticleIdentity(db, addIdentityIndexes) {
    // The constraint 001 made, or the index `down` leaves in its place.
    await sql`alter table articles drop constraint if exists articles_url_key`.execute(db);
    await sql`drop index if exists articles_url_key`.execute(db);
    await sql`alter table articles add column feed_key text, add column guid text`.execute(db);
    await addIdentityIndexes(db);
  },
  topicsInclude: (topics, lowerCased) => sql<boolean>`exists (select 1 from jsonb_array_elements_text(${topics}::jsonb) t where lower(t) in (${lowerCased}))`,
  lockForClaim: (qb) => qb.forUpdate().skipLocked(),
  async afterBulkInsert(db, table, rows) {
    // The planner works from table statistics, which autovacuum refreshes only later: with a million
    // new deliveries unseen, a claim scanned and sorted all of them (1.3 s instead of 18 ms, bench/RESULTS.md).
    if (rows > 10_000) await sql`analyze ${sql.table(table)}`.execute(db);
  },
  async afterCopyWithIds(db, tables) {
    // Each serial sequence's next value follows the largest copied id.
    for (const table of tables) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce(max(id), 0) + 1, false) from ${sql.table(table)}`.execute(db);
    }
  },
};
