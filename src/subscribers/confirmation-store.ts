import type { Db } from '../db/connect.ts';

/**
 * How many confirmation emails the subscribe form sends one address: one
 * per 10 minutes, three per rolling 24 hours. A reader who lost the first
 * email can ask again soon; twenty posts by a stranger send one, and a
 * script posting all day sends three (issue 14).
 */
export const CONFIRMATION_LIMITS = { gapMs: 10 * 60_000, perDay: 3 } as const;

const DAY_MS = 86_400_000;

/**
 * Records a confirmation email to `subscriberId` at `now` when the limits
 * allow one; false when they don't. Call it inside the transaction that
 * wrote the subscriber's row first (insertPendingOrLockSubscriber): that
 * row's lock is what makes this check-then-record atomic across requests
 * and processes. Sends older than a day are deleted on the way.
 */
export async function takeConfirmationSlot(trx: Db, subscriberId: number, now: Date): Promise<boolean> {
  await trx
    .deleteFrom('confirmation_sends')
    .where('subscriber_id', '=', subscriberId)
    .where('sent_at', '<=', new Date(now.getTime() - DAY_MS).toISOString())
    .execute();
  const recent = await trx.selectFrom('confirmation_sends').select('sent_at').where('subscriber_id', '=', subscriberId).orderBy('sent_at', 'desc').execute();
  if (recent.length >= CONFIRMATION_LIMITS.perDay) return false;
  if (recent[0] && Date.parse(recent[0].sent_at) > now.getTime() - CONFIRMATION_LIMITS.gapMs) return false;
  await trx.insertInto('confirmation_sends').values({ subscriber_id: subscriberId, sent_at: now.toISOString() }).execute();
  return true;
}
