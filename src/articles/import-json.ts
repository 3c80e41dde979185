import type { Db } from '../db/connect.ts';
import { type RejectedItem, validateArticles } from './article-input.ts';
import { type Repeat, type UpsertCounts, firstOfEach, upsertArticles } from './upsert-articles.ts';

export interface ImportResult extends UpsertCounts {
  rejected: RejectedItem[];
  /** Items that repeat an earlier one's URL: only the first is imported. */
  repeats: Repeat[];
}

/** Validates and upserts; the valid items are imported even when others are rejected. */
export async function importArticles(db: Db, items: unknown[], now = new Date()): Promise<ImportResult> {
  const { valid, rejected, indexes } = validateArticles(items);
  const { unique, repeats } = firstOfEach(valid, indexes);
  const counts = await upsertArticles(db, unique, now);
  return { ...counts, rejected, repeats };
}
