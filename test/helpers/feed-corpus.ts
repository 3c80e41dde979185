import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Db } from '../../src/db/connect.ts';
import type { ArticleRow } from '../../src/db/schema.ts';
import { type SourceBytes, readSourceBytes } from '../../src/articles/fetch-source.ts';
import { type SourceImportReport, importSourceBytes } from '../../src/articles/import-source.ts';
import { type FieldCheck, type StoredFields, absoluteUrl, checkField, isAnImage } from './corpus-field-check.ts';
import { type FieldAssertion, failureOf, judgeFields, mapCorpusSource } from './feed-corpus-fields.ts';
import { type CorpusHeader, type StoredFieldExpectation, decodeCorpusFile, readCorpusHeader, storedFieldExpectations } from './feedparser-expect.ts';
import { type SourceItem, readSourceItems } from './feed-source-items.ts';

/** feedparser's test corpus, vendored (see its README.md). */
export const CORPUS_DIR = join(import.meta.dirname, '../fixtures/feedparser');

/** How one import of a file ended: articles (maybe with rejected items), our one-line UserError, or anything else (a crash). */
export type ImportOutcome = { kind: 'imported'; report: SourceImportReport } | { kind: 'clear-error'; message: string } | { kind: 'crash'; message: string };

/** One item of a file, as the measure sees it. */
export interface ItemResult {
  index: number;
  /** It has a link and a title or summary: the import should keep it. */
  expected: boolean;
  imported: boolean;
  /** Why it was not imported: the rejected field and reason, or the file's error. */
  notImportedBecause?: string;
  /** How many of our fields the Expect line asserts for this item (an enclosure that is no image is not one of them). */
  asserted: number;
  /** Those fields compared with the stored article; empty when it was not imported. */
  checks: FieldCheck[];
}

export interface CorpusFileResult {
  /** Relative to the corpus folder, `/`-separated: `wellformed/rss/item_link.xml`. */
  file: string;
  folder: string;
  first: ImportOutcome;
  /** The same bytes imported again: 0 created and 0 updated, or the same kind of error. */
  second: ImportOutcome;
  reimportStable: boolean;
  items: ItemResult[];
  /** Every stored-field assertion of the Expect line, judged against the mapped item at its index, link or not. */
  fields: FieldAssertion[];
  /** The URL and Content-Type feedparser's suite serves the file with (files with "http" in their path). */
  servedAs?: { url: string; contentType: string };
  /** feedparser's suite parses it without `bozo` (all of wellformed/, and files whose Expect says `not bozo`): a feed we should read. */
  feedparserReadsWellFormed: boolean;
  /** Why the Expect line could not be read, if it could not. */
  unreadableExpect?: string;
}

/** Every feed of the corpus (XML and JSON), relative and sorted. */
export function listCorpusFiles(root = CORPUS_DIR): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(xml|json)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/**
 * feedparser's suite serves a file whose path contains "http" from a mock
 * server at http://127.0.0.1:8097/tests/<path> (tests/helpers.py), with its
 * `Header:` lines as headers and Content-Type text/xml unless one says
 * otherwise; a Content-Location header is the base of relative links.
 */
export function servedAs(file: string, header: CorpusHeader | undefined): { url: string; contentType: string } | undefined {
  if (!file.includes('http')) return undefined;
  const requested = `http://127.0.0.1:8097/tests/${file}`;
  const location = header?.headers['content-location'];
  let base = requested;
  try {
    const resolved = location ? new URL(location, requested) : undefined;
    // feedparser ignores an unsafe location (javascript:…).
    if (resolved && /^https?:$/.test(resolved.protocol)) base = resolved.href;
  } catch {
    // An unreadable Content-Location leaves the request URL as the base.
  }
  return { url: base, contentType: header?.headers['content-type'] ?? 'text/xml' };
}

/**
 * Imports one corpus file twice into `db` (emptied first) through the real
 * entry point, reads back what was stored and compares it with the Expect
 * line. Never throws for what the import does; that is the result.
 */
export async function importCorpusFile(db: Db, file: string, root = CORPUS_DIR): Promise<CorpusFileResult> {
  const fetched = await readSourceBytes(join(root, file));
  const text = decodeCorpusFile(fetched.bytes);
  const header = readCorpusHeader(text);
  let expectations: StoredFieldExpectation[] = [];
  let unreadableExpect: string | undefined;
  try {
    expectations = header ? storedFieldExpectations(header.expect) : [];
  } catch (error) {
    unreadableExpect = (error as Error).message;
  }
  const served = servedAs(file, header);
  const source: SourceBytes = served ? { ...fetched, contentType: served.contentType, url: served.url } : fetched;

  await db.deleteFrom('articles').execute();
  const first = await importOnce(db, source, file);
  const rows = await db.selectFrom('articles').selectAll().orderBy('id').execute();
  const second = await importOnce(db, source, file);

  const sourceItems = readSourceItems(text).items;
  const rowOf = matchRows(sourceItems, first, rows);
  const feedparserReadsWellFormed = file.startsWith('wellformed/') || /\bnot bozo\b/.test(header?.expect ?? '');
  const fields = judgeFields({ file, expectations, outcome: mapCorpusSource(source, file), sourceItems, feedparserReadsWellFormed });
  const sanitize = file.startsWith('wellformed/sanitize/');
  const items = sourceItems.map((item, index): ItemResult => {
    const row = rowOf(index);
    const asserted = expectations.filter((e) => e.entry === index && isAnImage(e, item));
    return {
      index,
      expected: item.link !== undefined && (item.hasTitle || item.hasSummary),
      imported: row !== undefined,
      notImportedBecause: row ? undefined : whyNotImported(first, index),
      asserted: asserted.length,
      checks: row ? asserted.map((e) => checkField(e, storedFieldsOf(row), item, sanitize)) : [],
    };
  });
  return {
    file,
    folder: file.split('/')[0]!,
    first,
    second,
    reimportStable: isStable(first, second),
    items,
    fields,
    servedAs: served,
    feedparserReadsWellFormed,
    unreadableExpect,
  };
}

function storedFieldsOf(row: ArticleRow): StoredFields {
  return { url: row.url, title: row.title, summary: row.summary, publishedAt: row.published_at, imageUrl: row.image_url };
}

async function importOnce(db: Db, source: SourceBytes, label: string): Promise<ImportOutcome> {
  try {
    return { kind: 'imported', report: await importSourceBytes(db, source, label, { timeZone: 'UTC' }) };
  } catch (error) {
    return failureOf(error);
  }
}

function isStable(first: ImportOutcome, second: ImportOutcome): boolean {
  if (second.kind === 'imported') return first.kind === 'imported' && second.report.created === 0 && second.report.updated === 0;
  return second.kind === first.kind;
}

/**
 * Which stored row holds source item `index`. The import upserts its valid
 * items in order, so when every valid item has a row of its own they pair up
 * in id order; when fewer rows than valid items were stored (items merged
 * into one row), an item is found only by its own absolute link.
 */
function matchRows(items: SourceItem[], first: ImportOutcome, rows: ArticleRow[]): (index: number) => ArticleRow | undefined {
  if (first.kind !== 'imported') return () => undefined;
  const rejected = new Set(first.report.rejected.map((r) => r.index));
  const valid = items.map((_, i) => i).filter((i) => !rejected.has(i));
  if (rows.length === valid.length) {
    const byItem = new Map(valid.map((itemIndex, k) => [itemIndex, rows[k]!]));
    return (index) => byItem.get(index);
  }
  return (index) => {
    if (rejected.has(index)) return undefined;
    const link = absoluteUrl(items[index]?.link);
    return link ? rows.find((row) => absoluteUrl(row.url) === link) : undefined;
  };
}

function whyNotImported(first: ImportOutcome, index: number): string {
  if (first.kind !== 'imported') return `${first.kind}: ${first.message}`;
  const rejected = first.report.rejected.find((r) => r.index === index);
  return rejected ? `rejected: ${rejected.field}: ${rejected.reason}` : 'no stored article of its own (merged with another item?)';
}
