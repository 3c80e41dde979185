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
  /** JSON Editorial (digest-content.ts). */
  editorial: string;
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

/** Digests sent for good, newest week first: the public archive. */
export function listSentDigests(db: Db) {
  return db.selectFrom('digests').select(['week', 'subject', 'preheader', 'finished_at']).where('status', '=', 'sent').orderBy('week', 'desc').execute();
}

/** Each built week's status. */
export async function digestStatuses(db: Db): Promise<Map<string, DigestRow['status']>> {
  return new Map((await db.selectFrom('digests').select(['week', 'status']).execute()).map((d) => [d.week, d.status]));
}

/** Weeks whose send started and did not finish, oldest first. */
export async function weeksBeingSent(db: Db): Promise<string[]> {
  return (await db.selectFrom('digests').select('week').where('status', '=', 'sending').orderBy('week').execute()).map((r) => r.week);
}

/** When the most recent digest finished sending; null before the first. */
export async function lastSentAt(db: Db): Promise<string | null> {
  const row = await db.selectFrom('digests').select('finished_at').where('status', '=', 'sent').orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
  return row?.finished_at ?? null;
}

/** Built issues not yet sending, oldest week first. */
export function listDrafts(db: Db): Promise<DigestRow[]> {
  return db.selectFrom('digests').selectAll().where('status', '=', 'draft').orderBy('week').execute();
}
