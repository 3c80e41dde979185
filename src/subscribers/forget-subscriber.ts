import type { Db } from '../db/connect.ts';
import { namedSubscriber } from './subscriber-store.ts';

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
