import { XMLParser } from 'fast-xml-parser';

/**
 * The items of a feed as its source writes them, read without our import so
 * that what the corpus measure counts does not depend on the code it measures.
 * Reads RSS 0.9x/2.0, RSS 0.90/1.0 (RDF), Atom 0.3/1.0 and JSON Feed.
 */
export interface SourceItem {
  /** An RSS `<link>`, an Atom alternate `<link href>`, a JSON Feed `url`, or an RSS permalink `<guid>` that is an http(s) URL. */
  link?: string;
  /** Non-blank `title` (or `dc:title`). */
  hasTitle: boolean;
  /** Non-blank description, summary, content, `content:encoded`, `dc:description`, `itunes:summary` or `media:description`. */
  hasSummary: boolean;
  /** A summary beside the full content (all of the above but content and `content:encoded`): what the import stores when both are there. */
  hasSummaryBesideContent: boolean;
  /**
   * Whether feedparser reports the title, summary or content as plain text
   * rather than HTML: an Atom text construct of type text (the default) with
   * no child elements (RFC 4287 §3.1.1.1). Its `<` is text.
   */
  plainText: { title: boolean; summary: boolean; content: boolean };
  /** `<enclosure type>` (RSS) or `<link rel="enclosure" type>` (Atom), in order. */
  enclosureTypes: (string | undefined)[];
  /** The names of its child elements as written, once each (`title`, `xhtml:body`…), or its keys in JSON Feed: what a dropped item held. */
  elementNames: string[];
}

export interface SourceFeed {
  format: 'rss' | 'rdf' | 'atom' | 'json-feed' | 'other';
  items: SourceItem[];
}

/** An element with its namespace resolved. */
interface XmlElement {
  /** As written, prefix included: `xhtml:body`. */
  name: string;
  local: string;
  ns: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

const RSS_NAMESPACES = new Set(['', 'http://purl.org/rss/1.0/', 'http://my.netscape.com/rdf/simple/0.9/']);
const DC = 'http://purl.org/dc/elements/1.1/';
const CONTENT = 'http://purl.org/rss/1.0/modules/content/';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
});

/**
 * Reads the items of `text`; a document that is neither XML nor JSON reads
 * as a feed without items (the import decides whether that is an error).
 *
 * @example
 * readSourceItems('<rss><channel><item><link>/a</link><title>A</title></item></channel></rss>').items[0];
 * // { link: '/a', hasTitle: true, hasSummary: false, … }
 */
export function readSourceItems(text: string): SourceFeed {
  const body = text.trim();
  if (body.startsWith('{')) return readJsonFeed(body);
  let root: XmlElement | undefined;
  try {
    root = resolveNamespaces(parser.parse(body) as unknown[], new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]))[0];
  } catch {
    return { format: 'other', items: [] };
  }
  if (!root) return { format: 'other', items: [] };
  if (root.local === 'feed') return { format: 'atom', items: childElements(root, 'entry', root.ns).map((e) => atomItem(e, root.ns)) };
  if (root.local === 'rss') {
    // feedparser also reads items written straight under <rss>, without a channel.
    const containers = [root, ...childElements(root, 'channel', root.ns)];
    const items = containers.flatMap((container) => childElements(container, 'item', root.ns));
    return { format: 'rss', items: items.map((item) => rssItem(item, root.ns)) };
  }
  if (root.local === 'RDF') {
    // RSS 1.0 puts items beside the channel; RSS 0.90 too; some feeds nest them.
    const containers = [root, ...root.children.filter(isElement).filter((e) => e.local === 'channel')];
    const items = containers.flatMap((c) => c.children.filter(isElement).filter((e) => e.local === 'item' && RSS_NAMESPACES.has(e.ns)));
    return { format: 'rdf', items: items.map((item) => rssItem(item, item.ns)) };
  }
  return { format: 'other', items: [] };
}

function rssItem(item: XmlElement, ns: string): SourceItem {
  const link = childElements(item, 'link', ns).map(textOf).find(nonBlank);
  const guid = childElements(item, 'guid', ns).find((g) => (g.attrs.isPermaLink ?? 'true').trim().toLowerCase() !== 'false');
  const permalink = guid && /^https?:\/\/\S+$/i.test(textOf(guid).trim()) ? textOf(guid).trim() : undefined;
  return {
    link: link?.trim() ?? permalink,
    hasTitle: hasText(item, [
      [ns, 'title'],
      [DC, 'title'],
    ]),
    hasSummary: hasSummary(item, ns),
    hasSummaryBesideContent: hasSummaryBesideContent(item, ns),
    plainText: { title: false, summary: false, content: false },
    enclosureTypes: childElements(item, 'enclosure', ns).map((e) => e.attrs.type),
    elementNames: elementNames(item),
  };
}

function atomItem(entry: XmlElement, ns: string): SourceItem {
  const links = childElements(entry, 'link', ns);
  // A link without rel is rel="alternate" (RFC 4287 §4.2.7.2).
  const alternate = links.find((l) => (l.attrs.rel ?? 'alternate').trim() === 'alternate' && nonBlank(l.attrs.href));
  const title = childElements(entry, 'title', ns)[0];
  const summary = childElements(entry, 'summary', ns)[0];
  const content = childElements(entry, 'content', ns)[0];
  return {
    link: alternate?.attrs.href?.trim(),
    hasTitle: hasText(entry, [
      [ns, 'title'],
      [DC, 'title'],
    ]),
    hasSummary: hasSummary(entry, ns),
    hasSummaryBesideContent: hasSummaryBesideContent(entry, ns),
    plainText: { title: isPlainText(title), summary: isPlainText(summary ?? content), content: isPlainText(content) },
    enclosureTypes: links.filter((l) => l.attrs.rel?.trim() === 'enclosure').map((l) => l.attrs.type),
    elementNames: elementNames(entry),
  };
}

function hasSummary(item: XmlElement, ns: string): boolean {
  return (
    hasSummaryBesideContent(item, ns) ||
    hasText(item, [
      [ns, 'content'],
      [CONTENT, 'encoded'],
    ])
  );
}

function hasSummaryBesideContent(item: XmlElement, ns: string): boolean {
  return (
    hasText(item, [
      [ns, 'description'],
      [ns, 'summary'],
      [DC, 'description'],
    ]) ||
    item.children
      .filter(isElement)
      .some((e) => ((isItunes(e) && e.local === 'summary') || (isMediaRss(e) && e.local === 'description') ? nonBlank(textOf(e)) : false))
  );
}

/** Feeds spell the iTunes and Media RSS namespaces in several ways (case, trailing slash). */
function isItunes(element: XmlElement): boolean {
  return element.ns.toLowerCase().includes('itunes.com/dtds/podcast');
}

function isMediaRss(element: XmlElement): boolean {
  return element.ns.startsWith('http://search.yahoo.com/mrss');
}

function hasText(item: XmlElement, names: [string, string][]): boolean {
  return names.some(([ns, local]) => childElements(item, local, ns).some((e) => nonBlank(textOf(e))));
}

function isPlainText(element: XmlElement | undefined): boolean {
  if (!element) return false;
  const type = (element.attrs.type ?? 'text').trim().toLowerCase();
  const mode = (element.attrs.mode ?? 'xml').trim().toLowerCase();
  return (type === 'text' || type === 'text/plain') && mode === 'xml' && !element.children.some(isElement);
}

/** https://jsonfeed.org/version/1.1 */
function readJsonFeed(body: string): SourceFeed {
  let feed: unknown;
  try {
    feed = JSON.parse(body);
  } catch {
    return { format: 'other', items: [] };
  }
  const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
  const items = record(feed).items;
  if (!Array.isArray(items)) return { format: 'other', items: [] };
  return {
    format: 'json-feed',
    items: items.map(record).map((item) => ({
      link: nonBlank(item.url) ? item.url.trim() : undefined,
      hasTitle: nonBlank(item.title),
      hasSummary: [item.summary, item.content_html, item.content_text].some(nonBlank),
      hasSummaryBesideContent: nonBlank(item.summary),
      plainText: { title: true, summary: !nonBlank(item.summary) && !nonBlank(item.content_html), content: false },
      enclosureTypes: Array.isArray(item.attachments)
        ? item.attachments.map((a) => record(a).mime_type).map((t) => (typeof t === 'string' ? t : undefined))
        : [],
      elementNames: Object.keys(item),
    })),
  };
}

/** fast-xml-parser's ordered output as elements with namespace URIs (Namespaces in XML 1.0 §6). */
function resolveNamespaces(nodes: unknown[], inScope: Map<string, string>): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const node of nodes as Record<string, unknown>[]) {
    const name = Object.keys(node).find((key) => key !== ':@');
    if (!name || name.startsWith('?') || name.startsWith('!') || name === '#text') continue;
    const attrs = (node[':@'] ?? {}) as Record<string, string>;
    const scope = new Map(inScope);
    for (const [attr, value] of Object.entries(attrs)) {
      if (attr === 'xmlns') scope.set('', value);
      else if (attr.startsWith('xmlns:')) scope.set(attr.slice(6), value);
    }
    const [prefix, local] = name.includes(':') ? (name.split(':', 2) as [string, string]) : ['', name];
    const children = (node[name] as Record<string, unknown>[]).map((child) =>
      '#text' in child ? String(child['#text']) : resolveNamespaces([child], scope)[0],
    );
    elements.push({ name, local, ns: scope.get(prefix) ?? (prefix ? `unbound:${prefix}` : ''), attrs, children: children.filter((c) => c !== undefined) });
  }
  return elements;
}

function elementNames(item: XmlElement): string[] {
  return [...new Set(item.children.filter(isElement).map((e) => e.name))];
}

function childElements(parent: XmlElement, local: string, ns: string): XmlElement[] {
  return parent.children.filter(isElement).filter((e) => e.local === local && e.ns === ns);
}

function isElement(node: XmlElement | string): node is XmlElement {
  return typeof node !== 'string';
}

function textOf(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

function nonBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
