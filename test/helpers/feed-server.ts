import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One item of a served RSS feed. */
export interface FeedItem {
  title: string;
  link: string;
  publishedAt: Date;
  description: string;
}

/** What the feed server answers at /feed.xml right now; tests change it between fetches. */
export interface FeedState {
  items: FeedItem[];
  /** Each version of the feed has its own ETag, so a changed feed never answers 304. */
  version: number;
  /** Answer this status instead of the feed (503: a feed host that is down). */
  failWith?: number;
  /** Serve bytes that are not a feed (with a new ETag): the import fails. */
  malformed?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface FeedRequest {
  path: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  authorization?: string;
  startedAt: number;
}

export interface FeedServer {
  base: string;
  state: FeedState;
  requests: FeedRequest[];
  /** The most requests it ever answered at the same time. */
  maxConcurrent: number;
  close(): Promise<void>;
}

const LAST_MODIFIED = 'Mon, 23 Nov 2026 08:00:00 GMT';

function rss(items: FeedItem[]): string {
  const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const entries = items.map(
    (item) =>
      `<item><title>${escapeXml(item.title)}</title><link>${escapeXml(item.link)}</link><guid>${escapeXml(item.link)}</guid>` +
      `<pubDate>${item.publishedAt.toUTCString()}</pubDate><description>${escapeXml(item.description)}</description></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test Wire</title><link>https://wire.example.org/</link>${entries.join('')}</channel></rss>`;
}

/**
 * A real HTTP server on 127.0.0.1 serving an RSS feed at /feed.xml with an
 * ETag and Last-Modified, answering 304 to a request whose If-None-Match is
 * the current version's, as a well-behaved feed host does.
 */
export async function startFeedServer(items: FeedItem[] = []): Promise<FeedServer> {
  let active = 0;
  const feed: FeedServer = {
    base: '',
    state: { items, version: 1 },
    requests: [],
    maxConcurrent: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((req, res) => {
    active += 1;
    feed.maxConcurrent = Math.max(feed.maxConcurrent, active);
    res.on('close', () => (active -= 1));
    feed.requests.push({
      path: req.url ?? '',
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
      authorization: req.headers.authorization,
      startedAt: Date.now(),
    });
    const { state } = feed;
    setTimeout(() => {
      if (req.url !== '/feed.xml') return void res.writeHead(404).end('no such feed');
      if (state.failWith) return void res.writeHead(state.failWith).end();
      const etag = `"v${state.version}${state.malformed ? '-malformed' : ''}"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag, 'last-modified': LAST_MODIFIED }).end();
      const body = state.malformed ? '<rss version="2.0"><channel><item><title>cut off' : rss(state.items);
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag, 'last-modified': LAST_MODIFIED }).end(body);
    }, state.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feed.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return feed;
}
