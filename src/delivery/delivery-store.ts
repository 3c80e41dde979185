import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { type Db, sqliteConnection } from '../db/connect.ts';
import { dialectOf } from '../db/dialect.ts';
import type { DeliveryStatus } from '../db/schema.ts';
import { ownerIsDeadHere } from './owner.ts';

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
 * Recovers what senders that died left behind. A claim is dead when its
 * owner was a process on this machine that no longer exists, or when it
 * expired (a worker elsewhere stopped renewing it). Its rows in `sending`
 * become `uncertain` (the server may or may not have accepted them) and its
 * other rows go back to the pool. Live workers' claims are left alone, so
 * any number of senders can share a digest. Returns how many were in flight.
 */
export async function recoverInterrupted(db: Db, digestId: number, now = new Date()): Promise<number> {
  const stamp = now.toISOString();
  const dead = (await claimHolders(db, digestId)).filter((h) => ownerIsDeadHere(h.owner) || h.until < stamp).map((h) => h.owner);
  if (dead.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('deliveries')
      .set({ status: 'uncertain', claimed_by: null, claimed_until: null, updated_at: stamp })
      .where('claimed_by', 'in', dead)
      .where('status', '=', 'sending')
      .executeTakeFirst();
    await trx.updateTable('deliveries').set({ claimed_by: null, claimed_until: null }).where('claimed_by', 'in', dead).execute();
    return Number(result.numUpdatedRows);
  });
}

/** The senders holding claims on a digest's deliveries (`host:pid:id`), by owner: how many rows, and until when. */
export async function claimHolders(db: Db, digestId: number): Promise<{ owner: string; claimed: number; until: string }[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['claimed_by', (eb) => eb.fn.countAll<number | string>().as('n'), (eb) => eb.fn.max('claimed_until').as('until')])
    .where('claimed_by', 'is not', null)
    .where('digest_id', '=', digestId)
    .groupBy('claimed_by')
    .orderBy('claimed_by')
    .execute();
  return rows.map((r) => ({ owner: r.claimed_by!, claimed: Number(r.n), until: r.until as string }));
}

/**
 * Reserves up to `limit` deliveries that are due (pending; uncertain when
 * `resendUncertain`; deferred whose time has come) for `owner` until
 * `claimSeconds` from now. The state stays as it is: a row turns `sending`
 * only right before its message goes on the wire (beginAttempt), so a crash
 * leaves as `uncertain` only what was really in flight. On PostgreSQL,
 * workers claiming at the same moment skip each other's rows (SKIP LOCKED)
 * instead of queueing behind them; SQLite serialises writers anyway.
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
  // One statement takes the rows: SQLite then waits for the write lock like any writer (a read
  // that later writes could only fail with "database is locked" when another sender wrote first).
  const claimed = await db
    .updateTable('deliveries')
    .set({ claimed_by: options.owner, claimed_until: until })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('deliveries as d')
        .select('d.id')
        .where('d.digest_id', '=', digestId)
        // Repeats the partial index's condition so SQLite can use it (deliveries_open).
        .where(sql<boolean>`d.status in ('pending', 'uncertain', 'deferred')`)
        .where((w) => w.or([w('d.status', 'in', due), w.and([w('d.status', '=', 'deferred'), w('d.next_attempt_at', '<=', stamp)])]))
        .where((w) => w.or([w('d.claimed_until', 'is', null), w('d.claimed_until', '<', stamp)]))
        .orderBy('d.id')
        .limit(options.limit)
        .$call((qb) => dialectOf(db).lockForClaim(qb)),
    )
    .returning('id')
    .execute();
  if (claimed.length === 0) return [];
  const rows = await db
    .selectFrom('deliveries as d')
    .leftJoin('subscribers as s', 's.id', 'd.subscriber_id')
    .select(['d.id', 'd.status', 'd.attempts', 'd.subscriber_id', 's.email', 's.name', 's.status as subscriber_status', 's.bounce_count', 's.topics'])
    .where(
      'd.id',
      'in',
      claimed.map((r) => r.id),
    )
    .orderBy('d.id')
    .execute();
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
}

/** Keeps `owner`'s claims alive while it works through them. */
export async function renewClaims(db: Db, owner: string, claimSeconds: number, now = new Date()): Promise<void> {
  const until = new Date(now.getTime() + claimSeconds * 1000).toISOString();
  await db.updateTable('deliveries').set({ claimed_until: until }).where('claimed_by', '=', owner).execute();
}

/** Open deliveries of the digest that another sender holds right now (it will send them, or its claim expires). */
export async function heldByOthers(db: Db, digestId: number, owner: string): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('claimed_by', 'is not', null)
    .where('claimed_by', '!=', owner)
    .where('digest_id', '=', digestId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * The message is about to go on the wire: from here until the server
 * answers, the row is in flight. False when `owner` no longer holds the row
 * (it stalled past its claim and another sender took it): then it must not send.
 */
export async function beginAttempt(db: Db, id: number, owner: string, now = new Date()): Promise<boolean> {
  const direct = sqliteConnection(db);
  if (direct) return perMessage(direct).begin.run(now.toISOString(), id, owner).changes === 1;
  // Hand-written: this and markSent run once per message, and the query builder's work showed in the profile.
  const result = await sql`update deliveries set status = 'sending', updated_at = ${now.toISOString()} where id = ${id} and claimed_by = ${owner}`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}

/** The server could not be reached: this attempt never happened, so it costs the recipient nothing. */
export async function cancelAttempt(db: Db, id: number, previous: DeliveryStatus, now = new Date()): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: previous, claimed_by: null, claimed_until: null, updated_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/**
 * Undoes failed attempts that turned out not to be the readers' doing (the
 * breaker tripped, see failure-streak.ts): each delivery is open again, as
 * it was claimed (an `uncertain` one stays uncertain, anything else is
 * pending), with the attempt given back. `last_error` keeps the reply.
 */
export async function reopenDeliveries(db: Db, deliveries: { deliveryId: number; previous: DeliveryStatus }[], now = new Date()): Promise<void> {
  if (deliveries.length === 0) return;
  const stamp = now.toISOString();
  await db.transaction().execute(async (trx) => {
    for (const status of ['uncertain', 'pending'] as const) {
      const ids = deliveries.filter((d) => (d.previous === 'uncertain') === (status === 'uncertain')).map((d) => d.deliveryId);
      if (ids.length === 0) continue;
      await trx
        .updateTable('deliveries')
        .set((eb) => ({ status, attempts: eb('attempts', '-', 1), next_attempt_at: null, claimed_by: null, claimed_until: null, updated_at: stamp }))
        .where('id', 'in', ids)
        .where('status', '=', 'failed')
        .execute();
    }
  });
}

/** The distinct topic choices of the subscribers a digest still has to reach: which segments the send needs. */
export async function openTopicChoices(db: Db, digestId: number): Promise<string[][]> {
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('subscribers as s', 's.id', 'd.subscriber_id')
    .select('s.topics')
    .distinct()
    .where('d.digest_id', '=', digestId)
    .where('d.status', 'in', ['pending', 'uncertain', 'deferred'])
    .execute();
  return rows.map((r) => JSON.parse(r.topics) as string[]);
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
  await db
    .updateTable('subscribers')
    .set({ status: 'bounced', bounced_at: now.toISOString() })
    .where('id', '=', subscriberId)
    .where('status', '=', 'active')
    .execute();
  return true;
}

/** A delivery went through: earlier bounces were not consecutive after all. */
export async function clearBounces(db: Db, subscriberId: number): Promise<void> {
  await db.updateTable('subscribers').set({ bounce_count: 0 }).where('id', '=', subscriberId).execute();
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

/**
 * beginAttempt's and markSent's statements, prepared once per SQLite
 * connection: they run for every message, and going through Kysely cost
 * about 20 µs each (bench/RESULTS.md). Same SQL as the Kysely path below them.
 */
const perMessageStatements = new WeakMap<SQLite.Database, { begin: SQLite.Statement; sent: SQLite.Statement }>();
function perMessage(sqlite: SQLite.Database) {
  let statements = perMessageStatements.get(sqlite);
  if (!statements) {
    statements = {
      begin: sqlite.prepare(`update deliveries set status = 'sending', updated_at = ? where id = ? and claimed_by = ?`),
      sent: sqlite.prepare(`update deliveries
        set status = 'sent', attempts = attempts + 1, message_id = @messageId, smtp_response = @response,
            sent_at = @now, last_error = null, next_attempt_at = null, claimed_by = null, claimed_until = null, updated_at = @now
        where id = @id`),
    };
    perMessageStatements.set(sqlite, statements);
  }
  return statements;
}

/** Written only after the transport accepted the message (250 after DATA). */
export async function markSent(db: Db, id: number, fields: { messageId: string; response: string; now?: Date }): Promise<void> {
  const now = (fields.now ?? new Date()).toISOString();
  const response = fields.response.slice(0, 500);
  const direct = sqliteConnection(db);
  if (direct) {
    perMessage(direct).sent.run({ id, messageId: fields.messageId, response, now });
    return;
  }
  await sql`update deliveries
    set status = 'sent', attempts = attempts + 1, message_id = ${fields.messageId}, smtp_response = ${response},
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
export async function markAttemptFailed(db: Db, id: number, fields: { error: string; messageId: string; retryAt: Date | null; now?: Date }): Promise<void> {
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

/** Messages of the digest the server accepted since `since` (ISO). */
export async function countSentSince(db: Db, digestId: number, since: string): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('digest_id', '=', digestId)
    .where('sent_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The most frequent last errors of the digest's failed and deferred deliveries, most frequent first. */
export async function commonErrors(db: Db, digestId: number, limit: number): Promise<{ error: string; count: number }[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['last_error', (eb) => eb.fn.countAll<number>().as('n')])
    .where('digest_id', '=', digestId)
    .where('status', 'in', ['failed', 'deferred'])
    .where('last_error', 'is not', null)
    .groupBy('last_error')
    .orderBy('n', 'desc')
    .limit(limit)
    .execute();
  return rows.map((e) => ({ error: e.last_error!, count: Number(e.n) }));
}

/** Feedback reports imported about the digest's week, counted by kind (`complaint`, `bounce`). */
export async function feedbackCounts(db: Db, digestId: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('feedback_reports as f')
    .innerJoin('digests as d', 'd.week', 'f.week')
    .select(['f.kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('d.id', '=', digestId)
    .groupBy('f.kind')
    .execute();
  return new Map(rows.map((r) => [r.kind, Number(r.n)]));
}

/** Deliveries still to do across all digests (pending, deferred, uncertain, in flight). */
export async function countOpenDeliveries(db: Db): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['pending', 'deferred', 'uncertain', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deliveries by digest week and state. */
export async function deliveriesByWeekAndStatus(db: Db): Promise<{ week: string; status: string; n: number }[]> {
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('digests as g', 'g.id', 'd.digest_id')
    .select(['g.week', 'd.status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['g.week', 'd.status'])
    .execute();
  return rows.map((r) => ({ week: r.week, status: r.status, n: Number(r.n) }));
}

/** Deliveries of the digest the server accepted. */
export async function countSent(db: Db, digestId: number): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('digest_id', '=', digestId)
    .where('status', '=', 'sent')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
