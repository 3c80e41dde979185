import type { Db } from '../db/connect.ts';
import type { SubscriberRow } from '../db/schema.ts';
import { takeConfirmationSlot } from './confirmation-store.ts';
import { inTransaction } from '../db/transaction.ts';
import { type NewSubscriber, activatePending, checkedEmail, findSubscriberById, insertPendingOrLockSubscriber, reopenSubscriber } from './subscriber-store.ts';

/** How long after an address bounced the form may mail it again: a mailbox that was full or disabled may be back by then. */
export const BOUNCE_QUIET_DAYS = 30;

/**
 * What a subscribe-form post led to: `confirmation` means a confirmation
 * email is due to `subscriber` (its slot is already recorded); every other
 * outcome sends nothing.
 */
export type SubscriptionRequestOutcome = 'confirmation' | 'already-active' | 'complained' | 'bounced-recently' | 'limited';

/**
 * Someone asked for the digest on the subscribe form, which anyone can post
 * for any address, so it only ever does what the address's owner would
 * want: a new address becomes `pending` with the name and topics posted; a
 * pending or unsubscribed one, or one that bounced more than
 * BOUNCE_QUIET_DAYS ago, becomes `pending` again; each of these gets a
 * confirmation email within CONFIRMATION_LIMITS. An existing row keeps its
 * name and topics (a stranger must not rename someone or choose their
 * topics; the owner does so on the confirmation page). Active subscribers
 * are left as they are, and an address that complained is never mailed
 * from the form. The caller answers the same whatever happens here.
 *
 * One transaction that writes the subscriber's row first, so concurrent
 * requests for one address are decided one at a time in every process.
 */
export async function requestSubscription(
  db: Db,
  input: NewSubscriber,
  now = new Date(),
): Promise<{ outcome: SubscriptionRequestOutcome; subscriber: SubscriberRow }> {
  const email = checkedEmail(input.email);
  const stamp = now.toISOString();
  return inTransaction(db, async (trx) => {
    const subscriber = await insertPendingOrLockSubscriber(trx, { ...input, email }, stamp);
    const outcome = formRequestOutcome(subscriber, now);
    if (outcome !== 'confirmation') return { outcome, subscriber };
    if (!(await takeConfirmationSlot(trx, subscriber.id, now))) return { outcome: 'limited', subscriber };
    if (subscriber.status === 'pending') return { outcome, subscriber };
    // Back on the list once they confirm; a bounce history from before the quiet period does not count against them.
    const reopened = await reopenSubscriber(trx, subscriber.id, stamp);
    return { outcome, subscriber: reopened };
  });
}

function formRequestOutcome(subscriber: SubscriberRow, now: Date): SubscriptionRequestOutcome {
  switch (subscriber.status) {
    case 'active':
      return 'already-active';
    case 'complained':
      return 'complained';
    case 'bounced': {
      // A row bounced before bounced_at existed and missed by migration 006 falls back on its last change.
      const since = Date.parse(subscriber.bounced_at ?? subscriber.updated_at);
      return now.getTime() - since >= BOUNCE_QUIET_DAYS * 86_400_000 ? 'confirmation' : 'bounced-recently';
    }
    case 'pending':
    case 'unsubscribed':
      return 'confirmation';
  }
}

export type ConfirmOutcome = 'confirmed' | 'already-active' | 'not-found' | 'closed';

/** What the person confirming chose on the confirmation page: the name to greet them by, and their topics. */
export interface ConfirmChoices {
  name: string;
  topics: string[];
}

/**
 * The confirmation link was followed: pending → active. A second click
 * changes nothing (and sends no second welcome); an address that left or
 * bounced since is not reactivated by an old link. With `choices`, the
 * name and topics become the ones the owner of the address chose, whoever
 * posted the form.
 */
export async function confirmSubscription(
  db: Db,
  id: number,
  now = new Date(),
  choices?: ConfirmChoices,
): Promise<{ outcome: ConfirmOutcome; subscriber?: SubscriberRow }> {
  const existing = await findSubscriberById(db, id);
  if (!existing) return { outcome: 'not-found' };
  if (existing.status === 'active') return { outcome: 'already-active', subscriber: existing };
  if (existing.status !== 'pending') return { outcome: 'closed', subscriber: existing };
  const subscriber = await activatePending(db, id, now.toISOString(), choices);
  return subscriber ? { outcome: 'confirmed', subscriber } : { outcome: 'already-active', subscriber: existing };
}
