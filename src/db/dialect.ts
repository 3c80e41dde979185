import { type Kysely, PostgresAdapter } from 'kysely';
import { maskCredentials } from '../text/mask-credentials.ts';
import { postgresDialect } from './dialect/postgres.ts';
import { sqliteDialect } from './dialect/sqlite.ts';
import type { StoreDialect } from './dialect/store-dialect.ts';

export { sqliteConnection } from './dialect/sqlite.ts';
export type { StoreDialect } from './dialect/store-dialect.ts';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The dialect of the store a DATABASE_URL names. */
export function dialectForUrl(url: string): StoreDialect {
  return isPostgresUrl(url) ? postgresDialect : sqliteDialect;
}

/**
 * The dialect of the store a handle (or a transaction, or a migration's
 * handle) talks to. Code that needs its own SQL per store asks it for that
 * SQL instead of branching:
 *
 * @example
 * .$call((qb) => dialectOf(db).lockForClaim(qb))
 */
export function dialectOf(db: Pick<Kysely<unknown>, 'getExecutor'>): StoreDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgresDialect : sqliteDialect;
}

/** A store URL fit for a log line or an error: the password, if any, is masked, whatever the scheme and even when the URL is malformed. */
export function describeStore(url: string): string {
  return maskCredentials(url);
}
