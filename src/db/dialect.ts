import { type Kysely, PostgresAdapter } from 'kysely';
import { maskCredentials } from '../text/mask-credentials.ts';

/** The two stores we run on: SQLite for one machine, PostgreSQL for many. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * Which store a handle talks to. A query that needs its own SQL per store
 * picks it with this, next to the query:
 *
 * @example
 * const now = { sqlite: sql`...`, postgres: sql`...` }[dialectOf(db)];
 */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The SQLite file a DATABASE_URL names (`file:PATH`, `file://PATH`), or `:memory:`. */
export function sqlitePath(url: string): string {
  return url.replace(/^file:(\/\/)?/, '');
}

/** A store URL fit for a log line or an error: the password, if any, is masked, whatever the scheme and even when the URL is malformed. */
export function describeStore(url: string): string {
  return maskCredentials(url);
}
