import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.ts';
import type { Db } from '../src/db/connect.ts';
import { archiveRoutes } from '../src/http/archive-routes.ts';
import { BackgroundWork } from '../src/http/background-work.ts';
import { opsRoutes } from '../src/http/ops-routes.ts';
import { type HttpServer, type HttpServerOptions, startHttpServer } from '../src/http/server.ts';
import { audienceRoutes } from '../src/http/subscription-routes.ts';
import { signToken } from '../src/personalize/tokens.ts';
import { createOutboxTransport } from '../src/transport/outbox.ts';
import { testConfig } from './helpers/fixtures.ts';
import { seedSampleArticles } from './helpers/seed.ts';
import { addSubscribers, openScratchDb } from './helpers/store.ts';
import { createWorkspace } from './helpers/cli.ts';

/** Everything a raw socket receives until the server closes it, and how long that took. */
function rawExchange(
  url: string,
  send: (write: (text: string) => void) => void,
  giveUpMs: number,
): Promise<{ received: string; closedAfterMs: number | null }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = performance.now();
    let received = '';
    const socket = connect(Number(port), hostname, () => send((text) => socket.write(text)));
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ received, closedAfterMs: null });
    }, giveUpMs);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ received, closedAfterMs: performance.now() - started });
    });
  });
}

describe('the HTTP app', () => {
  let db: Db;
  let config: Config;
  let cleanup: () => void;
  const errors: string[] = [];
  const servers: HttpServer[] = [];
  const start = async (options: HttpServerOptions = {}) => {
    const background = new BackgroundWork((e) => errors.push(String(e)));
    const transport = createOutboxTransport(config.outboxDir);
    const routes = { ...audienceRoutes({ db, config, transport, background }), ...opsRoutes(db, null, config), ...archiveRoutes(db, config) };
    const http = await startHttpServer(config, routes, { host: '127.0.0.1', port: 0, onError: (e) => errors.push(String(e)), ...options });
    servers.push(http);
    return http;
  };

  beforeAll(async () => {
    const ws = createWorkspace();
    cleanup = ws.cleanup;
    config = testConfig({ DATABASE_URL: ':memory:', OUTBOX_DIR: `${ws.dir}/outbox` });
    db = await openScratchDb();
    await seedSampleArticles(db);
    await addSubscribers(db, [{ email: 'reader@example.org' }]);
  });

  afterAll(async () => {
    for (const http of servers) await http.close();
    await db?.destroy();
    cleanup?.();
  });

  it('answers HEAD on every GET route like GET: same status and headers, no body', async () => {
    const http = await start();
    const reader = (await db.selectFrom('subscribers').select('id').executeTakeFirstOrThrow()).id;
    const paths = [
      '/subscribe',
      '/healthz',
      '/archive',
      '/archive/feed.xml',
      `/unsubscribe?token=${signToken(config.appSecret, 'unsubscribe', reader)}`,
      '/unsubscribe?token=not-a-token',
      '/archive/2026-W01',
      '/no-such-page',
    ];
    const statuses: number[] = [];
    for (const path of paths) {
      const get = await fetch(`${http.url}${path}`);
      const getBody = await get.text();
      const head = await fetch(`${http.url}${path}`, { method: 'HEAD' });
      expect(head.status, path).toBe(get.status);
      // fetch asks to close after a HEAD; the connection's own headers say so, the rest must match.
      const headers = (r: Response) => {
        const kept: string[] = [];
        r.headers.forEach((value, name) => void (['date', 'connection', 'keep-alive'].includes(name) || kept.push(`${name}: ${value}`)));
        return kept;
      };
      expect(headers(head), path).toEqual(headers(get));
      expect(head.headers.get('content-length'), path).toBe(String(Buffer.byteLength(getBody)));
      expect(await head.text(), path).toBe('');
      statuses.push(head.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 400, 404, 404]);
    // On the wire: the headers and nothing after them, and the connection stays usable.
    const { received } = await rawExchange(
      http.url,
      (write) => write('HEAD /subscribe HTTP/1.1\r\nHost: x\r\n\r\nHEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      10_000,
    );
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((a) => a.split('\r\n')[0])).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    for (const answer of answers) expect(answer.endsWith('\r\n\r\n')).toBe(true);
    // HEAD changes nothing: the unsubscribe page's GET only shows a button.
    expect((await db.selectFrom('subscribers').select('status').executeTakeFirstOrThrow()).status).toBe('active');
    expect(errors).toEqual([]);
  });

  // Issue 14: Node's defaults held a slow request for up to 300 s.
  it('drops a client that sends half a body and goes quiet, or trickles its headers, within the limits', async () => {
    const http = await start({ headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    // Generous margins: the limits are checked once a second at most, on a loaded machine.
    const halfBody = await rawExchange(
      http.url,
      (write) => write('POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=som'),
      15_000,
    );
    expect(halfBody.closedAfterMs).not.toBeNull();
    expect(halfBody.closedAfterMs!).toBeLessThan(8000);
    expect(halfBody.received).toMatch(/^HTTP\/1\.1 408 /);

    const trickle = await rawExchange(
      http.url,
      (write) => {
        write('GET /subscribe HTTP/1.1\r\nHost: x\r\n');
        // One header line every 100 ms, never the blank line that ends them.
        let n = 0;
        const timer = setInterval(() => (n < 150 ? write(`X-Slow-${n++}: y\r\n`) : clearInterval(timer)), 100);
        timer.unref();
      },
      15_000,
    );
    expect(trickle.closedAfterMs).not.toBeNull();
    expect(trickle.closedAfterMs!).toBeLessThan(8000);
    expect(trickle.received).toMatch(/^HTTP\/1\.1 408 /);
    // A client cut off is not an error of the app's.
    expect(errors).toEqual([]);
  });

  it('keeps an idle keep-alive connection for the next request, however short the request limits', async () => {
    const http = await start({ headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const { received } = await rawExchange(
      http.url,
      (write) => {
        write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        // Idle for longer than both limits, then the second request.
        setTimeout(() => write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 1500);
      },
      15_000,
    );
    expect(received.match(/HTTP\/1\.1 200 OK\r\n/g)).toHaveLength(2);
  });
});
