import type { Db } from '../db/connect.ts';
import type { DigestEditRow, EditAction } from '../db/schema.ts';

export interface EditInput {
  action: EditAction;
  value: string;
}

/** Records an editor's changes to a week's issue, in order, in one transaction. */
export async function recordEdits(db: Db, week: string, edits: EditInput[], editor: string, now = new Date()): Promise<void> {
  if (edits.length === 0) return;
  const at = now.toISOString();
  await db
    .insertInto('digest_edits')
    .values(edits.map((e) => ({ week, action: e.action, value: e.value, editor, at })))
    .execute();
}

/** Every change made to a week's issue, oldest first: its history, and (read in order) its current choices. */
export function listEdits(db: Db, week: string): Promise<DigestEditRow[]> {
  return db.selectFrom('digest_edits').selectAll().where('week', '=', week).orderBy('id').execute();
}
