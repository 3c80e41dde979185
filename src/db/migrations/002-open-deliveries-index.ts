import { type Kysely, sql } from 'kysely';

/**
 * The claim query only looks for open deliveries. A partial index on them
 * replaces the (digest, status, id) index, which every status change had to
 * rewrite twice per message (pending → sending → sent): a row leaves this
 * index once and is never touched in it again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_digest_status').execute();
  await sql`create index deliveries_open on deliveries (digest_id, id) where status in ('pending', 'uncertain', 'deferred')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_open').execute();
  await db.schema.createIndex('deliveries_digest_status').on('deliveries').columns(['digest_id', 'status', 'id']).execute();
}
