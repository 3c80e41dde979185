import { type Kysely, sql } from 'kysely';

/**
 * What the subscribe form needs so that it cannot be turned against people:
 * - `confirmation_sends`: when each confirmation email went out, per
 *   subscriber, so the limit per address holds across processes and
 *   restarts (subscribers/confirmation-store.ts); erased with the subscriber;
 * - `subscribers.bounced_at`: when the address became `bounced`, so the
 *   form mails it again only after a quiet period. Rows bounced before this
 *   migration take their `updated_at`, the best date known.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('confirmation_sends')
    .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('confirmation_sends_subscriber').on('confirmation_sends').columns(['subscriber_id', 'sent_at']).execute();
  await db.schema.alterTable('subscribers').addColumn('bounced_at', 'text').execute();
  await sql`update subscribers set bounced_at = updated_at where status = 'bounced'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subscribers').dropColumn('bounced_at').execute();
  await db.schema.dropTable('confirmation_sends').execute();
}
