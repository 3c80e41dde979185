import type { Db } from '../db/connect.ts';
import type { RejectedItem } from './article-input.ts';
import { decodeFeedBytes } from './decode-feed.ts';
import type { SourceBytes } from './fetch-source.ts';
import { type ItemNote, type ParsedSource, type SourceFormat, parseArticleSource } from './import-feed.ts';
import { importArticles } from './import-json.ts';
import type { UpsertCounts } from './upsert-articles.ts';

export interface SourceImportOptions {
  /** Category of feed items that name none (`--category`); `General` when unset. */
  defaultCategory?: string;
  /** `DIGEST_TZ`: the zone of dates written without one. */
  timeZone: string;
  now?: Date;
}

export interface SourceImportReport extends UpsertCounts {
  format: SourceFormat;
  rejected: RejectedItem[];
  /** One line per thing the reader of the summary should know (a cut title, a date read in DIGEST_TZ…). */
  notes: string[];
}

/**
 * `3 created, 1 updated, 40 unchanged, 0 rejected`: what an import did, as
 * `digest articles import` and `digest sources fetch` print it and a
 * source's `last_result` keeps it.
 */
export function describeImport(report: UpsertCounts & { rejected: unknown[] }): string {
  return `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected.length} rejected`;
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
  const now = options.now ?? new Date();
  const { text, note } = decodeFeedBytes(source.bytes, source.contentType, label);
  const parsed = parseArticleSource(text, label, { ...options, now, documentUrl: source.url });
  const report = await importParsed(db, parsed, now);
  return note ? { ...report, notes: [note, ...report.notes] } : report;
}

/**
 * Imports parsed items (`importArticles`) and words what happened for the
 * summary: items that are one article (the same guid, or no guid and the
 * same link) were merged into the first.
 */
async function importParsed(db: Db, parsed: ParsedSource, now: Date): Promise<SourceImportReport> {
  const { repeats, rejected, ...counts } = await importArticles(db, parsed.items, now, new Set(parsed.refused.map((r) => r.index)));
  const notes = [
    ...parsed.notes,
    ...repeats.map(({ index, first, by }) => ({ index, note: `the same ${by === 'guid' ? 'guid' : 'link, and no guid,'} as item ${first}: merged into it` })),
  ];
  return {
    format: parsed.format,
    ...counts,
    rejected: [...parsed.refused, ...rejected].sort((a, b) => a.index - b.index),
    notes: [...parsed.sourceNotes, ...summarizeNotes(notes)],
  };
}

/** One line per kind of note, with the items it applies to: 131 undated episodes are one line, not 131. */
function summarizeNotes(notes: ItemNote[]): string[] {
  const byNote = new Map<string, number[]>();
  for (const { index, note } of notes) {
    const items = byNote.get(note);
    if (items) items.push(index);
    else byNote.set(note, [index]);
  }
  return [...byNote].map(([note, items]) => {
    const shown = items.slice(0, 5).join(', ') + (items.length > 5 ? `, … (${items.length} items)` : '');
    return `${items.length === 1 ? 'item' : 'items'} ${shown}: ${note}`;
  });
}
