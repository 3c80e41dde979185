import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { dialectOf } from '../db/dialect.ts';

export const NO_MATCHING_TOPICS = 'no stories this week in the topics they chose';

/**
 * One delivery row per active subscriber who has none for this digest yet:
 * `pending`, or `skipped` (with the reason) when none of the subscriber's
 * chosen topics has a story this week. Safe to run again: existing rows are
 * kept, so a repeat never re-sends. Returns the number of rows created.
 *
 * The topic match runs in the database (each store's own JSON array
 * function), so planning never loads the subscriber list into memory.
 * Several workers may plan at once: a row another created first is kept.
 */
export async function planDeliveries(db: Db, digestId: number, categories: string[], now = new Date()): Promise<number> {
  const stamp = now.toISOString();
  const wanted = [...new Set(categories.map((c) => c.toLowerCase()))];
  const list = sql.join(wanted.length ? wanted : ['']);
  const topicIn = dialectOf(db).topicsInclude(sql.ref('s.topics'), list);
  const matches = sql<boolean>`(s.topics = '[]' or ${topicIn})`;
  const result = await db
    .insertInto('deliveries')
    .columns(['digest_id', 'subscriber_id', 'status', 'last_error', 'created_at', 'updated_at'])
    .expression((eb) =>
      eb
        .selectFrom('subscribers as s')
        .select([
          sql.lit(digestId).as('digest_id'),
          's.id',
          sql<string>`case when ${matches} then 'pending' else 'skipped' end`.as('status'),
          sql<string | null>`case when ${matches} then null else ${NO_MATCHING_TOPICS} end`.as('last_error'),
          sql.lit(stamp).as('c'),
          sql.lit(stamp).as('u'),
        ])
        .where('s.status', '=', 'active')
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('deliveries as d').select('d.id').where('d.digest_id', '=', digestId).whereRef('d.subscriber_id', '=', 's.id'))),
        ),
    )
    .onConflict((oc) => oc.columns(['digest_id', 'subscriber_id']).doNothing())
    .executeTakeFirst();
  const created = Number(result.numInsertedOrUpdatedRows ?? 0);
  // The claim query is planned from table statistics where the store keeps them (PostgreSQL).
  await dialectOf(db).afterBulkInsert(db, 'deliveries', created);
  return created;
}
