import { compile } from 'html-to-text';
import { escapeMarkdown } from '../text/escape-markdown.ts';
import { parseFeedDate } from './feed-date.ts';
import { type FeedItem, type FeedText, looksLikeHtml } from './read-feed.ts';

/** What a feed says about itself, and what the command line adds. */
export interface FeedContext {
  /** The feed's own title: the articles' `source.name`. */
  feedTitle?: FeedText;
  /** Scopes the items' guids: two feeds may both number their items 1, 2, 3. */
  feedKey?: string;
  /** For items without a category (`--category`); `General` when unset. */
  defaultCategory?: string;
  /** `DIGEST_TZ`: the zone of a date written without one. */
  timeZone: string;
  /** When an item without a date is first seen. */
  now: Date;
}

/** One mapped item and what the import summary should say about it. */
export interface MappedItem {
  article: Record<string, unknown>;
  /** Changes made to fit the item in (a cut title, a date read in DIGEST_TZ…), one phrase each. */
  notes: string[];
  /** Why the item cannot be imported, when it cannot; `validateArticles` checks the rest. */
  refused?: { field: string; reason: string };
}

export const DEFAULT_CATEGORY = 'General';
/** A digest card holds a short summary; longer feed text is cut at a word. */
export const SUMMARY_MAX_CHARS = 1_200;
/** The store's limits (article-input.ts): longer text is cut with an ellipsis, not refused. */
const TITLE_MAX_CHARS = 500;
const CATEGORY_MAX_CHARS = 60;
const NAME_MAX_CHARS = 200;
/** A title taken from the content is a headline, not a paragraph. */
const DERIVED_TITLE_MAX_CHARS = 100;
const MAX_TOPICS = 5;

/**
 * Maps a feed item to the shape of `ArticleInput`, unvalidated: a missing
 * link is left empty so that `validateArticles` names the field.
 *
 * @example
 * feedItemToArticle({ title: { value: 'Q&A', html: false }, link: 'https://example.org/qa', categories: ['Labour'], date: 'Wed, 18 Nov 2026 09:30:00 GMT' }, { feedTitle: 'Example', timeZone: 'UTC', now: new Date() }).article;
 * // { url: 'https://example.org/qa', title: 'Q&A', category: 'Labour', topics: [], publishedAt: '2026-11-18T09:30:00.000Z', summary: '', … }
 */
export function feedItemToArticle(item: FeedItem, context: FeedContext): MappedItem {
  const notes: string[] = [];
  const url = item.link?.trim() || undefined;
  const summaryText = item.summary ? summaryOf(item.summary) : '';
  let title = item.title ? lineOf(item.title) : '';
  if (title === '' && summaryText !== '') {
    title = truncateAtWord(oneLine(summaryText), DERIVED_TITLE_MAX_CHARS);
    notes.push('no title: took one from its text');
  }
  title = fit(title, TITLE_MAX_CHARS, 'title', notes);
  // Categories are plain text but for the odd feed that escapes them as HTML: only those pay for the HTML converter.
  const [first, ...rest] = unique(item.categories.map((c) => lineOf({ value: c, html: looksLikeHtml(c) })).filter(Boolean));
  const category = first ? fit(first, CATEGORY_MAX_CHARS, 'category', notes) : context.defaultCategory?.trim() || DEFAULT_CATEGORY;
  const date = dateOf(item.date, context, notes);
  const article: Record<string, unknown> = {
    url,
    title,
    category,
    topics: unique(rest.map((c) => c.toLowerCase())).slice(0, MAX_TOPICS),
    publishedAt: date.iso,
    // Summaries are rendered as Markdown: the feed's text is escaped so that it reads as written.
    summary: escapeMarkdown(summaryText),
    whyItMatters: '',
    source: { title, name: fit(context.feedTitle ? lineOf(context.feedTitle) : '', NAME_MAX_CHARS, 'feed title', notes) || hostOf(url), url },
    ...(date.undated ? { undated: true } : {}),
    ...(item.id?.trim() ? { guid: item.id.trim(), feedKey: context.feedKey } : {}),
  };
  // Only https images are shown (no mixed content, no plain-http tracking); any other is left out, not a reason to refuse.
  if (item.image && /^https:\/\/\S+$/i.test(item.image)) article.imageUrl = item.image;
  return date.refused ? { article, notes, refused: date.refused } : { article, notes };
}

function dateOf(
  text: string | undefined,
  context: FeedContext,
  notes: string[],
): { iso?: string; undated?: boolean; refused?: { field: string; reason: string } } {
  if (!text?.trim()) {
    notes.push('no date: dated when first imported');
    return { iso: context.now.toISOString(), undated: true };
  }
  const parsed = parseFeedDate(text, context.timeZone);
  if (!parsed.ok) return { refused: { field: 'publishedAt', reason: parsed.reason } };
  if (parsed.zoneAssumed) notes.push(`date without a time zone: read in ${context.timeZone}`);
  return { iso: parsed.iso };
}

// Links lose their targets (no `javascript:` survives), images and embeds go;
// table cells, rows and list items stay apart; nesting past 64 levels is cut
// (a hostile feed's ten thousand <div>s would otherwise overflow the stack).
const htmlToText = compile({
  wordwrap: false,
  // A summary keeps 1,200 characters: the first 100,000 of a post's HTML are plenty (htmlToSummary cuts them), and a huge one costs no more.
  limits: { maxDepth: 64, ellipsis: '…' },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    // An <object>'s children are what a reader sees when it does not load: kept, like its text.
    ...[
      'img',
      'script',
      'style',
      'noscript',
      'template',
      'iframe',
      'embed',
      'param',
      'svg',
      'video',
      'audio',
      'form',
      'frameset',
      'applet',
      'head',
      'title',
    ].map((selector) => ({ selector, format: 'skip' })),
    // A quote is a paragraph of the summary (`>` markers would turn into Markdown), a rule only a break.
    { selector: 'blockquote', format: 'block' },
    { selector: 'hr', format: 'block' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    ...['td', 'th'].map((selector) => ({ selector, format: 'inlineSurround', options: { prefix: ' ', suffix: ' ' } })),
    { selector: 'li', format: 'block' },
  ],
});

/** The converter's own cut prints a console warning per long post into the service's log; ours is silent. */
const MAX_HTML_CHARS = 100_000;

/**
 * A feed's text as text: HTML through the converter, plain text as written.
 * HTML without a tag or an entity reads the same as text once its white
 * space collapses, without the converter's cost (most of an import's).
 */
function plainText(text: FeedText): string {
  if (!text.html) return text.value;
  return /[<&]/.test(text.value) ? htmlToText(text.value.slice(0, MAX_HTML_CHARS)) : text.value.replace(/\s+/g, ' ');
}

/** A summary: paragraphs, at most `maxChars` characters cut at a word. */
function summaryOf(text: FeedText, maxChars = SUMMARY_MAX_CHARS): string {
  return truncateAtWord(paragraphs(plainText(text)), maxChars);
}

/** A title, category or name: one line. */
function lineOf(text: FeedText): string {
  return oneLine(plainText(text));
}

/**
 * Feed HTML to plain text for a summary: no tags, entities decoded (what
 * was escaped, like `&lt;blink&gt;`, stays as text), blank-line paragraphs,
 * at most `maxChars` characters cut at a word with "…".
 *
 * @example
 * htmlToSummary('<p>Council&#8217;s vote</p><script>alert(1)</script>'); // 'Council’s vote'
 */
export function htmlToSummary(html: string, maxChars = SUMMARY_MAX_CHARS): string {
  return summaryOf({ value: html, html: true }, maxChars);
}

/**
 * Feed HTML to one line of plain text, for titles, categories and names.
 *
 * @example
 * htmlToOneLine('Face &amp; voice <em>cloning</em>\n'); // 'Face & voice cloning'
 */
export function htmlToOneLine(html: string): string {
  return lineOf({ value: html, html: true });
}

function paragraphs(text: string): string {
  return windows1252Controls(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '')
    .split(/\n\s*\n/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => line.replace(/\s+/g, ' ').trim())
        .filter(Boolean)
        .join('\n'),
    )
    .filter(Boolean)
    .join('\n\n');
}

/**
 * `&#146;` in a feed is XML for U+0092, a control character; its writer
 * meant windows-1252's ’, as HTML reads it (WHATWG, numeric character
 * references 0x80–0x9F). Old blog engines wrote such references for curly
 * quotes and dashes.
 */
const WINDOWS_1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function windows1252Controls(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252[c.charCodeAt(0) - 0x80]!);
}

/** One line: control characters, line breaks and runs of white space become one space. */
function oneLine(text: string): string {
  return windows1252Controls(text)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ')
    .trim();
}

/** Cuts `text` to `max` characters with "…" and says so in `notes`. */
function fit(text: string, max: number, field: string, notes: string[]): string {
  if (text.length <= max) return text;
  notes.push(`${field} cut to ${max} characters`);
  return truncateAtWord(text, max);
}

function truncateAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const lastSpace = cut.search(/\s\S*$/);
  // A single word longer than most of the limit (a URL) is cut where it is.
  const kept = lastSpace > maxChars / 2 ? cut.slice(0, lastSpace) : cut.slice(0, maxChars - 1);
  // Never half of a surrogate pair: an emoji cut in two is not text any more.
  return `${kept.replace(/[\ud800-\udbff]$/, '').replace(/[\s,;:.–—-]+$/, '')}…`;
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
