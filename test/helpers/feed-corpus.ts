import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Db } from '../../src/db/connect.ts';
import type { ArticleRow } from '../../src/db/schema.ts';
import { isUserError } from '../../src/errors.ts';
import { type SourceBytes, readSourceBytes } from '../../src/articles/fetch-source.ts';
import { type SourceImportReport, importSourceBytes } from '../../src/articles/import-source.ts';
import {
  type CorpusHeader,
  type StoredFieldExpectation,
  collapseSpace,
  decodeCorpusFile,
  expectedText,
  readCorpusHeader,
  storedFieldExpectations,
} from './feedparser-expect.ts';
import { type SourceItem, readSourceItems } from './feed-source-items.ts';

/** feedparser's test corpus, vendored (see its README.md). */
export const CORPUS_DIR = join(import.meta.dirname, '../fixtures/feedparser');

/** How one import of a file ended: articles (maybe with rejected items), our one-line UserError, or anything else (a crash). */
export type ImportOutcome =
  | { kind: 'imported'; report: SourceImportReport }
  | { kind: 'clear-error'; message: string }
  | { kind: 'crash'; message: string };

/** One stored field compared with what the file's Expect line asserts. */
export interface FieldCheck {
  field: StoredFieldExpectation['field'];
  path: string;
  /** feedparser's value, reduced as we store it (text for titles and summaries). */
  expected: string;
  got: string | null;
  ok: boolean;
  /** Why a value counts as right although it differs (an http image we do not store), or why it is wrong beyond the text. */
  note?: string;
}

/** One item of a file, as the measure sees it. */
export interface ItemResult {
  index: number;
  /** It has a link and a title or summary: the import should keep it. */
  expected: boolean;
  imported: boolean;
  /** Why it was not imported: the rejected field and reason, or the file's error. */
  notImportedBecause?: string;
  /** How many of our fields the Expect line asserts for this item. */
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
  const sanitize = file.startsWith('wellformed/sanitize/');
  const items = sourceItems.map((item, index): ItemResult => {
    const row = rowOf(index);
    const asserted = expectations.filter((e) => e.entry === index && isStoredByUs(e, item));
    return {
      index,
      expected: item.link !== undefined && (item.hasTitle || item.hasSummary),
      imported: row !== undefined,
      notImportedBecause: row ? undefined : whyNotImported(first, index),
      asserted: asserted.length,
      checks: row ? asserted.map((e) => checkField(e, row, item, sanitize)) : [],
    };
  });
  return {
    file,
    folder: file.split('/')[0]!,
    first,
    second,
    reimportStable: isStable(first, second),
    items,
    servedAs: served,
    feedparserReadsWellFormed: file.startsWith('wellformed/') || /\bnot bozo\b/.test(header?.expect ?? ''),
    unreadableExpect,
  };
}

async function importOnce(db: Db, source: SourceBytes, label: string): Promise<ImportOutcome> {
  try {
    return { kind: 'imported', report: await importSourceBytes(db, source, label, { timeZone: 'UTC' }) };
  } catch (error) {
    // A UserError is printed as one line; one that spans several is no clearer than a stack trace.
    if (isUserError(error) && !error.message.includes('\n')) return { kind: 'clear-error', message: error.message };
    return { kind: 'crash', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
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

/** An enclosure is our image only when its type is image/*. */
function isStoredByUs(expectation: StoredFieldExpectation, item: SourceItem): boolean {
  if (!expectation.enclosure) return true;
  const type = expectation.enclosure.type ?? item.enclosureTypes[expectation.enclosure.index];
  return type?.trim().toLowerCase().startsWith('image/') === true;
}

/** Compares one stored field with what the Expect line asserts. */
function checkField(expectation: StoredFieldExpectation, row: ArticleRow, item: SourceItem, sanitize: boolean): FieldCheck {
  const base = { field: expectation.field, path: expectation.path };
  switch (expectation.field) {
    case 'url': {
      const expected = absoluteUrl(expectation.value) ?? expectation.value;
      return { ...base, expected, got: row.url, ok: absoluteUrl(row.url) === expected };
    }
    case 'title':
    case 'summary': {
      const fromContent = expectation.path.includes("['content']");
      const plain = expectation.field === 'title' ? item.plainText.title : fromContent ? item.plainText.content : item.plainText.summary;
      const expected = expectedText(expectation.value, plain);
      const stored = expectation.field === 'title' ? row.title : row.summary;
      const got = collapseSpace(stored);
      const same = expectation.operator === 'in' ? got.includes(expected) : got === expected || isCutFrom(got, expected);
      const unsafe = sanitize ? unsafeMarkup(stored) : undefined;
      return { ...base, expected, got, ok: same && !unsafe, note: unsafe && `unsafe markup survives: ${unsafe}` };
    }
    case 'publishedAt': {
      const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
      return { ...base, expected: expectation.value, got: row.published_at, ok: seconds(row.published_at) === seconds(expectation.value) };
    }
    case 'imageUrl': {
      const expected = absoluteUrl(expectation.value) ?? expectation.value;
      if (expected.startsWith('http:')) {
        // We store https images only; the corpus's are http. Nothing, or the https address, is right.
        const https = expected.replace(/^http:/, 'https:');
        return { ...base, expected, got: row.image_url, ok: row.image_url === null || absoluteUrl(row.image_url) === https, note: 'http image in the corpus: not stored' };
      }
      return { ...base, expected, got: row.image_url, ok: row.image_url !== null && absoluteUrl(row.image_url) === expected };
    }
  }
}

/** Our summary is cut at a word with "…" (SUMMARY_MAX_CHARS); a cut of the expected text is right. */
function isCutFrom(got: string, expected: string): boolean {
  return got.endsWith('…') && expected.length > got.length && expected.startsWith(got.slice(0, -1).trimEnd());
}

/** What a sanitised field must never hold: a tag, a script URL, an event handler. */
function unsafeMarkup(text: string): string | undefined {
  return /<\/?[a-z!?][^>]*>?/i.exec(text)?.[0] ?? /javascript:|onerror/i.exec(text)?.[0];
}

/** The WHATWG serialisation of an absolute URL (so `http://a.test` and `http://a.test/` are one); undefined for a relative one. */
function absoluteUrl(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value.trim()).href;
  } catch {
    return undefined;
  }
}
