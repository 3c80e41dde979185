import { XMLValidator } from 'fast-xml-parser';
import type { RejectedItem } from './article-input.ts';
import { UserError } from '../errors.ts';
import { quoteForMessage } from '../text/escape-controls.ts';
import { feedItemToArticle } from './feed-to-articles.ts';
import { readFeed } from './read-feed.ts';

/** What `digest articles import` can read; told apart by content, not by file name. */
export type SourceFormat = 'articles-json' | 'json-feed' | 'rss' | 'rdf' | 'atom';

export interface ParseOptions {
  /** Category of feed items that name none (`--category`); `General` when unset. */
  defaultCategory?: string;
  /** `DIGEST_TZ`: the zone of feed dates written without one. */
  timeZone: string;
  /** The URL the feed was fetched from: the base of relative links, and the feed's key when it names none. */
  documentUrl?: string;
  /** When an undated item is first seen. */
  now?: Date;
}

/** A note the import summary gives about one item (a cut title, a date read in DIGEST_TZ…). */
export interface ItemNote {
  index: number;
  note: string;
}

/** A source read into article-shaped items, before validation. */
export interface ParsedSource {
  format: SourceFormat;
  items: unknown[];
  /** Items refused while mapping (an unreadable date), by index; `items` still holds them, unvalidated. */
  refused: RejectedItem[];
  notes: ItemNote[];
  /** What the summary should say about the source as a whole (a bare `&` read as text, say). */
  sourceNotes: string[];
}

/**
 * Detects the format of `text` and maps feed items to the article shape;
 * `label` (a path or URL) names the source in errors.
 *
 * @example
 * parseArticleSource('<rss version="2.0"><channel>…</channel></rss>', 'feed.xml', { timeZone: 'UTC' }).format; // 'rss'
 */
export function parseArticleSource(text: string, label: string, options: ParseOptions): ParsedSource {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') throw new UserError(`${label} is empty`, 'EINPUT');
  if (body.startsWith('<')) {
    const { feed, note } = parseXmlFeed(unprefixedRss(body), label, options.documentUrl);
    const parsed = mapFeed(feed, label, options);
    if (note) parsed.sourceNotes.push(note);
    return parsed;
  }
  const data = parseJson(body, label);
  if (isRecord(data) && typeof data.version === 'string' && /^https?:\/\/jsonfeed\.org\/version\//.test(data.version)) {
    if (!Array.isArray(data.items)) throw new UserError(`${label} is a JSON Feed without an "items" array`, 'EINPUT');
    return mapFeed(readFeedOrExplain(data, label, options.documentUrl), label, options);
  }
  const items = Array.isArray(data) ? data : isRecord(data) ? data.articles : undefined;
  if (!Array.isArray(items)) throw new UserError(`${label} must hold a JSON array of articles (or be a JSON Feed)`, 'EINPUT');
  return { format: 'articles-json', items, refused: [], notes: [], sourceNotes: [] };
}

function mapFeed(feed: ReturnType<typeof readFeed>, label: string, options: ParseOptions): ParsedSource {
  const context = {
    feedTitle: feed.title,
    // A feed read from a file that names itself nowhere is keyed by that file.
    feedKey: feed.key ?? options.documentUrl ?? label,
    defaultCategory: options.defaultCategory,
    timeZone: options.timeZone,
    now: options.now ?? new Date(),
  };
  const parsed: ParsedSource = { format: feed.format === 'json' ? 'json-feed' : feed.format, items: [], refused: [], notes: [], sourceNotes: [] };
  feed.items.forEach((item, index) => {
    const mapped = feedItemToArticle(item, context);
    parsed.items.push(mapped.article);
    for (const note of mapped.notes) parsed.notes.push({ index, note });
    if (mapped.refused) parsed.refused.push({ index, ...mapped.refused });
  });
  return parsed;
}

/**
 * A document that is not well-formed XML is refused whole, with the first
 * error's place: feedsmith would read what it can of it, but a cut or
 * mangled feed read leniently can yield wrong items that look right. The one
 * repair made is the commonest slip of hand-written feeds, a bare `&`
 * (`Tom & Jerry`, `?a=1&b=2`): it can only mean the character, and the
 * document must be well-formed once it is escaped.
 */
function parseXmlFeed(body: string, label: string, documentUrl: string | undefined): { feed: ReturnType<typeof readFeed>; note?: string } {
  const valid = XMLValidator.validate(body);
  if (valid === true) return { feed: readFeedOrExplain(body, label, documentUrl) };
  // The usual wrong URL is a web page: say so rather than quote its first parse error.
  if (isHtmlPage(body)) throw new UserError(`${label} is an HTML page, not a feed`, 'EINPUT');
  const bare = body.match(BARE_AMPERSAND)?.length ?? 0;
  const repaired = bare > 0 ? body.replace(BARE_AMPERSAND, '&amp;') : undefined;
  if (repaired !== undefined && XMLValidator.validate(repaired) === true) {
    return {
      feed: readFeedOrExplain(repaired, label, documentUrl),
      note: `not well-formed XML: ${bare === 1 ? 'a bare "&" read' : `${bare} bare "&" read`} as text`,
    };
  }
  const { msg, line, col } = valid.err;
  throw new UserError(`${label} is not well-formed XML: ${oneLine(msg)} (line ${line}, column ${col})`, 'EINPUT');
}

/** An `&` that starts no entity or character reference. */
const BARE_AMPERSAND = /&(?!(?:[A-Za-z_][\w.-]*|#\d+|#x[0-9A-Fa-f]+);)/g;

function readFeedOrExplain(document: string | object, label: string, documentUrl?: string): ReturnType<typeof readFeed> {
  try {
    return readFeed(document, documentUrl);
  } catch (error) {
    if (typeof document === 'string' && isHtmlPage(document)) throw new UserError(`${label} is an HTML page, not a feed`, 'EINPUT');
    const root =
      typeof document === 'string'
        ? /<([A-Za-z_][\w:.-]*)/.exec(document.slice(0, 4_096).replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, ''))?.[1]
        : undefined;
    const what = root ? `XML but not an RSS, RDF or Atom feed (its root element is <${root}>)` : 'not a feed';
    throw new UserError(`${label} is ${what}: ${oneLine((error as Error).message)}`, 'EINPUT');
  }
}

function parseJson(body: string, label: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    if (/^[[{]/.test(body) || /\.json$/i.test(label)) {
      throw new UserError(`${label} is not valid JSON: ${(error as Error).message}`, 'EINPUT');
    }
    throw new UserError(`${label} is not a feed: expected JSON, RSS or Atom, found ${quoteForMessage(`${body.slice(0, 20)}…`)}`, 'EINPUT');
  }
}

/**
 * RSS 2.0 written with its elements in a prefixed namespace (`<r:rss
 * xmlns:r="http://backend.userland.com/rss2">`), which feedsmith does not
 * recognise: the prefix is dropped from the tags, which is what the document
 * means (the RSS elements, unprefixed).
 */
function unprefixedRss(body: string): string {
  // The root is near the start: a pattern run over a 6 MB feed would cost more than the rest of the check.
  const prefix = /^(?:<\?[\s\S]*?\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.-]*):rss[\s>]/.exec(body.slice(0, 4_096))?.[1];
  if (!prefix || !new RegExp(`xmlns:${prefix}\\s*=\\s*["']https?://backend\\.userland\\.com/rss2?["']`).test(body)) return body;
  return body.replace(new RegExp(`<(/?)${prefix}:`, 'g'), '<$1');
}

function isHtmlPage(body: string): boolean {
  return /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!doctype html|<html[\s>])/i.test(body.slice(0, 4_096));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}
