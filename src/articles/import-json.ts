import type { Db } from '../db/connect.ts';
import { type RejectedItem, validateArticles } from './article-input.ts';
import { type UpsertCounts, upsertArticles } from './upsert-articles.ts';

export interface ImportResult extends UpsertCounts {
  rejected: RejectedItem[];
}

/** Validates and upserts; the valid items are imported even when others are rejected. */
export async function importArticles(db: Db, items: unknown[], now = new Date()): Promise<ImportResult> {
  const { valid, rejected } = validateArticles(items);
  const counts = await upsertArticles(db, valid, now);
  return { ...counts, rejected };
}
