import type { Db } from '../db/connect.ts';
import type { DigestRow } from '../db/schema.ts';

export async function findDigest(db: Db, weekId: string): Promise<DigestRow | undefined> {
  return db.selectFrom('digests').selectAll().where('week', '=', weekId).executeTakeFirst();
}

/** What a build freezes: the subject, preheader and articles in reading order, and its measured size. */
export interface DraftValues {
  subject: string;
  preheader: string;
  article_ids: string;
  html_bytes: number;
  built_at: string;
}

/** Writes the week's draft: a new row, or the existing draft refreshed. */
export function saveDraft(db: Db, weekId: string, values: DraftValues, existingId?: number): Promise<DigestRow> {
  if (existingId !== undefined) return db.updateTable('digests').set(values).where('id', '=', existingId).returningAll().executeTakeFirstOrThrow();
  return db
    .insertInto('digests')
    .values({ ...values, week: weekId, status: 'draft' })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A draft whose week no longer has articles. */
export async function deleteDigest(db: Db, digestId: number): Promise<void> {
  await db.deleteFrom('digests').where('id', '=', digestId).execute();
}

/** The first message is about to go: from here the digest is frozen for good (no rebuild). */
export async function markDigestSending(db: Db, digestId: number, now = new Date()): Promise<void> {
  await db.updateTable('digests').set({ status: 'sending', started_at: now.toISOString() }).where('id', '=', digestId).where('status', '=', 'draft').execute();
}

/** Every delivery of the digest reached a final state. */
export async function markDigestSent(db: Db, digestId: number, now = new Date()): Promise<void> {
  await db.updateTable('digests').set({ status: 'sent', finished_at: now.toISOString() }).where('id', '=', digestId).execute();
}
