import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { SubscriberRow, SubscriberStatus } from '../db/schema.ts';
import { UserError } from '../errors.ts';
import { checkAddress, normalizeEmail } from '../mailbox.ts';
import { quoteForMessage } from '../text/escape-controls.ts';
import { truncate } from '../text/one-line.ts';

export interface NewSubscriber {
  email: string;
  name?: string;
  topics?: string[];
}

/** Why an address is refused, as one line: `invalid email address "ada@example": has a domain without a dot`. */
export function invalidAddressReason(value: string, problem: string): string {
  return `invalid email address ${quoteForMessage(value.trim())}: ${problem}`;
}

/** Validates and normalises an address; a UserError names what is wrong. */
export function checkedEmail(value: string): string {
  const check = checkAddress(value);
  if (!check.ok) throw new UserError(invalidAddressReason(value, check.problem), 'EINPUT');
  return check.address;
}

/** `Privacy, labor;Bias` → ['Privacy', 'labor', 'Bias'] (deduplicated, case kept). */
export function parseTopics(value: string | undefined): string[] {
  if (!value) return [];
  const seen = new Set<string>();
  return value
    .split(/[,;]/)
    .map((t) => t.replace(/\s+/g, ' ').trim().slice(0, 60))
    .filter((t) => t && !seen.has(t.toLowerCase()) && seen.add(t.toLowerCase()));
}

export function subscriberTopics(row: Pick<SubscriberRow, 'topics'>): string[] {
  return JSON.parse(row.topics) as string[];
}

export async function findSubscriberByEmail(db: Db, email: string): Promise<SubscriberRow | undefined> {
  return db.selectFrom('subscribers').selectAll().where('email_key', '=', normalizeEmail(email).toLowerCase()).executeTakeFirst();
}

export async function findSubscriberById(db: Db, id: number): Promise<SubscriberRow | undefined> {
  return db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Adds a subscriber from the operator's side: `active` when the operator
 * vouches for their consent (`confirmed`), else `pending` until they click
 * the confirmation link. An existing one gets its name/topics updated.
 * Someone who left is not re-subscribed behind their back.
 */
export async function addSubscriber(
  db: Db,
  input: NewSubscriber,
  options: {
    confirmed: boolean;
    now?: Date /** The row for this address when the caller already looked it up (null: none). */;
    existing?: SubscriberRow | null;
  },
): Promise<{ outcome: 'created' | 'updated'; subscriber: SubscriberRow }> {
  const email = checkedEmail(input.email);
  const stamp = (options.now ?? new Date()).toISOString();
  const existing = options.existing !== undefined ? options.existing : await findSubscriberByEmail(db, email);
  const refusal = existing && operatorMayNotAdd(existing, options.confirmed);
  if (refusal) throw new UserError(`${existing.email} ${refusal}; they must subscribe again themselves`, 'ESTATE');
  const status: SubscriberStatus = options.confirmed || existing?.status === 'active' ? 'active' : 'pending';
  if (existing) {
    const subscriber = await db
      .updateTable('subscribers')
      .set({
        name: input.name === undefined ? existing.name : cleanName(input.name),
        topics: input.topics ? JSON.stringify(input.topics) : existing.topics,
        status,
        confirmed_at: status === 'active' ? (existing.confirmed_at ?? stamp) : null,
        updated_at: stamp,
      })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { outcome: 'updated', subscriber };
  }
  return { outcome: 'created', subscriber: await insertSubscriber(db, { ...input, email }, status, stamp) };
}

function newSubscriberRow(input: NewSubscriber, status: 'pending' | 'active', stamp: string) {
  return {
    email: input.email,
    email_key: input.email.toLowerCase(),
    name: cleanName(input.name ?? ''),
    status,
    topics: JSON.stringify(input.topics ?? []),
    created_at: stamp,
    updated_at: stamp,
    confirmed_at: status === 'active' ? stamp : null,
  };
}

/**
 * Why the operator may not add (or, with `confirmed`, activate) an existing
 * row; null when they may. Someone who left, bounced or complained must come
 * back themselves. So must someone who left and is only `pending` again
 * because the public form was posted for their address, by them or by anyone:
 * their consent is the confirmation link, not the operator's word.
 */
export function operatorMayNotAdd(existing: SubscriberRow, confirmed: boolean): string | null {
  if (existing.status !== 'active' && existing.status !== 'pending') {
    return `is ${existing.status}${existing.unsubscribed_at ? ` since ${existing.unsubscribed_at}` : ''}`;
  }
  if (existing.status === 'pending' && confirmed && existing.unsubscribed_at) {
    return `left on ${existing.unsubscribed_at} and has not confirmed a new subscription`;
  }
  return null;
}

/** A new row for a checked, normalised address. */
export async function insertSubscriber(db: Db, input: NewSubscriber, status: 'pending' | 'active', stamp: string): Promise<SubscriberRow> {
  return db
    .insertInto('subscribers')
    .values(newSubscriberRow(input, status, stamp))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The row for a checked, normalised address, created `pending` with
 * `input`'s name and topics when there is none; an existing row comes back
 * as it was. Either way the statement writes the row, so inside a
 * transaction it holds it (PostgreSQL's row lock, SQLite's write lock)
 * until the transaction ends: requests for one address, from any process,
 * are decided one after the other. Two of them creating the row at once
 * cannot collide on the unique address either.
 */
export async function insertPendingOrLockSubscriber(trx: Db, input: NewSubscriber, stamp: string): Promise<SubscriberRow> {
  return trx
    .insertInto('subscribers')
    .values(newSubscriberRow(input, 'pending', stamp))
    .onConflict((oc) => oc.column('email_key').doUpdateSet((eb) => ({ email_key: eb.ref('excluded.email_key') })))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A subscriber's name as stored: one line (no C0/C1 controls, U+0085 NEL or U+2028/2029), at most 120 characters. */
export function cleanName(name: string): string {
  return truncate(
    name
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    120,
  );
}

export async function listSubscribers(db: Db, status?: SubscriberStatus): Promise<SubscriberRow[]> {
  let query = db.selectFrom('subscribers').selectAll().orderBy('id');
  if (status) query = query.where('status', '=', status);
  return query.execute();
}

/** Unsubscribes at once: no later digest goes to this subscriber. Idempotent. */
export async function unsubscribeSubscriber(db: Db, id: number, now = new Date()): Promise<SubscriberRow | undefined> {
  const existing = await findSubscriberById(db, id);
  if (!existing || existing.status === 'unsubscribed') return existing;
  return db
    .updateTable('subscribers')
    .set({ status: 'unsubscribed', unsubscribed_at: now.toISOString(), updated_at: now.toISOString() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The subscriber an operator names by address. Looked up as typed, not
 * checked first: a row added before the address checks of issue 14 may not
 * pass them, and must still be removable and erasable. A UserError says why
 * there is none.
 */
export async function namedSubscriber(db: Db, email: string): Promise<SubscriberRow> {
  const existing = await findSubscriberByEmail(db, email);
  if (existing) return existing;
  throw new UserError(`no subscriber with address ${checkedEmail(email)}`, 'ENOTFOUND');
}

/** `digest subscribers remove <email>`. */
export async function unsubscribe(db: Db, email: string, now = new Date()): Promise<SubscriberRow> {
  const existing = await namedSubscriber(db, email);
  return (await unsubscribeSubscriber(db, existing.id, now))!;
}

/**
 * Erases a person (GDPR art. 17): their row goes, and their delivery rows
 * lose everything that could point back to them (the Message-ID carries their
 * id; server replies and errors often quote the address), as do complaint
 * and bounce reports imported about them; the record of confirmation emails
 * sent to them goes too. What remains are anonymous counts per digest and
 * state.
 */
export async function forgetSubscriber(db: Db, email: string): Promise<{ email: string; deliveries: number }> {
  const existing = await namedSubscriber(db, email);
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('deliveries')
      .set({ subscriber_id: null, message_id: null, smtp_response: null, last_error: null, claimed_by: null, claimed_until: null })
      .where('subscriber_id', '=', existing.id)
      .executeTakeFirst();
    // A complaint or bounce report imported about them quoted the address.
    await trx
      .updateTable('feedback_reports')
      .set({ subscriber_id: null, detail: 'about a subscriber since erased' })
      .where('subscriber_id', '=', existing.id)
      .execute();
    // When the form last sent them a confirmation (the foreign key would cascade; said here so it does not depend on it).
    await trx.deleteFrom('confirmation_sends').where('subscriber_id', '=', existing.id).execute();
    await trx.deleteFrom('subscribers').where('id', '=', existing.id).execute();
    return { email: existing.email, deliveries: Number(result.numUpdatedRows) };
  });
}

/** A pending, unsubscribed or long-bounced address asked again: pending, with its bounce history cleared. */
export function reopenSubscriber(db: Db, id: number, stamp: string): Promise<SubscriberRow> {
  return db
    .updateTable('subscribers')
    .set({ status: 'pending', bounce_count: 0, bounced_at: null, updated_at: stamp })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** pending → active, with the name and topics chosen on the confirmation page; undefined when the row is no longer pending. */
export function activatePending(db: Db, id: number, stamp: string, choices?: { name: string; topics: string[] }): Promise<SubscriberRow | undefined> {
  return db
    .updateTable('subscribers')
    .set({
      status: 'active',
      confirmed_at: stamp,
      unsubscribed_at: null,
      updated_at: stamp,
      ...(choices ? { name: cleanName(choices.name), topics: JSON.stringify(choices.topics) } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** The categories a subscriber wants; an empty list means all of them. */
export async function setTopics(db: Db, id: number, topics: string[], now = new Date()): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({ topics: JSON.stringify(topics), updated_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** A complaint: `complained` (no digest goes to them again). False when they already were. */
export async function markComplained(db: Db, id: number, stamp: string): Promise<boolean> {
  const marked = await db
    .updateTable('subscribers')
    .set({ status: 'complained', updated_at: stamp })
    .where('id', '=', id)
    .where('status', '!=', 'complained')
    .executeTakeFirst();
  return Number(marked.numUpdatedRows) > 0;
}

/** Subscribers by status. */
export async function countSubscribersByStatus(db: Db): Promise<{ status: SubscriberStatus; n: number }[]> {
  const rows = await db
    .selectFrom('subscribers')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
}

export async function countActiveSubscribers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('subscribers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The longest-standing active subscriber, if any. */
export function firstActiveSubscriber(db: Db): Promise<Pick<SubscriberRow, 'id' | 'email' | 'name' | 'topics'> | undefined> {
  return db.selectFrom('subscribers').select(['id', 'email', 'name', 'topics']).where('status', '=', 'active').orderBy('id').limit(1).executeTakeFirst();
}

/** Deletes every delivery, digest, subscriber and article: the demo's start over. */
export async function wipePublication(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of ['deliveries', 'digests', 'subscribers', 'articles'] as const) await trx.deleteFrom(table).execute();
  });
}

/** Active subscribers' topic choices, each with how many readers made it. */
export async function activeTopicChoices(db: Db): Promise<{ topics: string[]; readers: number }[]> {
  const rows = await db
    .selectFrom('subscribers')
    .select(['topics', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'active')
    .groupBy('topics')
    .execute();
  return rows.map((r) => ({ topics: JSON.parse(r.topics) as string[], readers: Number(r.n) }));
}

/** The subscriber at this address, else the first few whose address contains it (an editor's search). */
export async function searchSubscribers(db: Db, query: string, limit = 10): Promise<SubscriberRow[]> {
  const exact = await findSubscriberByEmail(db, query);
  if (exact) return [exact];
  const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db.selectFrom('subscribers').selectAll().where(sql<boolean>`lower(email) like ${pattern} escape '\\'`).orderBy('id').limit(limit).execute();
}
