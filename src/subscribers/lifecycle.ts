import type { Db } from '../db/connect.ts';
import type { SubscriberRow } from '../db/schema.ts';
import { type NewSubscriber, checkedEmail, cleanName, findSubscriberByEmail, findSubscriberById, insertSubscriber } from './subscriber-store.ts';

/**
 * Someone asked for the digest on the subscribe form. New addresses, and
 * people who left and ask again, become `pending` and need a confirmation
 * email; active subscribers are left as they are (the caller answers the same
 * either way, so the form cannot tell who is on the list).
 */
export async function requestSubscription(
  db: Db,
  input: NewSubscriber,
  now = new Date(),
): Promise<{ subscriber: SubscriberRow; sendConfirmation: boolean }> {
  const email = checkedEmail(input.email);
  const stamp = now.toISOString();
  const existing = await findSubscriberByEmail(db, email);
  if (existing?.status === 'active') return { subscriber: existing, sendConfirmation: false };
  if (existing) {
    const subscriber = await db
      .updateTable('subscribers')
      .set({
        status: 'pending',
        name: input.name ? cleanName(input.name) : existing.name,
        topics: input.topics?.length ? JSON.stringify(input.topics) : existing.topics,
        updated_at: stamp,
      })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { subscriber, sendConfirmation: true };
  }
  const subscriber = await insertSubscriber(db, { ...input, email }, 'pending', stamp);
  return { subscriber, sendConfirmation: true };
}

export type ConfirmOutcome = 'confirmed' | 'already-active' | 'not-found' | 'closed';

/**
 * The confirmation link was followed: pending → active. A second click
 * changes nothing (and sends no second welcome); an address that left or
 * bounced since is not reactivated by an old link.
 */
export async function confirmSubscription(db: Db, id: number, now = new Date()): Promise<{ outcome: ConfirmOutcome; subscriber?: SubscriberRow }> {
  const existing = await findSubscriberById(db, id);
  if (!existing) return { outcome: 'not-found' };
  if (existing.status === 'active') return { outcome: 'already-active', subscriber: existing };
  if (existing.status !== 'pending') return { outcome: 'closed', subscriber: existing };
  const subscriber = await db
    .updateTable('subscribers')
    .set({ status: 'active', confirmed_at: now.toISOString(), unsubscribed_at: null, updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  return subscriber ? { outcome: 'confirmed', subscriber } : { outcome: 'already-active', subscriber: existing };
}

/** The categories a subscriber wants; an empty list means all of them. */
export async function setTopics(db: Db, id: number, topics: string[], now = new Date()): Promise<void> {
  await db.updateTable('subscribers').set({ topics: JSON.stringify(topics), updated_at: now.toISOString() }).where('id', '=', id).execute();
}
