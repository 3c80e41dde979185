import type { Kysely } from 'kysely';

/**
 * Complaint and bounce reports imported with `digest feedback import`, by
 * the report's own Message-ID: a mailbox read twice counts each report once.
 * `week` is the digest's, from its Message-ID, for `digest status`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feedback_reports')
    .addColumn('report_key', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subscriber_id', 'integer', (c) => c.references('subscribers.id').onDelete('set null'))
    .addColumn('week', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feedback_reports_week').on('feedback_reports').columns(['week', 'kind']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('feedback_reports').execute();
}
