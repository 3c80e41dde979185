import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';

/**
 * One pending delivery per active subscriber who has none for this digest yet.
 * Safe to run again: existing rows are kept, so a repeat never re-sends.
 * Returns the number of rows created.
 */
export async function planDeliveries(db: Db, digestId: number, now = new Date()): Promise<number> {
  const stamp = now.toISOString();
  const result = await db
    .insertInto('deliveries')
    .columns(['digest_id', 'subscriber_id', 'status', 'created_at', 'updated_at'])
    .expression((eb) =>
      eb
        .selectFrom('subscribers')
        .select([sql.lit(digestId).as('digest_id'), 'id', sql.lit('pending').as('status'), sql.lit(stamp).as('c'), sql.lit(stamp).as('u')])
        .where('status', '=', 'active')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('deliveries as d')
                .select('d.id')
                .where('d.digest_id', '=', digestId)
                .whereRef('d.subscriber_id', '=', 'subscribers.id'),
            ),
          ),
        ),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
