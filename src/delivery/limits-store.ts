import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { SharedLimits } from './send-pacer.ts';

/**
 * SEND_RATE across every sender sharing the store: lets a message go when
 * at least `intervalMs` passed since the last one any sender let go, and
 * records it (a compare-and-set on one row). Returns 0 when granted, else
 * how long to wait before asking again. A clock row far in the future (a
 * test's fake clock, a machine whose clock was wrong) is not waited for.
 * The row is created by migration 003.
 */
export async function grantSendSlot(db: Db, nowMs: number, intervalMs: number): Promise<number> {
  const granted = await sql`update send_clock set last_grant_ms = ${nowMs}
    where name = 'rate' and (last_grant_ms <= ${nowMs - intervalMs} or last_grant_ms > ${nowMs + 60_000})`.execute(db);
  if (Number(granted.numAffectedRows ?? 0) === 1) return 0;
  const row = await db.selectFrom('send_clock').select('last_grant_ms').where('name', '=', 'rate').executeTakeFirstOrThrow();
  const wait = Number(row.last_grant_ms) + intervalMs - nowMs;
  // The slot another sender just took is over already: ask again at once.
  return wait > 0 ? wait : grantSendSlot(db, nowMs, intervalMs);
}

/**
 * SEND_HOURLY_LIMIT across every sender sharing the store: the send times of
 * the rolling hour are kept in `send_grants`. Granting is serialised by
 * writing the `hourly` clock row first (SQLite's write lock, PostgreSQL's row
 * lock), so two senders never both take the last slot. Returns 0 when
 * granted (and counted), else how long until the oldest send leaves the hour.
 */
export async function grantHourSlot(db: Db, nowMs: number, perHour: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('send_clock')
      .values({ name: 'hourly', last_grant_ms: nowMs })
      .onConflict((oc) => oc.column('name').doUpdateSet({ last_grant_ms: nowMs }))
      .execute();
    await trx
      .deleteFrom('send_grants')
      .where('at_ms', '<=', nowMs - 3_600_000)
      .execute();
    const wait = await hourWait(trx, nowMs, perHour);
    if (wait > 0) return wait;
    await trx.insertInto('send_grants').values({ at_ms: nowMs }).execute();
    return 0;
  });
}

/** How long the rolling hour's sends hold the next one back (0: they don't). */
async function hourWait(db: Db, nowMs: number, perHour: number): Promise<number> {
  const recent = await db
    .selectFrom('send_grants')
    .select('at_ms')
    .where('at_ms', '>', nowMs - 3_600_000)
    .orderBy('at_ms', 'desc')
    .limit(perHour)
    .execute();
  return recent.length < perHour ? 0 : Math.max(1, Number(recent[perHour - 1]!.at_ms) + 3_600_000 - nowMs);
}

/** When SEND_HOURLY_LIMIT lets the next message go, as every sender of the store sees it; null when it does now. */
export async function hourlyResumeAt(db: Db, now: Date, perHour: number): Promise<Date | null> {
  const wait = await hourWait(db, now.getTime(), perHour);
  return wait > 0 ? new Date(now.getTime() + wait) : null;
}

/** The pacer's view of this store's limits. */
export function storeLimits(db: Db): SharedLimits {
  return {
    secondSlot: (nowMs, intervalMs) => grantSendSlot(db, nowMs, intervalMs),
    hourSlot: (nowMs, perHour) => grantHourSlot(db, nowMs, perHour),
  };
}
