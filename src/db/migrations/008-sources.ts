import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

/**
 * The feeds `digest sources fetch` and the service read (articles/source-store.ts):
 * - `url` as the operator gave it, credentials included (it is their own
 *   store; everything that prints it masks the password);
 * - `etag`, `last_modified`: the validators of the last reply imported, sent
 *   back so an unchanged feed answers 304;
 * - `last_*` and `error_count`: the last fetch and its outcome, and the
 *   failures in a row since the last success, for `digest status`.
 * Articles do not point at their source: removing one leaves what it imported.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const [idType, id] = dialectOf(db).idColumn;
  await db.schema
    .createTable('sources')
    .addColumn('id', idType, id)
    .addColumn('url', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('category', 'text')
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('last_fetched_at', 'text')
    .addColumn('last_status', 'text', (c) => c.check(sql`last_status in ('ok', 'not-modified', 'error')`))
    .addColumn('last_result', 'text')
    .addColumn('last_error', 'text')
    .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sources').execute();
}
