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
  if (dialectOf(db) === 'postgres') {
    // The constraint 001 made, or the index `down` leaves in its place.
    await sql`alter table articles drop constraint if exists articles_url_key`.execute(db);
    await sql`drop index if exists articles_url_key`.execute(db);
    await sql`alter table articles add column feed_key text, add column guid text`.execute(db);
    await addIdentityIndexes(db);
    return;
  }
  // Kysely runs SQLite migrations outside a transaction (no transactional DDL, it says; SQLite has it): a crash between
  // the drop and the rename would leave no articles table. One transaction makes the rebuild all or nothing.
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
