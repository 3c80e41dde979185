import { unescapeMarkdown } from '../../src/text/escape-markdown.ts';
import { type StoredFieldExpectation, collapseSpace, expectedText } from './feedparser-expect.ts';
import type { SourceItem } from './feed-source-items.ts';

/** The fields of one article that the corpus can assert, from a stored row or from the mapped item before validation. */
export interface StoredFields {
  url: string | null;
  title: string;
  summary: string;
  publishedAt: string | null;
  imageUrl: string | null;
}

/** An item the mapping did not produce, or a file it refused: nothing to compare. */
export const NO_FIELDS: StoredFields = { url: null, title: '', summary: '', publishedAt: null, imageUrl: null };

/**
 * What we decided not to store, so an assertion about it is neither right nor
 * wrong: each rule with the reason, as the report prints it. Everything else
 * the corpus asserts about our fields counts as right or wrong.
 */
export const EXCLUSION_RULES = {
  'http-image': {
    rule: 'an http: image URL, and we stored no image',
    reason: 'we store https images only: no mixed content in the digest, no plain-http tracking pixel (feed-to-articles.ts)',
  },
  'not-an-image': {
    rule: 'an enclosure whose type is not image/* (audio, video, a PDF…)',
    reason: 'imageUrl is the picture on the card; a podcast episode or a download is not one',
  },
  'blank-title': {
    rule: 'an expected title that is only white space (or markup with no text, like a lone <img>)',
    reason: 'we never store a blank title: an item without one takes one from its text (issue #15), or is rejected',
  },
  'content-beside-summary': {
    rule: "an assertion on entries[N]['content'] when the item also has a summary (description, summary, dc:description, itunes:summary, media:description)",
    reason: "our summary field holds one text: the item's summary, in preference to its full content (read-feed.ts); the summary is what is compared",
  },
  'ill-formed-refused': {
    rule: 'a file refused in one clear line (not well-formed XML, or bytes that are not its declared encoding) that feedparser too reads only as bozo (outside wellformed/, no `not bozo`)',
    reason: 'a cut or mangled feed read leniently yields wrong items that look right: we refuse it whole and say where (import-feed.ts, decode-feed.ts)',
  },
} as const satisfies Record<string, { rule: string; reason: string }>;

export type ExclusionRule = keyof typeof EXCLUSION_RULES;

/** One stored field compared with what the file's Expect line asserts. */
export interface FieldCheck {
  field: StoredFieldExpectation['field'];
  path: string;
  /** feedparser's value, reduced as we store it (text for titles and summaries). */
  expected: string;
  got: string | null;
  /** Right, or excluded (`excludedBy`): not a failure. */
  ok: boolean;
  /** The rule under which the assertion is about something we decided not to store. */
  excludedBy?: ExclusionRule;
  /** Why it is wrong beyond the text (unsafe markup in a sanitised field). */
  note?: string;
}

/**
 * Compares one field we hold with what the Expect line asserts. `item` is the
 * source's own reading of the entry (plain text or HTML, enclosure types);
 * `sanitize` is for wellformed/sanitize/, where markup must not survive.
 */
export function checkField(expectation: StoredFieldExpectation, stored: StoredFields, item: SourceItem | undefined, sanitize: boolean): FieldCheck {
  const base = { field: expectation.field, path: expectation.path };
  switch (expectation.field) {
    case 'url': {
      const expected = absoluteUrl(expectation.value) ?? expectation.value;
      return { ...base, expected, got: stored.url, ok: absoluteUrl(stored.url) === expected };
    }
    case 'title':
    case 'summary': {
      const fromContent = expectation.path.includes("['content']");
      const plain = expectation.field === 'title' ? item?.plainText.title : fromContent ? item?.plainText.content : item?.plainText.summary;
      const expected = expectedText(expectation.value, plain);
      // The summary is stored as Markdown, the feed's text escaped: compared as the text it reads as.
      const got = expectation.field === 'title' ? stored.title : unescapeMarkdown(stored.summary);
      if (expectation.field === 'title' && expected === '') return { ...base, expected, got, ok: true, excludedBy: 'blank-title' };
      if (fromContent && item?.hasSummaryBesideContent) return { ...base, expected, got, ok: true, excludedBy: 'content-beside-summary' };
      const text = collapseSpace(got);
      const same = expectation.operator === 'in' ? text.includes(expected) : text === expected || isCutFrom(text, expected);
      const unsafe = sanitize ? unsafeMarkup(got) : undefined;
      return { ...base, expected, got: text, ok: same && !unsafe, note: unsafe && `unsafe markup survives: ${unsafe}` };
    }
    case 'publishedAt': {
      const seconds = (iso: string | null) => (iso === null ? NaN : Math.floor(Date.parse(iso) / 1000));
      return { ...base, expected: expectation.value, got: stored.publishedAt, ok: seconds(stored.publishedAt) === seconds(expectation.value) };
    }
    case 'imageUrl': {
      const expected = absoluteUrl(expectation.value) ?? expectation.value;
      const got = stored.imageUrl;
      if (!isAnImage(expectation, item)) return { ...base, expected, got, ok: true, excludedBy: 'not-an-image' };
      if (expected.startsWith('http:')) {
        // We never store an http image (EXCLUSION_RULES); its https form, if we found one, is right.
        const https = expected.replace(/^http:/, 'https:');
        if (got !== null && absoluteUrl(got) === https) return { ...base, expected, got, ok: true };
        return got === null ? { ...base, expected, got, ok: true, excludedBy: 'http-image' } : { ...base, expected, got, ok: false };
      }
      return { ...base, expected, got, ok: got !== null && absoluteUrl(got) === expected };
    }
  }
}

/** An enclosure is our image only when its type is image/*; every other image assertion (media, itunes) is one. */
export function isAnImage(expectation: StoredFieldExpectation, item: SourceItem | undefined): boolean {
  if (!expectation.enclosure) return true;
  const type = expectation.enclosure.type ?? item?.enclosureTypes[expectation.enclosure.index];
  return type?.trim().toLowerCase().startsWith('image/') === true;
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
export function absoluteUrl(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value.trim()).href;
  } catch {
    return undefined;
  }
}
