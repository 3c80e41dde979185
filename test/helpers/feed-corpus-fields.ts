import { isUserError } from '../../src/errors.ts';
import { decodeFeedBytes } from '../../src/articles/decode-feed.ts';
import type { SourceBytes } from '../../src/articles/fetch-source.ts';
import { type ParsedSource, parseArticleSource } from '../../src/articles/import-feed.ts';
import { type ExclusionRule, type FieldCheck, type StoredFields, NO_FIELDS, checkField } from './corpus-field-check.ts';
import type { StoredFieldExpectation } from './feedparser-expect.ts';
import type { SourceItem } from './feed-source-items.ts';

/**
 * The second, broader corpus measure (issue #15): every assertion an Expect
 * line makes about a field we store, compared with the item our mapping
 * makes at that index, before validation: an item without a link is
 * rejected by the import, but its title, summary, date and image are still
 * ours to get right. Most corpus files test one field on an item with no
 * link, so the item measure alone reaches few of them.
 */

/** How mapping a file ended: `parseArticleSource`'s items, our one-line UserError, or anything else (a crash). */
export type MappingOutcome = { kind: 'mapped'; parsed: ParsedSource } | { kind: 'clear-error'; message: string } | { kind: 'crash'; message: string };

/** One assertion judged: right, wrong (with the kind of failure), or excluded by one of `EXCLUSION_RULES`. */
export interface FieldAssertion extends FieldCheck {
  entry: number;
  verdict: 'right' | 'wrong' | 'excluded';
  /** For a wrong one: what went wrong, general enough to group files by ("summary: words glued", "file refused: …"). */
  kind?: string;
}

/**
 * Decodes (byte-order mark, the served Content-Type's charset, the XML
 * declaration) and maps `source` as `importSourceBytes` does, without a store.
 */
export function mapCorpusSource(source: SourceBytes, label: string): MappingOutcome {
  try {
    const { text } = decodeFeedBytes(source.bytes, source.contentType, label);
    return { kind: 'mapped', parsed: parseArticleSource(text, label, { timeZone: 'UTC', documentUrl: source.url, now: new Date(0) }) };
  } catch (error) {
    return failureOf(error);
  }
}

/** What an import or mapping that threw counts as: our one-line UserError, or a crash. */
export function failureOf(error: unknown): { kind: 'clear-error' | 'crash'; message: string } {
  // A UserError is printed as one line; one that spans several is no clearer than a stack trace.
  if (isUserError(error) && !error.message.includes('\n')) return { kind: 'clear-error', message: error.message };
  return { kind: 'crash', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/** What `judgeFields` needs of one corpus file. */
export interface FieldsToJudge {
  file: string;
  expectations: StoredFieldExpectation[];
  outcome: MappingOutcome;
  /** The entries as the source writes them (`readSourceItems`), for plain text and enclosure types. */
  sourceItems: SourceItem[];
  /** feedparser reads the file without `bozo` (all of wellformed/, and files whose Expect says `not bozo`). */
  feedparserReadsWellFormed: boolean;
}

/** Judges every expectation of a file against the mapped item at its index. */
export function judgeFields({ file, expectations, outcome, sourceItems, feedparserReadsWellFormed }: FieldsToJudge): FieldAssertion[] {
  const sanitize = file.startsWith('wellformed/sanitize/');
  return expectations.map((expectation): FieldAssertion => {
    const item = sourceItems[expectation.entry];
    // No item to compare is never right (an expected '' would match empty fields): only excluded, or wrong.
    const unmatched = (got: string, kindIfWrong: string, excludedBy?: ExclusionRule) => {
      const check = checkField(expectation, NO_FIELDS, item, sanitize);
      return judged(expectation, { ...check, got, ok: false, excludedBy: excludedBy ?? check.excludedBy }, kindIfWrong);
    };
    if (outcome.kind === 'clear-error') {
      if (!feedparserReadsWellFormed) return unmatched(outcome.message, '', 'ill-formed-refused');
      return unmatched(outcome.message, `file refused: ${general(outcome.message, file)}`);
    }
    if (outcome.kind === 'crash') return unmatched(outcome.message, `crash: ${general(outcome.message, file)}`);
    const { parsed } = outcome;
    const article = parsed.items[expectation.entry];
    if (article === undefined) {
      // What the dropped item held says which element the import does not read (<body>, <fullitem>…).
      const held = item ? `the source's holds ${item.elementNames.map((name) => `<${name}>`).join(', ') || 'nothing'}` : 'nor has the source';
      const got = `(no item: the import read ${parsed.items.length} items, the source has ${sourceItems.length})`;
      return unmatched(got, `item missing: the import has no item at this index (${held})`);
    }
    const dateRefused = parsed.refused.find((r) => r.index === expectation.entry && r.field === 'publishedAt');
    const check = checkField(expectation, storedFieldsOf(article, dateRefused !== undefined), item, sanitize);
    if (dateRefused && expectation.field === 'publishedAt') {
      return judged(expectation, { ...check, got: `(refused: ${dateRefused.reason})` }, `publishedAt: date refused: ${general(dateRefused.reason, file)}`);
    }
    return judged(expectation, check, `${check.field}: ${howWrong(check.expected, check.got, check.note)}`);
  });
}

function judged(expectation: StoredFieldExpectation, check: FieldCheck, kindIfWrong: string): FieldAssertion {
  const verdict = check.excludedBy ? 'excluded' : check.ok ? 'right' : 'wrong';
  return { ...check, entry: expectation.entry, verdict, ...(verdict === 'wrong' ? { kind: kindIfWrong } : {}) };
}

/**
 * The mapped item's fields as the store would hold them. An undated item is
 * dated when first imported: that is no date the feed gave, so none.
 */
function storedFieldsOf(article: unknown, dateRefused: boolean): StoredFields {
  const record = (typeof article === 'object' && article !== null ? article : {}) as Record<string, unknown>;
  const string = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    url: string(record.url),
    title: string(record.title) ?? '',
    summary: string(record.summary) ?? '',
    publishedAt: dateRefused || record.undated === true ? null : string(record.publishedAt),
    imageUrl: string(record.imageUrl),
  };
}

/** A message with its specifics (the file's name, quoted text, positions) taken out, so that like groups with like. */
export function general(message: string, file: string): string {
  return message
    .replaceAll(file, '<file>')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\(line \d+, column \d+\)/g, '(line …)');
}

function isBase64(text: string): boolean {
  return /^[A-Za-z0-9+/]{16,}={0,2}$/.test(text.replace(/\s+/g, ''));
}

/** The usual ways a value differs, named; anything else is "differs". */
export function howWrong(expected: string, got: string | null, note: string | undefined): string {
  if (note?.startsWith('unsafe')) return 'unsafe markup survives';
  if (got === null || got === '') return 'missing';
  const squeeze = (s: string) => s.replace(/\s+/g, '');
  if (squeeze(expected) === squeeze(got)) return 'white space differs (words glued or split)';
  if (isBase64(got) && !isBase64(expected)) return 'left base64-encoded (Atom 0.3 mode="base64")';
  if (/[\u0080-\u009f]/.test(got)) return 'C1 control characters kept (windows-1252 punctuation written as code points)';
  if (/&(?:#\d+|#x[0-9a-f]+|[a-z]+);/i.test(got) && !/&(?:#\d+|#x[0-9a-f]+|[a-z]+);/i.test(expected)) return 'entity left encoded';
  if (/<\/?[a-z][^>]*>/i.test(got) && !/<\/?[a-z][^>]*>/i.test(expected)) return 'markup left in';
  if (expected.includes(got)) return 'text lost (ours is part of the expected)';
  if (got.includes(expected)) return 'extra text (the expected is part of ours)';
  const hosts = [expected, got].map((url) => URL.parse(url)?.host);
  if (/^https?:/.test(expected) && /^https?:/.test(got))
    return hosts[0] !== undefined && hosts[0] === hosts[1] ? 'another path on the same host' : 'another host';
  if (/^\d{4}-\d\d-\d\dT/.test(expected) && /^\d{4}-\d\d-\d\dT/.test(got)) {
    const hours = (Date.parse(got) - Date.parse(expected)) / 3_600_000;
    // A whole number of hours within a day's span of zones (UTC−12 to UTC+14) is a zone read wrong.
    return Number.isInteger(hours) && Math.abs(hours) <= 26 ? `off by ${hours} h (time zone)` : 'another date';
  }
  return 'differs';
}
