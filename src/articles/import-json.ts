import type { Db } from '../db/connect.ts';
import { type RejectedItem, validateArticles } from './article-input.ts';
import { type UpsertResult, upsertArticles } from './upsert-articles.ts';

export interface ImportResult extends UpsertResult {
  rejected: RejectedItem[];
}

/**
 * Validates and upserts; the valid items are imported even when others are
 * rejected. Items at `skip` are rejected already (by the caller, who says
 * why). Indexes in `rejected` and `repeats` are the items' positions.
 *
 * @example
 * await importArticles(db, items); // { created: 2, updated: 0, unchanged: 0, rejected: [], repeats: [{ index: 1, first: 0, by: 'link' }] }
 */
export async function importArticles(db: Db, items: unknown[], now = new Date(), skip: ReadonlySet<number> = new Set()): Promise<ImportResult> {
  const { valid, rejected, indexes } = validateArticles(items, skip);
  const { repeats, ...counts } = await upsertArticles(db, valid, now);
  return { ...counts, rejected, repeats: repeats.map((r) => ({ ...r, index: indexes[r.index]!, first: indexes[r.first]! })) };
}
