import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSourceText } from './fetch-source.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/feed.xml') {
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
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const limits = { timeoutMs: 500, maxBytes: 1_000 };

describe('readSourceText', () => {
  it('reads a URL, following redirects, decoding by charset or XML declaration', async () => {
    expect(await readSourceText(`${base}/moved`, limits)).toContain('<title>Café</title>');
    expect(await readSourceText(`${base}/latin1.xml`, limits)).toContain('<title>Café</title>');
  });

  it('turns every failure into one line naming the URL', async () => {
    await expect(readSourceText(`${base}/gone`, limits)).rejects.toThrow(`cannot fetch ${base}/gone: 404 Not Found`);
    await expect(readSourceText(`${base}/big`, limits)).rejects.toThrow(`cannot fetch ${base}/big: the reply is larger than 1000 bytes`);
    await expect(readSourceText(`${base}/slow`, limits)).rejects.toThrow(`cannot fetch ${base}/slow: no complete reply within 0.5 s`);
    await expect(readSourceText('ftp://example.org/feed.xml', limits)).rejects.toThrow('cannot fetch ftp://example.org/feed.xml: only http and https URLs are supported');
  });

  it('says why a server could not be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/feed.xml`;
    await new Promise((resolve) => closed.close(resolve));
    await expect(readSourceText(url, limits)).rejects.toThrow(new RegExp(`^cannot fetch ${url}: .*ECONNREFUSED`));
  });
});
