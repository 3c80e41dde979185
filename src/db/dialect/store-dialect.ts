import type { ColumnDefinitionBuilder, Expression, Kysely, RawBuilder, SqlBool } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Everything that differs between the two stores we run on, in one place per
 * store (sqlite.ts, postgres.ts), the way Kysely keeps its dialects: the rest
 * of the code asks the handle's dialect (`dialectOf(db)` in ../dialect.ts)
 * and never branches on which one it is.
 */
export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Opens a handle on the store a DATABASE_URL names. */
  open(url: string): Kysely<Database>;
  /** Which tables a URL reaches, as one string: two URLs with the same identity name the same store. */
  identity(url: string): string;
  /** Can the store be reached right now? Throws if not; opens a fresh connection, never the handle's. */
  probe(url: string): Promise<void>;
  /** Before migrating: fails with one line if the server cannot be reached, and makes the handle's schema if it names one. Returns that schema. */
  prepareMigrations(db: Kysely<Database>): Promise<string | undefined>;
  /** A generated integer key: SQLite's autoincrement, PostgreSQL's serial. */
  readonly idColumn: ['integer' | 'serial', (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder];
  /** Migration 007's DDL: the url column loses its uniqueness and articles gain feed_key and guid (SQLite can only do it by rebuilding the table). */
  addArticleIdentity(db: Kysely<unknown>, addIdentityIndexes: (db: Kysely<unknown>) => Promise<void>): Promise<void>;
  /** True when `topics` (a JSON array of strings in a text column) holds one of `lowerCased`, compared lower-cased. */
  topicsInclude(topics: Expression<string>, lowerCased: RawBuilder<unknown>): RawBuilder<SqlBool>;
  /** Row locks for a claim: PostgreSQL's `for update skip locked` (several workers claim at once); SQLite has one writer and needs none. */
  lockForClaim<QB extends { forUpdate(): QB; skipLocked(): QB }>(qb: QB): QB;
  /** After a bulk insert of `rows` into `table`: refreshes the planner's statistics where the store needs it. */
  afterBulkInsert(db: Kysely<Database>, table: keyof Database, rows: number): Promise<void>;
  /** After rows were copied in with their ids: new rows must get fresh ids. */
  afterCopyWithIds(db: Kysely<Database>, tables: readonly (keyof Database)[]): Promise<void>;
}
