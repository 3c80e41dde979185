import type { Db } from '../db/connect.ts';
import type { SubscriberRow, SubscriberStatus } from '../db/schema.ts';
import { UserError } from '../errors.ts';
import { isEmailAddress, normalizeEmail } from '../mailbox.ts';

export interface NewSubscriber {
  email: string;
  name?: string;
  topics?: string[];
}

/** Validates and normalises an address; a UserError names what is wrong. */
export function checkedEmail(value: string): string {
  const email = normalizeEmail(value);
  if (!isEmailAddress(email)) throw new UserError(`invalid email address "${value.trim()}"`, 'EINPUT');
  return email;
}

export function parseTopics(value: string | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(/[,;]/).map((t) => t.trim()).filter(Boolean))];
}

export async function findSubscriberByEmail(db: Db, email: string): Promise<SubscriberRow | undefined> {
  return db.selectFrom('subscribers').selectAll().where('email_key', '=', normalizeEmail(email).toLowerCase()).executeTakeFirst();
}

/**
 * Adds an active subscriber (an operator vouches for their consent), or
 * updates name/topics of one already active. Someone who left is not
 * re-subscribed behind their back: they must subscribe again themselves.
 */
export async function addSubscriber(
  db: Db,
  input: NewSubscriber,
  now = new Date(),
): Promise<{ outcome: 'created' | 'updated'; subscriber: SubscriberRow }> {
  const email = checkedEmail(input.email);
  const stamp = now.toISOString();
  const existing = await findSubscriberByEmail(db, email);
  if (existing && existing.status !== 'active' && existing.status !== 'pending') {
    throw new UserError(`${existing.email} is ${existing.status}${existing.unsubscribed_at ? ` since ${existing.unsubscribed_at}` : ''}; they must subscribe again themselves`, 'ESTATE');
  }
  if (existing) {
    const subscriber = await db
      .updateTable('subscribers')
      .set({
        name: input.name ?? existing.name,
        topics: input.topics ? JSON.stringify(input.topics) : existing.topics,
        status: 'active',
        confirmed_at: existing.confirmed_at ?? stamp,
        updated_at: stamp,
      })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { outcome: 'updated', subscriber };
  }
  const subscriber = await db
    .insertInto('subscribers')
    .values({
      email,
      email_key: email.toLowerCase(),
      name: (input.name ?? '').replace(/\s+/g, ' ').trim(),
      status: 'active',
      topics: JSON.stringify(input.topics ?? []),
      created_at: stamp,
      updated_at: stamp,
      confirmed_at: stamp,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { outcome: 'created', subscriber };
}

export async function listSubscribers(db: Db, status?: SubscriberStatus): Promise<SubscriberRow[]> {
  let query = db.selectFrom('subscribers').selectAll().orderBy('id');
  if (status) query = query.where('status', '=', status);
  return query.execute();
}

/** Unsubscribes at once: no later digest goes to this address. */
export async function unsubscribe(db: Db, email: string, now = new Date()): Promise<SubscriberRow> {
  const existing = await findSubscriberByEmail(db, checkedEmail(email));
  if (!existing) throw new UserError(`no subscriber with address ${email.trim()}`, 'ENOTFOUND');
  if (existing.status === 'unsubscribed') return existing;
  return db
    .updateTable('subscribers')
    .set({ status: 'unsubscribed', unsubscribed_at: now.toISOString(), updated_at: now.toISOString() })
    .where('id', '=', existing.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
