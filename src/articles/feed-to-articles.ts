import { compile } from 'html-to-text';
import { stripTags, toOneLine } from '../render/markdown.ts';

/**
 * One entry of an RSS, Atom or JSON Feed document, read but not yet trusted:
 * every string is as the feed wrote it (titles and summaries may hold HTML).
 */
export interface FeedItem {
  title?: string;
  link?: string;
  /** RSS `guid`, Atom `id`, JSON Feed `id`: a URL in many feeds. */
  id?: string;
  categories: string[];
  /** RFC 822 (RSS) or RFC 3339 (Atom, JSON Feed). */
  date?: string;
  /** The item's summary, description or content, as HTML. */
  html?: string;
}

/** What a feed says about itself, and what the command line adds. */
export interface FeedContext {
  /** The feed's own title: the articles' `source.name`. */
  feedTitle?: string;
  /** For items without a category (`--category`); `General` when unset. */
  defaultCategory?: string;
}

export const DEFAULT_CATEGORY = 'General';
/** A digest card holds a short summary; longer feed text is cut at a word. */
export const SUMMARY_MAX_CHARS = 1_200;
const MAX_TOPICS = 5;

/**
 * Maps a feed item to the shape of `ArticleInput`, unvalidated: a missing
 * link or date is left empty so that `validateArticles` names the field.
 *
 * @example
 * feedItemToArticle({ title: 'Q&amp;A', link: 'https://example.org/qa', categories: ['Labour'], date: 'Wed, 18 Nov 2026 09:30:00 GMT', html: '<p>Hi</p>' }, { feedTitle: 'Example' });
 * // { url: 'https://example.org/qa', title: 'Q&A', category: 'Labour', topics: [], publishedAt: '2026-11-18T09:30:00.000Z', summary: 'Hi', … }
 */
export function feedItemToArticle(item: FeedItem, context: FeedContext): Record<string, unknown> {
  const url = item.link?.trim() || (isHttpUrl(item.id) ? item.id.trim() : undefined);
  const title = htmlToOneLine(item.title ?? '');
  const [first, ...rest] = unique(item.categories.map(htmlToOneLine).filter(Boolean));
  return {
    url,
    title,
    category: first ?? (context.defaultCategory?.trim() || DEFAULT_CATEGORY),
    topics: unique(rest.map((c) => c.toLowerCase())).slice(0, MAX_TOPICS),
    publishedAt: toIsoDateTime(item.date),
    summary: htmlToSummary(item.html ?? ''),
    whyItMatters: '',
    source: { title, name: htmlToOneLine(context.feedTitle ?? '') || hostOf(url), url },
  };
}

// Links lose their targets (no `javascript:` survives), images and embeds go.
const htmlToText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    ...['img', 'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'video', 'audio', 'form'].map(
      (selector) => ({ selector, format: 'skip' }),
    ),
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
});

/**
 * Feed HTML to plain text for a summary: no tags, entities decoded, blank-line
 * paragraphs, at most `maxChars` characters cut at a word with "…".
 *
 * @example
 * htmlToSummary('<p>Council&#8217;s vote</p><script>alert(1)</script>'); // 'Council’s vote'
 */
export function htmlToSummary(html: string, maxChars = SUMMARY_MAX_CHARS): string {
  // stripTags catches markup that arrived entity-escaped (`&lt;script&gt;`) and was decoded just now.
  const text = stripTags(htmlToText(html))
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.split('\n').map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n'))
    .filter(Boolean)
    .join('\n\n');
  return truncateAtWord(text, maxChars);
}

/**
 * Feed HTML to one line of plain text, for titles, categories and names.
 *
 * @example
 * htmlToOneLine('Face &amp; voice <em>cloning</em>\n'); // 'Face & voice cloning'
 */
export function htmlToOneLine(html: string): string {
  return toOneLine(htmlToText(html));
}

function truncateAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const lastSpace = cut.search(/\s\S*$/);
  // A single word longer than most of the limit (a URL) is cut where it is.
  const kept = lastSpace > maxChars / 2 ? cut.slice(0, lastSpace) : cut.slice(0, maxChars - 1);
  return `${kept.replace(/[\s,;:.–—-]+$/, '')}…`;
}

/**
 * RFC 822 dates (RSS) become ISO-8601 in UTC. An RFC 3339 value is passed as
 * written, so that one without a time zone is rejected by the schema rather
 * than read in this machine's zone. An unreadable date is passed as written,
 * for the same reason.
 */
function toIsoDateTime(value: string | undefined): string | undefined {
  const date = value?.trim();
  if (!date || /^\d{4}-\d{2}-\d{2}T/.test(date)) return date || undefined;
  const time = Date.parse(date);
  return Number.isNaN(time) ? date : new Date(time).toISOString();
}

function isHttpUrl(value: string | undefined): value is string {
  return value !== undefined && /^https?:\/\/\S+$/i.test(value.trim());
}

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname : '';
  } catch {
    return '';
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
