import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { DeliveryStatus } from '../db/schema.ts';

/** A claimed delivery with what is needed to address it. */
export interface ClaimedDelivery {
  id: number;
  /** The state before the claim: what a cancelled attempt goes back to. */
  status: DeliveryStatus;
  attempts: number;
  bounceCount: number;
  /** The subscriber's chosen categories (JSON array; empty: all). */
  topics: string | null;
  subscriberId: number | null;
  email: string | null;
  name: string | null;
  subscriberStatus: string | null;
}

/**
 * Recovers what a sender that died left behind, when a new single sender
 * starts: rows left in `sending` become `uncertain` (the server may or may
 * not have accepted them), and its claims on rows it never started are
 * released. Returns how many were in flight.
 */
export async function recoverInterrupted(db: Db, digestId: number, now = new Date()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('deliveries')
      .set({ status: 'uncertain', claimed_by: null, claimed_until: null, updated_at: now.toISOString() })
      .where('digest_id', '=', digestId)
      .where('status', '=', 'sending')
      .executeTakeFirst();
    await trx
      .updateTable('deliveries')
      .set({ claimed_by: null, claimed_until: null })
      .where('digest_id', '=', digestId)
      .where('claimed_by', 'is not', null)
      .execute();
    return Number(result.numUpdatedRows);
  });
}

/**
 * Reserves up to `limit` deliveries that are due (pending; uncertain when
 * `resendUncertain`; deferred whose time has come) for `owner` until
 * `claimSeconds` from now. The state stays as it is: a row turns `sending`
 * only right before its message goes on the wire (beginAttempt), so a crash
 * leaves as `uncertain` only what was really in flight.
 */
export async function claimDueDeliveries(
  db: Db,
  digestId: number,
  options: { limit: number; owner: string; resendUncertain: boolean; claimSeconds?: number; now?: Date },
): Promise<ClaimedDelivery[]> {
  const now = options.now ?? new Date();
  const stamp = now.toISOString();
  const until = new Date(now.getTime() + (options.claimSeconds ?? 300) * 1000).toISOString();
  const due: DeliveryStatus[] = options.resendUncertain ? ['pending', 'uncertain'] : ['pending'];
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('deliveries as d')
      .leftJoin('subscribers as s', 's.id', 'd.subscriber_id')
      .select(['d.id', 'd.status', 'd.attempts', 'd.subscriber_id', 's.email', 's.name', 's.status as subscriber_status', 's.bounce_count', 's.topics'])
      .where('d.digest_id', '=', digestId)
      // Repeats the partial index's condition so SQLite can use it (deliveries_open).
      .where(sql<boolean>`d.status in ('pending', 'uncertain', 'deferred')`)
      .where((eb) =>
        eb.or([eb('d.status', 'in', due), eb.and([eb('d.status', '=', 'deferred'), eb('d.next_attempt_at', '<=', stamp)])]),
      )
      .where((eb) => eb.or([eb('d.claimed_until', 'is', null), eb('d.claimed_until', '<', stamp)]))
      .orderBy('d.id')
      .limit(options.limit)
      .execute();
    if (rows.length > 0) {
      await trx
        .updateTable('deliveries')
        .set({ claimed_by: options.owner, claimed_until: until })
        .where('id', 'in', rows.map((r) => r.id))
        .execute();
    }
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      attempts: r.attempts,
      bounceCount: r.bounce_count ?? 0,
      topics: r.topics,
      subscriberId: r.subscriber_id,
      email: r.email,
      name: r.name,
      subscriberStatus: r.subscriber_status,
    }));
  });
}

/** The message is about to go on the wire: from here until the server answers, the row is in flight. */
export async function beginAttempt(db: Db, id: number, now = new Date()): Promise<void> {
  // Hand-written: this and markSent run once per message, and the query builder's work showed in the profile.
  await sql`update deliveries set status = 'sending', updated_at = ${now.toISOString()} where id = ${id}`.execute(db);
}

/** The server could not be reached: this attempt never happened, so it costs the recipient nothing. */
export async function cancelAttempt(db: Db, id: number, previous: DeliveryStatus, now = new Date()): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: previous, claimed_by: null, claimed_until: null, updated_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** Puts a week's failed deliveries back in the queue with fresh attempts (`digest send --retry-failed`). */
export async function requeueFailed(db: Db, digestId: number, now = new Date()): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: null, updated_at: now.toISOString() })
    .where('digest_id', '=', digestId)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * A 5xx reply counts against the address; at `limit` consecutive hard
 * bounces the subscriber is `bounced` and no later digest goes to them.
 * Returns true when this bounce crossed the limit.
 */
export async function recordHardBounce(db: Db, subscriberId: number, limit: number, now = new Date()): Promise<boolean> {
  const row = await db
    .updateTable('subscribers')
    .set((eb) => ({ bounce_count: eb('bounce_count', '+', 1), updated_at: now.toISOString() }))
    .where('id', '=', subscriberId)
    .returning('bounce_count')
    .executeTakeFirst();
  if (!row || row.bounce_count < limit) return false;
  await db.updateTable('subscribers').set({ status: 'bounced' }).where('id', '=', subscriberId).where('status', '=', 'active').execute();
  return true;
}

/** A delivery went through: earlier bounces were not consecutive after all. */
export async function clearBounces(db: Db, subscriberId: number): Promise<void> {
  await db.updateTable('subscribers').set({ bounce_count: 0 }).where('id', '=', subscriberId).execute();
}

/** Start times (ms) of every message sent in the hour before `now`, oldest first: the hourly limit's memory. */
export async function sendsInLastHour(db: Db, now = new Date()): Promise<number[]> {
  const since = new Date(now.getTime() - 3_600_000).toISOString();
  const rows = await db.selectFrom('deliveries').select('sent_at').where('sent_at', '>', since).orderBy('sent_at').execute();
  return rows.map((r) => Date.parse(r.sent_at!));
}

/** Gives back the claims `owner` holds but never started (a stop or a shutdown). */
export async function releaseClaims(db: Db, digestId: number, owner: string): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ claimed_by: null, claimed_until: null })
    .where('digest_id', '=', digestId)
    .where('claimed_by', '=', owner)
    .where('status', '!=', 'sending')
    .execute();
}

/** Written only after the transport accepted the message (250 after DATA). */
export async function markSent(db: Db, id: number, fields: { messageId: string; response: string; now?: Date }): Promise<void> {
  const now = (fields.now ?? new Date()).toISOString();
  await sql`update deliveries
    set status = 'sent', attempts = attempts + 1, message_id = ${fields.messageId}, smtp_response = ${fields.response.slice(0, 500)},
        sent_at = ${now}, last_error = null, next_attempt_at = null, claimed_by = null, claimed_until = null, updated_at = ${now}
    where id = ${id}`.execute(db);
}

export async function markSkipped(db: Db, id: number, reason: string, now = new Date()): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: 'skipped', last_error: reason, claimed_by: null, claimed_until: null, updated_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** A failed attempt: `deferred` until `retryAt`, or `failed` for good when retryAt is null. */
export async function markAttemptFailed(
  db: Db,
  id: number,
  fields: { error: string; messageId: string; retryAt: Date | null; now?: Date },
): Promise<void> {
  const now = (fields.now ?? new Date()).toISOString();
  await db
    .updateTable('deliveries')
    .set((eb) => ({
      status: fields.retryAt ? 'deferred' : 'failed',
      attempts: eb('attempts', '+', 1),
      message_id: fields.messageId,
      last_error: fields.error.slice(0, 500),
      next_attempt_at: fields.retryAt?.toISOString() ?? null,
      claimed_by: null,
      claimed_until: null,
      updated_at: now,
    }))
    .where('id', '=', id)
    .execute();
}

export type DeliveryCounts = Record<DeliveryStatus, number>;

export async function countDeliveries(db: Db, digestId: number): Promise<DeliveryCounts> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('digest_id', '=', digestId)
    .groupBy('status')
    .execute();
  const counts: DeliveryCounts = { pending: 0, sending: 0, sent: 0, deferred: 0, failed: 0, skipped: 0, uncertain: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** The earliest time a deferred delivery of this digest falls due, if any. */
export async function nextDeferredAt(db: Db, digestId: number): Promise<string | null> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('digest_id', '=', digestId)
    .where('status', '=', 'deferred')
    .executeTakeFirst();
  return (row?.next as string | null | undefined) ?? null;
}
