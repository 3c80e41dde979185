import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkCache, checkLinks, extractLinks, linkCheckHtml } from './link-check.ts';

/** Every request the server saw, as `METHOD /path`. */
const seen: string[] = [];

function route(req: IncomingMessage, res: ServerResponse): void {
  seen.push(`${req.method} ${req.url}`);
  switch (req.url) {
    case '/ok':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hello</p>');
      return;
    case '/gone':
      res.writeHead(404).end('not here');
      return;
    case '/no-head':
      if (req.method === 'HEAD') res.writeHead(405, { allow: 'GET' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100_000));
      return;
    case '/members':
      res.writeHead(403).end();
      return;
    case '/moved':
      res.writeHead(301, { location: '/ok' }).end();
      return;
    case '/error':
      res.writeHead(503).end();
      return;
    case '/hang':
      // never answers: the check must give up on its own
      return;
    default:
      res.writeHead(200).end();
  }
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('checkLinks', () => {
  it('reports 200 ok, 404 and 503 broken', async () => {
    const results = await checkLinks([`${base}/ok`, `${base}/gone`, `${base}/error`]);
    expect(results).toEqual([
      { url: `${base}/ok`, status: 200, state: 'ok', detail: '' },
      { url: `${base}/gone`, status: 404, state: 'broken', detail: 'the server answered 404' },
      { url: `${base}/error`, status: 503, state: 'broken', detail: 'the server answered 503' },
    ]);
  });

  it('asks with HEAD first, and with GET when HEAD is refused (405)', async () => {
    seen.length = 0;
    const [result] = await checkLinks([`${base}/no-head`]);
    expect(result).toMatchObject({ status: 200, state: 'ok' });
    expect(seen).toEqual(['HEAD /no-head', 'GET /no-head']);
  });

  it('tries GET after a 403 to HEAD, and says a 403 may be a bot guard', async () => {
    seen.length = 0;
    const [result] = await checkLinks([`${base}/members`]);
    expect(result).toMatchObject({ status: 403, state: 'broken' });
    expect(result!.detail).toContain('some sites refuse automated checks');
    expect(seen).toEqual(['HEAD /members', 'GET /members']);
  });

  it('reports a redirect with its target, without following it', async () => {
    seen.length = 0;
    const [result] = await checkLinks([`${base}/moved`]);
    expect(result).toEqual({ url: `${base}/moved`, status: 301, state: 'redirect', detail: `redirects to ${base}/ok` });
    expect(seen).toEqual(['HEAD /moved']);
  });

  it('says unknown, not broken, when the connection is refused', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    expect(await checkLinks([url])).toEqual([{ url, status: null, state: 'unknown', detail: 'connection refused' }]);
  });

  it('says unknown when the server never answers, within the timeout', async () => {
    const started = performance.now();
    const [result] = await checkLinks([`${base}/hang`], { timeoutMs: 300 });
    expect(result).toEqual({ url: `${base}/hang`, status: null, state: 'unknown', detail: 'no answer within 300 ms' });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('checks http(s) only, each URL once', async () => {
    seen.length = 0;
    const results = await checkLinks([`${base}/ok`, 'mailto:editor@example.org', `${base}/ok`, 'javascript:alert(1)', 'not a url']);
    expect(results.map((r) => r.url)).toEqual([`${base}/ok`]);
    expect(seen).toEqual(['HEAD /ok']);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = createServer((_req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end();
      }, 50);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowBase = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    try {
      const results = await checkLinks(
        Array.from({ length: 10 }, (_, i) => `${slowBase}/${i}`),
        { concurrency: 3 },
      );
      expect(results.every((r) => r.state === 'ok')).toBe(true);
      expect(most).toBe(3);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});

describe('LinkCache', () => {
  it('answers a second check without asking the server again', async () => {
    const cache = new LinkCache();
    seen.length = 0;
    const first = await checkLinks([`${base}/ok`, `${base}/gone`], { cache });
    const second = await checkLinks([`${base}/ok`, `${base}/gone`], { cache });
    expect(second).toEqual(first);
    expect(seen).toEqual(['HEAD /ok', 'HEAD /gone']);
  });

  it('asks again once the entry expired', async () => {
    let now = 0;
    const cache = new LinkCache(1000, () => now);
    seen.length = 0;
    await checkLinks([`${base}/ok`], { cache });
    now = 999;
    await checkLinks([`${base}/ok`], { cache });
    now = 1000;
    await checkLinks([`${base}/ok`], { cache });
    expect(seen).toEqual(['HEAD /ok', 'HEAD /ok']);
  });

  it('does not keep an unknown result, so a retry after reconnecting asks again', async () => {
    const cache = new LinkCache();
    const url = `http://127.0.0.1:${await closedPort()}/`;
    await checkLinks([url], { cache });
    expect(cache.get(url)).toBeUndefined();
  });
});

describe('extractLinks', () => {
  it('returns each href once with its text, entities decoded, a picture by its alt', () => {
    const html = `<p><a href="https://example.org/a?x=1&amp;y=2">First
      story</a> <a href="https://example.org/a?x=1&amp;y=2">again</a>
      <a href="https://example.org/b"><img src="b.png" alt="Chart of pay cuts"></a>
      <a href="mailto:editor@example.org">Write to us</a><a name="top">anchor</a></p>`;
    expect(extractLinks(html)).toEqual([
      { href: 'https://example.org/a?x=1&y=2', text: 'First story' },
      { href: 'https://example.org/b', text: 'Chart of pay cuts' },
      { href: 'mailto:editor@example.org', text: 'Write to us' },
    ]);
  });
});

describe('linkCheckHtml', () => {
  it('lists broken links first, with their text, all escaped', () => {
    const html = linkCheckHtml(
      [
        { url: 'https://example.org/ok', status: 200, state: 'ok', detail: '' },
        { url: 'https://example.org/<x>', status: 404, state: 'broken', detail: 'the server answered 404' },
      ],
      [{ href: 'https://example.org/<x>', text: '<b>Read</b>' }],
    );
    expect(html).toContain('2 links checked: 1 broken, 0 unknown, 0 redirecting.');
    expect(html.indexOf('state-broken')).toBeLessThan(html.indexOf('state-ok'));
    expect(html).toContain('&lt;b&gt;Read&lt;/b&gt;<br><small>https://example.org/&lt;x&gt;</small>');
    expect(html).not.toContain('<b>Read');
  });
});
