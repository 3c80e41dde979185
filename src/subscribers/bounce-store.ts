import type { Db } from '../db/connect.ts';

/** A subscriber `bounced` since a given time, as `subscribers reactivate` lists them. */
export interface BouncedSubscriber {
  id: number;
  email: string;
  bouncedAt: string;
  bounceCount: number;
  /** The reply of their latest failed delivery, which tells a server's mistake from a dead address. */
  lastError: string | null;
}

/** Subscribers who became `bounced` at or after `since`, oldest bounce first. */
export async function bouncedSince(db: Db, since: Date): Promise<BouncedSubscriber[]> {
  const rows = await db
    .selectFrom('subscribers as s')
    .select(['s.id', 's.email', 's.bounced_at', 's.bounce_count'])
    .select((eb) =>
      eb
        .selectFrom('deliveries as d')
        .select('d.last_error')
        .whereRef('d.subscriber_id', '=', 's.id')
        .where('d.status', '=', 'failed')
        .orderBy('d.updated_at', 'desc')
        .limit(1)
        .as('last_error'),
    )
    .where('s.status', '=', 'bounced')
    .where('s.bounced_at', '>=', since.toISOString())
    .orderBy('s.bounced_at')
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({ id: r.id, email: r.email, bouncedAt: r.bounced_at!, bounceCount: r.bounce_count, lastError: r.last_error ?? null }));
}

/**
 * Undoes a mistaken mass bounce: the subscribers become `active` again with
 * no bounce counted, in one transaction. Only rows still `bounced` change (a
 * reader who since left stays gone). Returns the weeks in which they have
 * failed deliveries, for `digest send --week W --retry-failed`.
 */
export async function reactivateBounced(db: Db, ids: number[], now = new Date()): Promise<{ reactivated: number; weeks: string[] }> {
  if (ids.length === 0) return { reactivated: 0, weeks: [] };
  return db.transaction().execute(async (trx) => {
    let reactivated = 0;
    const weeks = new Set<string>();
    // In slices: SQLite allows at most 32,766 bound parameters in one statement.
    for (let i = 0; i < ids.length; i += 1000) {
      const slice = ids.slice(i, i + 1000);
      const result = await trx
        .updateTable('subscribers')
        .set({ status: 'active', bounce_count: 0, bounced_at: null, updated_at: now.toISOString() })
        .where('id', 'in', slice)
        .where('status', '=', 'bounced')
        .executeTakeFirst();
      reactivated += Number(result.numUpdatedRows);
      const failedIn = await trx
        .selectFrom('deliveries as d')
        .innerJoin('digests as g', 'g.id', 'd.digest_id')
        .select('g.week')
        .distinct()
        .where('d.status', '=', 'failed')
        .where('d.subscriber_id', 'in', slice)
        .execute();
      for (const { week } of failedIn) weeks.add(week);
    }
    return { reactivated, weeks: [...weeks].sort() };
  });
}
