import type { Db } from '../db/connect.ts';

/** The first message is about to go: from here the digest is frozen for good (no rebuild). */
export async function markDigestSending(db: Db, digestId: number, now = new Date()): Promise<void> {
  await db.updateTable('digests').set({ status: 'sending', started_at: now.toISOString() }).where('id', '=', digestId).where('status', '=', 'draft').execute();
}

/** Every delivery of the digest reached a final state. */
export async function markDigestSent(db: Db, digestId: number, now = new Date()): Promise<void> {
  await db.updateTable('digests').set({ status: 'sent', finished_at: now.toISOString() }).where('id', '=', digestId).execute();
}
