import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UserError } from '../errors.ts';
import { maskCredentials } from '../text/mask-credentials.ts';
import { type FeedItem, feedItemToArticle } from './feed-to-articles.ts';
import { type FetchLimits, readSourceText } from './fetch-source.ts';

/** What `digest articles import` can read; told apart by content, not by file name. */
export type SourceFormat = 'articles-json' | 'json-feed' | 'rss' | 'atom';

export interface ArticleSourceOptions {
  /** Category of feed items that name none (`--category`); `General` when unset. */
  defaultCategory?: string;
  limits?: FetchLimits;
}

/** A feed read into neutral items, before mapping. */
interface ParsedFeed {
  title?: string;
  items: FeedItem[];
}

/**
 * Reads articles from our JSON format, an RSS 2.0, Atom or JSON Feed
 * document, in a file or at an http(s) URL. Returns unvalidated items for
 * `importArticles`, which rejects bad ones by index and field.
 *
 * @example
 * const items = await readArticleSource('https://news.example.org/feed.xml', { defaultCategory: 'Policy' });
 * const result = await importArticles(db, items); // { created: 12, updated: 0, unchanged: 0, rejected: [] }
 */
export async function readArticleSource(source: string, options: ArticleSourceOptions = {}): Promise<unknown[]> {
  const text = await readSourceText(source, options.limits);
  // Errors name the source; a private feed's URL carries its password.
  return parseArticleSource(text, maskCredentials(source), options).items;
}

/**
 * Detects the format of `text` and maps feed items to the article shape;
 * `label` (a path or URL) names the source in errors.
 *
 * @example
 * parseArticleSource('<rss version="2.0"><channel>…</channel></rss>', 'feed.xml').format; // 'rss'
 */
export function parseArticleSource(
  text: string,
  label: string,
  options: Pick<ArticleSourceOptions, 'defaultCategory'> = {},
): { format: SourceFormat; items: unknown[] } {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') throw new UserError(`${label} is empty`, 'EINPUT');
  if (body.startsWith('<')) {
    const { format, feed } = parseXmlFeed(body, label);
    return { format, items: mapFeed(feed, options.defaultCategory) };
  }
  const data = parseJson(body, label);
  if (isRecord(data) && typeof data.version === 'string' && data.version.startsWith('https://jsonfeed.org/version/')) {
    return { format: 'json-feed', items: mapFeed(readJsonFeed(data, label), options.defaultCategory) };
  }
  const items = Array.isArray(data) ? data : isRecord(data) ? data.articles : undefined;
  if (!Array.isArray(items)) throw new UserError(`${label} must hold a JSON array of articles (or be a JSON Feed)`, 'EINPUT');
  return { format: 'articles-json', items };
}

function mapFeed(feed: ParsedFeed, defaultCategory: string | undefined): unknown[] {
  return feed.items.map((item) => feedItemToArticle(item, { feedTitle: feed.title, defaultCategory }));
}

function parseJson(body: string, label: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    if (/^[[{]/.test(body) || /\.json$/i.test(label)) {
      throw new UserError(`${label} is not valid JSON: ${(error as Error).message}`, 'EINPUT');
    }
    throw new UserError(`${label} is not a feed: expected JSON, RSS or Atom, found "${body.slice(0, 20)}…"`, 'EINPUT');
  }
}

/** https://jsonfeed.org/version/1.1 */
function readJsonFeed(feed: Record<string, unknown>, label: string): ParsedFeed {
  if (!Array.isArray(feed.items)) throw new UserError(`${label} is a JSON Feed without an "items" array`, 'EINPUT');
  return {
    title: nonBlank(feed.title),
    items: feed.items.map((value) => {
      const item = isRecord(value) ? value : {};
      return {
        title: nonBlank(item.title),
        link: nonBlank(item.url),
        id: nonBlank(item.id),
        categories: Array.isArray(item.tags) ? item.tags.filter((tag) => typeof tag === 'string') : [],
        date: nonBlank(item.date_published) ?? nonBlank(item.date_modified),
        // content_text goes through the HTML converter too: it changes no plain text, and drops anything tag-shaped.
        html: nonBlank(item.summary) ?? nonBlank(item.content_html) ?? nonBlank(item.content_text),
      };
    }),
  };
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep "2026" a string: every value here is text.
  parseTagValue: false,
  // Atom xhtml content is one <div> (RFC 4287 §3.1.1.3); kept as markup, because
  // parsing it into objects would lose the order of text and inline elements.
  stopNodes: ['feed.entry.title.div', 'feed.entry.summary.div', 'feed.entry.content.div'],
});

function parseXmlFeed(body: string, label: string): { format: 'rss' | 'atom'; feed: ParsedFeed } {
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    // The usual wrong URL is a web page: say so rather than quote its first parse error.
    if (looksLikeHtml(body)) throw new UserError(`${label} is an HTML page, not a feed`, 'EINPUT');
    const { msg, line, col } = valid.err;
    throw new UserError(`${label} is not well-formed XML: ${oneLine(msg)} (line ${line}, column ${col})`, 'EINPUT');
  }
  let doc: Record<string, unknown>;
  try {
    doc = xmlParser.parse(body) as Record<string, unknown>;
  } catch (error) {
    // For instance a DOCTYPE whose entities expand past the parser's limits.
    throw new UserError(`${label} cannot be read as XML: ${oneLine((error as Error).message)}`, 'EINPUT');
  }
  const root = Object.keys(doc).find((key) => !key.startsWith('?'));
  if (root === 'rss') return { format: 'rss', feed: readRss(doc.rss, label) };
  if (root === 'feed') return { format: 'atom', feed: readAtom(isRecord(doc.feed) ? doc.feed : {}) };
  if (looksLikeHtml(body)) throw new UserError(`${label} is an HTML page, not a feed`, 'EINPUT');
  throw new UserError(`${label} is XML but not an RSS 2.0 or Atom feed (its root element is <${root ?? '?'}>)`, 'EINPUT');
}

function looksLikeHtml(body: string): boolean {
  return /^(?:<\?xml[^>]*>\s*)?(?:<!doctype html|<html[\s>])/i.test(body);
}

/** https://www.rssboard.org/rss-specification */
function readRss(rss: unknown, label: string): ParsedFeed {
  const channel = isRecord(rss) ? list(rss.channel)[0] : undefined;
  if (!isRecord(channel)) throw new UserError(`${label} is an RSS document without a <channel>`, 'EINPUT');
  return {
    title: textOf(channel.title),
    items: list(channel.item).map((value) => {
      const item = isRecord(value) ? value : {};
      return {
        title: textOf(item.title),
        link: textOf(item.link),
        id: textOf(item.guid),
        categories: list(item.category).map(textOf).filter((c) => c !== undefined),
        date: textOf(item.pubDate) ?? textOf(item['dc:date']),
        html: textOf(item.description) ?? textOf(item['content:encoded']),
      };
    }),
  };
}

/** https://www.rfc-editor.org/rfc/rfc4287 */
function readAtom(feed: Record<string, unknown>): ParsedFeed {
  return {
    title: textOf(feed.title),
    items: list(feed.entry).map((value) => {
      const entry = isRecord(value) ? value : {};
      // A link without rel is rel="alternate": the entry's own page (not `self`, `enclosure`…).
      const page = list(entry.link).find((link) => (attribute(link, 'rel') ?? 'alternate') === 'alternate');
      return {
        title: textOf(entry.title),
        link: attribute(page, 'href'),
        id: textOf(entry.id),
        // `label` is for people, `term` for machines; our category is shown to readers.
        categories: list(entry.category).map((c) => attribute(c, 'label') ?? attribute(c, 'term')).filter((c) => c !== undefined),
        date: textOf(entry.published) ?? textOf(entry.updated),
        html: textOf(entry.summary) ?? textOf(entry.content),
      };
    }),
  };
}

/** The text of a parsed element: a string, `{ '#text' }` when it has attributes, or an xhtml `<div>`. */
function textOf(node: unknown): string | undefined {
  if (Array.isArray(node)) return textOf(node[0]);
  if (isRecord(node)) return textOf(node.div ?? node['#text']);
  return nonBlank(typeof node === 'number' ? String(node) : node);
}

function attribute(node: unknown, name: string): string | undefined {
  return isRecord(node) ? nonBlank(node[`@_${name}`]) : undefined;
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function nonBlank(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}
