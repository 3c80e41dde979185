import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import type { Db } from '../db/connect.ts';
import { type RejectedItem, validateArticles } from './article-input.ts';
import { type UpsertCounts, upsertArticles } from './upsert-articles.ts';

export interface ImportResult extends UpsertCounts {
  rejected: RejectedItem[];
}

/** Reads a JSON file holding an array of articles (or `{ "articles": [...] }`). */
export async function readArticlesJson(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(error as Error).message}`, 'EINPUT');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path} is not valid JSON: ${(error as Error).message}`, 'EINPUT');
  }
  const items = Array.isArray(data) ? data : (data as { articles?: unknown } | null)?.articles;
  if (!Array.isArray(items)) throw new UserError(`${path} must hold a JSON array of articles`, 'EINPUT');
  return items;
}

/** Validates and upserts; the valid items are imported even when others are rejected. */
export async function importArticles(db: Db, items: unknown[], now = new Date()): Promise<ImportResult> {
  const { valid, rejected } = validateArticles(items);
  const counts = await upsertArticles(db, valid, now);
  return { ...counts, rejected };
}
