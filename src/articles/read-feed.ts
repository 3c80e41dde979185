import {
  type AnyFeed,
  type AtomFeed,
  type DcTermsNs,
  type JsonFeed,
  type MediaNs,
  ParseError,
  type RdfFeed,
  type RssFeed,
  parseFeed,
  detectAtomFeed,
  detectJsonFeed,
  detectRdfFeed,
  detectRssFeed,
} from 'feedsmith';

/** Text as a feed gave it: HTML to be reduced to text, or plain text to be kept as written (`&lt;blink&gt;` stays `<blink>`). */
export interface FeedText {
  value: string;
  html: boolean;
}

/**
 * One entry of an RSS, RDF, Atom or JSON Feed document in one shape, read but
 * not yet trusted: every link is absolute (resolved against xml:base, the
 * URL the feed came from or its own link), every text keeps its markup.
 */
export interface FeedItem {
  title?: FeedText;
  link?: string;
  /** RSS `guid`, Atom `id`, RDF `rdf:about`, JSON Feed `id`. */
  id?: string;
  categories: string[];
  /** As the feed wrote it: RFC 822, RFC 3339, W3C-DTF… */
  date?: string;
  /** The item's summary, else its description, subtitle or content. */
  summary?: FeedText;
  image?: string;
}

export interface ParsedFeed {
  format: AnyFeed['format'];
  title?: FeedText;
  /** What stays the same for this feed wherever it is read from: its id, self link or home page. */
  key?: string;
  items: FeedItem[];
}

/**
 * Parses a feed with feedsmith (RSS 0.9x/2.0, RDF/RSS 1.0, Atom 0.3/1.0, JSON
 * Feed 1.0/1.1) and maps each format's own fields to `FeedItem`. Throws what
 * feedsmith throws for a document that is no feed.
 *
 * @example
 * readFeed('<rss version="2.0"><channel><item><link>/a</link></item></channel></rss>', 'https://example.org/feed').items[0].link;
 * // 'https://example.org/a'
 */
export function readFeed(document: string | object, documentUrl: string | undefined): ParsedFeed {
  let parsed: AnyFeed;
  try {
    parsed = parseFeed(document);
  } catch (error) {
    // feedsmith's ParseError: a feed of a known format with nothing in it that it keeps (no title, no usable item).
    const format = error instanceof ParseError ? formatOf(document) : undefined;
    if (format) return { format, items: [] };
    throw error;
  }
  switch (parsed.format) {
    case 'rss':
      return { format: 'rss', ...readRss(parsed.feed, documentUrl) };
    case 'rdf':
      return { format: 'rdf', ...readRdf(parsed.feed, documentUrl) };
    case 'atom':
      return { format: 'atom', ...readAtom(parsed.feed, documentUrl) };
    case 'json':
      return { format: 'json', ...readJson(parsed.feed, documentUrl) };
  }
}

type Feed = Omit<ParsedFeed, 'format'>;

function formatOf(document: string | object): AnyFeed['format'] | undefined {
  if (typeof document !== 'string') return detectJsonFeed(document) ? 'json' : undefined;
  return detectRssFeed(document) ? 'rss' : detectAtomFeed(document) ? 'atom' : detectRdfFeed(document) ? 'rdf' : undefined;
}

/** https://www.rssboard.org/rss-specification */
function readRss(feed: RssFeed.Feed<string>, documentUrl: string | undefined): Feed {
  const feedBase = resolve(feed.xml?.base, documentUrl) ?? documentUrl ?? absolute(feed.link);
  return {
    title: maybeHtml(feed.title),
    key: selfLink(feed.atom?.links) ?? absolute(feed.link),
    items: (feed.items ?? []).map((item) => {
      const base = resolve(item.xml?.base, feedBase) ?? feedBase;
      // A guid is the item's page unless it says isPermaLink="false" (RSS 2.0 §guid).
      const permalink = item.guid?.isPermaLink !== false ? item.guid?.value : undefined;
      return {
        title: maybeHtml(item.title ?? item.dc?.titles?.[0] ?? item.media?.title?.value),
        link: resolve(item.link, base) ?? httpUrl(permalink),
        id: item.guid?.value,
        categories: [...(item.categories ?? []).map((c) => c.name), ...(item.dc?.subjects ?? [])].filter((c) => c !== undefined),
        date: item.pubDate ?? item.dc?.dates?.[0] ?? dctermsDate(item.dcterms) ?? item.atom?.published ?? item.atom?.updated,
        summary:
          html(item.description) ??
          html(item.dc?.descriptions?.[0]) ??
          text(item.itunes?.summary ?? item.itunes?.subtitle) ??
          mediaText(item.media) ??
          html(item.content?.encoded),
        image: resolve(mediaImage(item.media) ?? enclosureImage(item.enclosures) ?? item.itunes?.image, base),
      };
    }),
  };
}

/** RSS 1.0 (RDF): http://web.resource.org/rss/1.0/spec */
function readRdf(feed: RdfFeed.Feed<string>, documentUrl: string | undefined): Feed {
  const feedBase = resolve(feed.xml?.base, documentUrl) ?? documentUrl ?? absolute(feed.link);
  return {
    title: maybeHtml(feed.title),
    key: feed.rdf?.about ?? absolute(feed.link),
    items: (feed.items ?? []).map((item) => ({
      title: maybeHtml(item.title),
      link: resolve(item.link, feedBase) ?? httpUrl(item.rdf?.about),
      id: item.rdf?.about,
      categories: item.dc?.subjects ?? [],
      date: item.dc?.dates?.[0] ?? dctermsDate(item.dcterms),
      summary: html(item.description) ?? html(item.dc?.descriptions?.[0]) ?? mediaText(item.media) ?? html(item.content?.encoded),
      image: resolve(mediaImage(item.media), feedBase),
    })),
  };
}

/** https://www.rfc-editor.org/rfc/rfc4287 */
function readAtom(feed: AtomFeed.Feed<string>, documentUrl: string | undefined): Feed {
  const feedBase = resolve(feed.xml?.base, documentUrl) ?? documentUrl ?? alternateLink(feed.links, undefined);
  return {
    title: atomText(feed.title),
    key: feed.id ?? selfLink(feed.links) ?? alternateLink(feed.links, feedBase),
    items: (feed.entries ?? []).map((entry) => {
      const base = resolve(entry.xml?.base, feedBase) ?? feedBase;
      return {
        title: atomText(entry.title),
        // An entry without a page link is often identified by its URL.
        link: alternateLink(entry.links, base) ?? httpUrl(entry.id),
        id: entry.id,
        // `label` is for people, `term` for machines; our category is shown to readers.
        categories: (entry.categories ?? []).map((c) => c.label ?? c.term).filter((c) => c !== undefined),
        date: entry.published ?? entry.updated ?? entry.dc?.dates?.[0],
        summary: atomText(entry.summary) ?? text(entry.itunes?.summary) ?? mediaText(entry.media) ?? atomText(entry.content),
        image: resolve(mediaImage(entry.media) ?? enclosureLink(entry.links) ?? entry.itunes?.image, base),
      };
    }),
  };
}

/** https://jsonfeed.org/version/1.1 */
function readJson(feed: JsonFeed.Feed<string>, documentUrl: string | undefined): Feed {
  const base = documentUrl ?? absolute(feed.feed_url) ?? absolute(feed.home_page_url);
  return {
    title: text(feed.title),
    key: absolute(feed.feed_url) ?? absolute(feed.home_page_url),
    items: (feed.items ?? []).map((item) => {
      const id = item.id === undefined ? undefined : String(item.id);
      return {
        // JSON Feed's title is plain text by the spec, but feeds written by blog engines escape it as HTML.
        title: maybeHtml(item.title),
        link: resolve(item.url ?? item.external_url, base) ?? httpUrl(id),
        id,
        categories: item.tags ?? [],
        date: item.date_published ?? item.date_modified,
        summary: text(item.summary) ?? html(item.content_html) ?? text(item.content_text),
        image: resolve(item.image ?? item.banner_image, base),
      };
    }),
  };
}

/** RFC 4287 §3.1: `text` is plain, `html` escaped markup, `xhtml` inline markup; anything else (a MIME type) by what it says. */
function atomText(node: AtomFeed.Text | AtomFeed.Content | undefined): FeedText | undefined {
  if (node?.value === undefined) return undefined;
  const type = (node.type ?? 'text').toLowerCase();
  if (type === 'text' || type === 'text/plain' || type === '') return { value: node.value, html: false };
  if (type === 'application/octet-stream') return { value: Buffer.from(node.value, 'base64').toString('utf8'), html: true };
  return { value: node.value, html: true };
}

/**
 * Whether a title holds markup: feeds put both `Q&amp;A` (text) and
 * `&lt;em&gt;Q&lt;/em&gt;` (markup) in titles. A closing tag or a character
 * reference after decoding means markup, as feedparser decides; a lone
 * `<blink>` is text someone wrote about.
 */
export function looksLikeHtml(value: string): boolean {
  return /<\/[a-z][a-z0-9]*\s*>|<br\s*\/?>|&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);/i.test(value);
}

function maybeHtml(value: string | undefined): FeedText | undefined {
  return value === undefined || value.trim() === '' ? undefined : { value, html: looksLikeHtml(value) };
}

function html(value: string | undefined): FeedText | undefined {
  return value === undefined || value.trim() === '' ? undefined : { value, html: true };
}

function text(value: string | undefined): FeedText | undefined {
  return value === undefined || value.trim() === '' ? undefined : { value, html: false };
}

function mediaText(media: MediaNs.ItemOrFeed | undefined): FeedText | undefined {
  const description = media?.description ?? media?.groups?.find((g) => g.description)?.description;
  if (!description) return undefined;
  return description.type === 'html' ? html(description.value) : text(description.value);
}

/** Media RSS: a thumbnail, else image content, looked for in the item and its groups. */
function mediaImage(media: MediaNs.ItemOrFeed | undefined): string | undefined {
  if (!media) return undefined;
  const scopes = [media, ...(media.groups ?? [])];
  for (const scope of scopes) {
    const thumbnail = scope.thumbnails?.find((t) => t.url)?.url;
    if (thumbnail) return thumbnail;
  }
  for (const scope of scopes) {
    const contents = scope.contents ?? [];
    const image =
      contents.find((c) => c.url && (c.medium === 'image' || c.type?.startsWith('image/')))?.url ??
      contents.flatMap((c) => c.thumbnails ?? []).find((t) => t.url)?.url;
    if (image) return image;
  }
  return undefined;
}

function enclosureImage(enclosures: RssFeed.Enclosure[] | undefined): string | undefined {
  return enclosures?.find((e) => e.url && e.type?.toLowerCase().startsWith('image/'))?.url;
}

function enclosureLink(links: AtomFeed.Link<string>[] | undefined): string | undefined {
  return links?.find((l) => l.rel === 'enclosure' && l.href && l.type?.toLowerCase().startsWith('image/'))?.href;
}

/** The entry's own page: `rel="alternate"` (a link without rel is one), HTML first, not `self`, `edit` or `enclosure`. */
function alternateLink(links: AtomFeed.Link<string>[] | undefined, base: string | undefined): string | undefined {
  const alternates = (links ?? []).filter((l) => l.href !== undefined && (l.rel ?? 'alternate').toLowerCase() === 'alternate');
  const page = alternates.find((l) => /^(text\/html|application\/xhtml\+xml)$/i.test(l.type ?? '')) ?? alternates.find((l) => !l.type) ?? alternates[0];
  return resolve(page?.href, base);
}

function selfLink(links: AtomFeed.Link<string>[] | undefined): string | undefined {
  return absolute(links?.find((l) => l.rel?.toLowerCase() === 'self')?.href);
}

/** `href` made absolute against `base`; undefined when it cannot be (no base for a relative link, or not a URL). */
function resolve(href: string | undefined, base: string | undefined): string | undefined {
  const trimmed = href?.trim();
  if (!trimmed) return undefined;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return undefined;
  }
}

/** Dublin Core Terms dates, the publication's first: issued, created, then modified. */
function dctermsDate(dcterms: DcTermsNs.ItemOrFeed<string> | undefined): string | undefined {
  return dcterms?.issued?.[0] ?? dcterms?.created?.[0] ?? dcterms?.modified?.[0];
}

function absolute(href: string | undefined): string | undefined {
  return resolve(href, undefined);
}

function httpUrl(value: string | undefined): string | undefined {
  const url = absolute(value);
  return url && /^https?:/i.test(url) ? url : undefined;
}
