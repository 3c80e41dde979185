import { type Kysely, sql } from 'kysely';

/**
 * For several sender workers sharing one store:
 * - `deliveries_claimed` finds the rows a worker holds (to renew, release or,
 *   once it died, recover them) without scanning the digest's deliveries;
 * - `send_clock` holds the time of the last message granted by SEND_RATE, so
 *   the rate is the publication's total across workers, not each worker's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index deliveries_claimed on deliveries (claimed_by) where claimed_by is not null`.execute(db);
  await db.schema
    .createTable('send_clock')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_grant_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('send_clock' as never)
    .values({ name: 'rate', last_grant_ms: 0 } as never)
    .execute();
  await db.schema
    .createTable('send_grants')
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('send_grants_at').on('send_grants').column('at_ms').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('send_grants').execute();
  await db.schema.dropTable('send_clock').execute();
  await db.schema.dropIndex('deliveries_claimed').execute();
}
