import type { Db } from '../db/connect.ts';
import type { CompiledSegmentsTable } from '../db/schema.ts';

/** Stored compiles by the hash of their inputs (compiled JSON, keyed by that hash). */
export async function findStoredSegments(db: Db, inputs: string[]): Promise<Map<string, string>> {
  const rows = await db.selectFrom('compiled_segments').select(['inputs', 'compiled']).where('inputs', 'in', inputs).execute();
  return new Map(rows.map((r) => [r.inputs, r.compiled]));
}

/**
 * Keeps one compile of a week's segment: stores it (another worker may have
 * stored the same bytes a moment ago), drops earlier compiles of that segment
 * (before an edit, a new release: never asked for again) and every compile of
 * a week sent for good (a later --retry-failed compiles again, rare and cheap).
 */
export async function storeSegment(db: Db, row: CompiledSegmentsTable): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('compiled_segments')
      .values(row)
      .onConflict((oc) => oc.column('inputs').doNothing())
      .execute();
    await trx.deleteFrom('compiled_segments').where('week', '=', row.week).where('segment', '=', row.segment).where('inputs', '!=', row.inputs).execute();
    await trx
      .deleteFrom('compiled_segments')
      .where('week', 'in', (eb) => eb.selectFrom('digests').select('week').where('status', '=', 'sent'))
      .execute();
  });
}
