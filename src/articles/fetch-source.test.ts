import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFeedBytes } from './decode-feed.ts';
import { type FetchLimits, fetchIfChanged, readSourceBytes } from './fetch-source.ts';

let server: Server;
let base: string;
let port: number;
/** The conditional headers of each request for /conditional.xml, and every path asked for. */
const conditionalRequests: { ifNoneMatch?: string; ifModifiedSince?: string }[] = [];
const requestedPaths: string[] = [];
const FEED_ETAG = '"feed-v1"';
const FEED_LAST_MODIFIED = 'Mon, 23 Nov 2026 08:00:00 GMT';

beforeAll(async () => {
  server = createServer((req, res) => {
    requestedPaths.push(req.url ?? '');
    if (req.url === '/conditional.xml') {
      conditionalRequests.push({ ifNoneMatch: req.headers['if-none-match'], ifModifiedSince: req.headers['if-modified-since'] });
      if (req.headers['if-none-match'] === FEED_ETAG) return void res.writeHead(304, { etag: FEED_ETAG }).end();
      res
        .writeHead(200, { 'content-type': 'application/rss+xml', etag: FEED_ETAG, 'last-modified': FEED_LAST_MODIFIED })
        .end('<rss version="2.0"><channel/></rss>');
    } else if (req.url === '/always-304') {
      res.writeHead(304).end();
    } else if (req.url?.startsWith('/to?')) {
      // Redirects wherever the query says: what a feed on someone else's server can do.
      res.writeHead(302, { location: decodeURIComponent(req.url.slice(4)) }).end();
    } else if (req.url === '/feed.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end('<rss version="2.0"><channel><title>Café</title></channel></rss>');
    } else if (req.url === '/latin1.xml') {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>Café</title></channel></rss>', 'latin1'));
    } else if (req.url === '/big') {
      // No Content-Length: the cap must hold while reading.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('x'.repeat(600));
      res.end('x'.repeat(600));
    } else if (req.url === '/slow') {
      setTimeout(() => res.writeHead(200).end('late'), 2_000);
    } else if (req.url === '/moved') {
      res.writeHead(301, { location: '/feed.xml' }).end();
    } else {
      res.writeHead(404).end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// Headroom for a loaded machine (the suite runs browsers and servers beside this): only /slow is timed out on purpose.
const limits = { timeoutMs: 5_000, maxBytes: 1_000 };
const impatient = { ...limits, timeoutMs: 500 };

/** What the import reads from a URL: its bytes, decoded by their charset or XML declaration. */
async function readSourceText(url: string, limits: FetchLimits): Promise<string> {
  const { bytes, contentType } = await readSourceBytes(url, limits);
  return decodeFeedBytes(bytes, contentType, url).text;
}

describe('readSourceBytes', () => {
  it('reads a URL, following redirects, decoding by charset or XML declaration', async () => {
    expect(await readSourceText(`${base}/moved`, limits)).toContain('<title>Café</title>');
    expect(await readSourceText(`${base}/latin1.xml`, limits)).toContain('<title>Café</title>');
  });

  it('turns every failure into one line naming the URL', async () => {
    await expect(readSourceText(`${base}/gone`, limits)).rejects.toThrow(`cannot fetch ${base}/gone: 404 Not Found`);
    await expect(readSourceText(`${base}/big`, limits)).rejects.toThrow(`cannot fetch ${base}/big: the reply is larger than 1000 bytes`);
    await expect(readSourceText(`${base}/slow`, impatient)).rejects.toThrow(`cannot fetch ${base}/slow: no complete reply within 0.5 s`);
    await expect(readSourceText('ftp://example.org/feed.xml', limits)).rejects.toThrow(
      'cannot fetch ftp://example.org/feed.xml: only http and https URLs are supported',
    );
  });

  it('says why a server could not be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/feed.xml`;
    await new Promise((resolve) => closed.close(resolve));
    await expect(readSourceText(url, limits)).rejects.toThrow(new RegExp(`^cannot fetch ${url}: .*ECONNREFUSED`));
  });
});

describe('fetchIfChanged', () => {
  it('sends the validators of the last reply back, and takes a 304 as "not modified"', async () => {
    const first = await fetchIfChanged(`${base}/conditional.xml`, null, { limits });
    expect(first).toMatchObject({ status: 'fetched', validators: { etag: FEED_ETAG, lastModified: FEED_LAST_MODIFIED } });
    if (first.status !== 'fetched') throw new Error('fetched expected');
    expect(Buffer.from(first.source.bytes).toString()).toContain('<rss');
    expect(await fetchIfChanged(`${base}/conditional.xml`, first.validators, { limits })).toEqual({ status: 'not-modified' });
    expect(conditionalRequests).toEqual([{}, { ifNoneMatch: FEED_ETAG, ifModifiedSince: FEED_LAST_MODIFIED }]);
  });

  it('takes a 304 to a request without validators for the error it is', async () => {
    await expect(readSourceBytes(`${base}/always-304`, limits)).rejects.toThrow(`cannot fetch ${base}/always-304: 304 Not Modified`);
  });
});

describe('the redirect guard', () => {
  /**
   * The resolver the guard asks: `localhost` (where the test server really is, and where fetch
   * connects) passes for a public address, so the source looks like a feed on the internet.
   */
  const publicLocalhost = async (host: string) =>
    ({
      localhost: [{ address: '203.0.113.7', family: 4 }],
      'loopback.test': [{ address: '127.0.0.1', family: 4 }],
      'mapped.test': [{ address: '::ffff:127.0.0.1', family: 6 }],
    })[host] ?? Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
  const publicSource = (target: string) => `http://localhost:${port}/to?${encodeURIComponent(target)}`;

  it('refuses a redirect from a public source to a loopback, private or link-local address, without requesting it', async () => {
    const refusals: [string, string][] = [
      [`http://127.0.0.1:${port}/secret`, '127.0.0.1 is a loopback address'],
      ['http://10.0.0.1/secret', '10.0.0.1 is a private address'],
      ['http://192.168.1.1/secret', '192.168.1.1 is a private address'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
      [`http://[::1]:${port}/secret`, '::1 is a loopback address'],
      [`http://[::ffff:127.0.0.1]:${port}/secret`, '::ffff:7f00:1 is a loopback address'],
      ['http://[fd00::1]/secret', 'fd00::1 is a unique-local address'],
      [`http://0.0.0.0:${port}/secret`, '0.0.0.0 is an unspecified address'],
      [`http://loopback.test:${port}/secret`, 'loopback.test resolves to 127.0.0.1, a loopback address'],
      [`http://mapped.test:${port}/secret`, 'mapped.test resolves to ::ffff:127.0.0.1, a loopback address'],
    ];
    for (const [target, reason] of refusals) {
      const source = publicSource(target);
      const hop = new URL(target).href;
      await expect(readSourceBytes(source, limits, { lookup: publicLocalhost }), target).rejects.toThrow(
        `cannot fetch ${source}: redirect to ${hop} refused: ${reason}, followed only when the source URL itself is one`,
      );
    }
    expect(requestedPaths.filter((path) => path === '/secret')).toEqual([]);
  });

  it('follows a redirect from a public source to a public address, and names a hop that does not resolve', async () => {
    const followed = await readSourceBytes(publicSource(`http://localhost:${port}/feed.xml`), limits, { lookup: publicLocalhost });
    expect(followed.url).toBe(`http://localhost:${port}/feed.xml`);
    await expect(readSourceBytes(publicSource('http://nowhere.test/feed.xml'), limits, { lookup: publicLocalhost })).rejects.toThrow(
      /redirect to http:\/\/nowhere\.test\/feed\.xml: cannot resolve nowhere\.test \(ENOTFOUND\)$/,
    );
  });

  it('follows any redirect of a source that is itself loopback, with the system resolver', async () => {
    const { url } = await readSourceBytes(`${base}/to?${encodeURIComponent(`http://localhost:${port}/feed.xml`)}`, limits);
    expect(url).toBe(`http://localhost:${port}/feed.xml`);
  });
});
