import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

/**
 * An article's identity becomes its feed's guid (scoped to the feed) when it
 * has one, else its URL: a podcast's episodes or a forum's threads often share
 * one link, and each is still its own story.
 * - `feed_key`: the feed an item came from (its Atom id, self link, home page
 *   or the URL it was fetched from); null for our JSON import;
 * - `guid`: the item's RSS guid / Atom id / JSON Feed id within that feed;
 * - `url` is no longer unique: unique among rows without a guid, and indexed.
 * SQLite cannot drop a column's UNIQUE constraint, so the table is rebuilt
 * (no table references `articles`: digests freeze what they show).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await dialectOf(db).addArticleIdentity(db, addIdentityIndexes);
}

async function addIdentityIndexes(db: Kysely<unknown>): Promise<void> {
  await sql`create unique index articles_feed_guid on articles (feed_key, guid) where guid is not null`.execute(db);
  await sql`create unique index articles_url_without_guid on articles (url) where guid is null`.execute(db);
  await sql`create index articles_url on articles (url)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['articles_url', 'articles_url_without_guid', 'articles_feed_guid']) await sql`drop index ${sql.ref(index)}`.execute(db);
  // Articles that share a URL cannot go back to one row per URL: keep the first of each.
  await sql`delete from articles where id not in (select min(id) from articles group by url)`.execute(db);
  await db.schema.alterTable('articles').dropColumn('guid').execute();
  await db.schema.alterTable('articles').dropColumn('feed_key').execute();
  await db.schema.createIndex('articles_url_key').unique().on('articles').column('url').execute();
}
