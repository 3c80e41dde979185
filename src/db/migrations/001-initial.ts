import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createArticles(db);
  await createSubscribers(db);
  await createDigests(db);
  await createDeliveries(db);
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

async function createArticles(db: Kysely<unknown>): Promise<void> {
  // A generated integer key: SQLite's autoincrement, PostgreSQL's serial.
  const [idType, id] = dialectOf(db).idColumn;
  await db.schema
    .createTable('articles')
    .addColumn('id', idType, id)
    .addColumn('url', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('topics', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('why_it_matters', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('source_title', 'text', (c) => c.notNull())
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('source_url', 'text', (c) => c.notNull())
    .addColumn('image_url', 'text')
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('articles_published_at').on('articles').column('published_at').execute();
}

async function createSubscribers(db: Kysely<unknown>): Promise<void> {
  const [idType, id] = dialectOf(db).idColumn;
  await db.schema
    .createTable('subscribers')
    .addColumn('id', idType, id)
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'active', 'unsubscribed', 'bounced', 'complained')`))
    .addColumn('topics', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('bounce_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('unsubscribed_at', 'text')
    .execute();
  await db.schema.createIndex('subscribers_status').on('subscribers').columns(['status', 'id']).execute();
}

async function createDigests(db: Kysely<unknown>): Promise<void> {
  const [idType, id] = dialectOf(db).idColumn;
  await db.schema
    .createTable('digests')
    .addColumn('id', idType, id)
    .addColumn('week', 'text', (c) => c.notNull().unique())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('preheader', 'text', (c) => c.notNull())
    .addColumn('article_ids', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'sending', 'sent')`))
    .addColumn('html_bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('built_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
}

async function createDeliveries(db: Kysely<unknown>): Promise<void> {
  const [idType, id] = dialectOf(db).idColumn;
  await db.schema
    .createTable('deliveries')
    .addColumn('id', idType, id)
    .addColumn('digest_id', 'integer', (c) => c.notNull().references('digests.id').onDelete('cascade'))
    .addColumn('subscriber_id', 'integer', (c) => c.references('subscribers.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'deferred', 'failed', 'skipped', 'uncertain')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('smtp_response', 'text')
    .addColumn('message_id', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('deliveries_digest_subscriber', ['digest_id', 'subscriber_id'])
    .execute();
  await db.schema.createIndex('deliveries_digest_status').on('deliveries').columns(['digest_id', 'status', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['leases', 'deliveries', 'digests', 'subscribers', 'articles']) {
    await db.schema.dropTable(table).execute();
  }
}
