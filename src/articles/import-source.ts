import type { Db } from '../db/connect.ts';
import { decodeFeedBytes } from './decode-feed.ts';
import type { SourceBytes } from './fetch-source.ts';
import { type SourceFormat, parseArticleSource } from './import-feed.ts';
import { type ImportResult, importArticles } from './import-json.ts';

export interface SourceImportOptions {
  /** Category of feed items that name none (`--category`); `General` when unset. */
  defaultCategory?: string;
  /** `DIGEST_TZ`: the zone of dates written without one. */
  timeZone: string;
  now?: Date;
}

export interface SourceImportReport extends ImportResult {
  format: SourceFormat;
  /** One line per thing the reader of the summary should know (a cut title, a date read in DIGEST_TZ…). */
  notes: string[];
}

/**
 * Decodes, parses, validates and upserts what was read from one file or URL.
 * `label` (masked) names the source in errors.
 *
 * @example
 * const fetched = await readSourceBytes('https://news.example.org/feed.xml');
 * await importSourceBytes(db, fetched, 'https://news.example.org/feed.xml', { timeZone: 'Europe/Berlin' });
 * // { format: 'rss', created: 12, updated: 0, unchanged: 0, rejected: [], notes: [] }
 */
export async function importSourceBytes(db: Db, source: SourceBytes, label: string, options: SourceImportOptions): Promise<SourceImportReport> {
  const text = decodeFeedBytes(source.bytes, source.contentType, label);
  const { format, items } = parseArticleSource(text, label, { defaultCategory: options.defaultCategory });
  const result = await importArticles(db, items, options.now);
  return { format, ...result, notes: [] };
}
