import type { Insertable } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { FeedbackReportsTable } from '../db/schema.ts';

/** Whether the report with this key (its Message-ID or content hash) was imported before. */
export async function reportImported(db: Db, key: string): Promise<boolean> {
  const seen = await db.selectFrom('feedback_reports').select('report_key').where('report_key', '=', key).executeTakeFirst();
  return seen !== undefined;
}

/** Records an imported report, so the next import of the same mailbox skips it. */
export async function insertFeedbackReport(db: Db, row: Insertable<FeedbackReportsTable>): Promise<void> {
  await db.insertInto('feedback_reports').values(row).execute();
}
