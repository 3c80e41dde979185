import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.ts';
import type { Db } from '../src/db/connect.ts';
import { recipientValues } from '../src/personalize/recipient-values.ts';
import { BackgroundWork } from '../src/http/background-work.ts';
import { type HttpServer, startHttpServer } from '../src/http/server.ts';
import { audienceRoutes } from '../src/http/subscription-routes.ts';
import { type PreviewServer, startPreviewServer } from '../src/preview/server.ts';
import { addSubscriber } from '../src/subscribers/subscriber-store.ts';
import { createSmtpTransport } from '../src/transport/smtp.ts';
import type { Transport } from '../src/domain.ts';
import { type Workspace, createWorkspace } from './helpers/cli.ts';
import { testConfig } from './helpers/fixtures.ts';
import { copyProject } from './helpers/project-copy.ts';
import { seedSampleArticles } from './helpers/seed.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { openTestDb } from './helpers/store.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request over a real socket, with the Host header we choose (fetch() will not send a foreign one). */
function send(
  base: string,
  path: string,
  options: { host?: string; method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (body ? 'POST' : 'GET'),
        headers: {
          host: options.host ?? url.host,
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        // An event stream never ends: its first chunk is enough.
        const done = () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (res.headers['content-type'] === 'text/event-stream') {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Writes `text` on a raw socket and never more; resolves with all the server sent and when it closed the connection. */
function rawExchange(port: number, text: string, giveUpMs: number): Promise<{ received: string; closedAfterMs: number | null }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received, closedAfterMs: null });
    }, giveUpMs);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, closedAfterMs: Date.now() - started });
    });
    socket.on('error', () => {});
    socket.write(text);
  });
}

const ANSWER_HEADERS = ['content-type', 'content-length', 'cache-control', 'x-content-type-options'];

describe('the preview server over a real socket', () => {
  let project: ReturnType<typeof copyProject>;
  let ws: Workspace;
  let sink: SmtpSink;
  let db: Db;
  let config: Config;
  let preview: PreviewServer;
  let port: number;
  // The public HTTP app, where the links of a test copy lead.
  let app: HttpServer;
  let appTransport: Transport;
  const background = new BackgroundWork(() => {});

  const statuses = async () => Object.fromEntries((await db.selectFrom('subscribers').select(['email', 'status']).execute()).map((s) => [s.email, s.status]));
  const READERS = { 'rita@example.com': 'active', 'sam@example.com': 'active', 'pat@example.com': 'pending' };
  /** A link of the public app (PUBLIC_URL), followed on the app under test. */
  const onApp = (link: string) => link.replace('https://news.example.org', app.url);

  beforeAll(async () => {
    project = copyProject();
    sink = await startSmtpSink();
    ws = createWorkspace();
    config = testConfig({ DATABASE_URL: ws.env.DATABASE_URL!, SMTP_URL: sink.url, PUBLIC_URL: 'https://news.example.org', PREVIEW_HOSTS: 'preview.lan' });
    db = await openTestDb(config.databaseUrl);
    await seedSampleArticles(db);
    await addSubscriber(db, { email: 'rita@example.com', name: 'Rita Reader' }, { confirmed: true });
    await addSubscriber(db, { email: 'sam@example.com', name: 'Sam' }, { confirmed: true });
    await addSubscriber(db, { email: 'pat@example.com', name: 'Pat' }, { confirmed: false });
    preview = await startPreviewServer({
      db,
      config,
      root: project.dir,
      port: 0,
      createTransport: () => createSmtpTransport({ url: sink.url, connections: 1 }),
    });
    port = Number(new URL(preview.url).port);
    appTransport = createSmtpTransport({ url: sink.url, connections: 1 });
    app = await startHttpServer(config, audienceRoutes({ db, config, transport: appTransport, background }), { host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await preview?.close();
    await app?.close();
    await appTransport?.close();
    await db?.destroy();
    await sink?.close();
    ws?.cleanup();
    project?.cleanup();
  });

  describe('Host allow-list (DNS rebinding)', () => {
    it('refuses every route for a foreign Host, leaking no address or signed link', async () => {
      // What a page on evil.example sends once its name points at 127.0.0.1.
      const evil = `evil.example:${port}`;
      for (const path of [
        '/',
        '/preview/weekly-digest?week=2026-W47',
        '/render/weekly-digest?week=2026-W47',
        '/render/confirm-subscription',
        '/render/welcome',
        '/events',
        '/nowhere',
      ]) {
        const answer = await send(preview.url, path, { host: evil });
        expect(answer.status, path).toBe(403);
        expect(answer.headers['content-type'], path).toBe('text/html; charset=utf-8');
        expect(answer.body, path).toContain('Host not allowed');
        expect(answer.body, path).not.toMatch(/example\.com|token=/);
      }
      for (const host of ['localhost.evil.example', `127.0.0.1.nip.io:${port}`, `evil.example@127.0.0.1:${port}`]) {
        expect((await send(preview.url, '/render/weekly-digest?week=2026-W47', { host })).status, host).toBe(403);
      }
    });

    it('sends no test copy for a foreign Host, even from a form on that host (its Origin matches its Host)', async () => {
      const before = sink.received.length;
      const evil = `evil.example:${port}`;
      const answer = await send(preview.url, '/send-test', {
        host: evil,
        headers: { origin: `http://${evil}` },
        form: { to: 'attacker@evil.example', template: 'weekly-digest', week: '2026-W47' },
      });
      expect(answer.status).toBe(403);
      expect(answer.headers.location).toBeUndefined();
      // A send would have happened before the answer; give a stray one time to arrive anyway.
      await new Promise((r) => setTimeout(r, 300));
      expect(sink.received.length).toBe(before);
    });

    it('answers the loopback names with any port, and the names in PREVIEW_HOSTS', async () => {
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost', `preview.lan:${port}`, 'PREVIEW.LAN']) {
        const answer = await send(preview.url, '/render/weekly-digest?week=2026-W47', { host });
        expect(answer.status, host).toBe(200);
        expect(answer.body, host).toContain('rita@example.com');
      }
      const events = await send(preview.url, '/events', { host: `localhost:${port}` });
      expect(events.status).toBe(200);
      expect(events.body).toBe(': connected\n\n');
    });
  });

  describe('test copies are inert', () => {
    /** Sends a test copy of `template` from the preview's form; resolves with the copy the SMTP server received, parsed. */
    const sendTestCopy = async (template: string, form: Record<string, string>) => {
      const before = sink.received.length;
      const answer = await send(preview.url, '/send-test', { headers: { origin: preview.url }, form: { template, ...form } });
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toContain(`sent=${encodeURIComponent(form.to!)}`);
      expect(sink.received.length).toBe(before + 1);
      const received = sink.received.at(-1)!;
      expect(received.envelopeTo).toEqual([form.to]);
      return { raw: received.raw.toString('latin1'), mail: await simpleParser(received.raw) };
    };
    /** Every link in a copy that leads to the public app. */
    const appLinks = (text: string) => [...new Set(text.match(/https:\/\/news\.example\.org\/(?:unsubscribe|preferences|confirm)\?token=[\w.-]+/g) ?? [])];

    it('a digest test copy: its one-click List-Unsubscribe and every link explain themselves and change no reader', async () => {
      const { raw, mail } = await sendTestCopy('weekly-digest', { to: 'editor@example.org', name: 'Eddie Editor', week: '2026-W47' });
      const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
      const oneClick = /^List-Unsubscribe: <([^>]+)>$/m.exec(headerBlock)![1]!;
      expect(headerBlock).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
      // RFC 8058: what a mailbox provider does when the editor clicks "Unsubscribe" in the inbox.
      const answer = await fetch(onApp(oneClick), { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) });
      expect(await statuses()).toEqual(READERS);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('This link is from a test copy');

      const links = appLinks(`${mail.text}\n${mail.html}`);
      expect(links.map((l) => new URL(l).pathname).sort()).toEqual(['/preferences', '/unsubscribe']);
      for (const link of links) {
        for (const method of ['GET', 'POST']) {
          const body = method === 'POST' ? new URLSearchParams({ action: 'unsubscribe', topics: 'Labor' }) : undefined;
          const page = await fetch(onApp(link), { method, body });
          expect(page.status, `${method} ${link}`).toBe(200);
          const html = await page.text();
          expect(html).toContain('This link is from a test copy');
          expect(html).toMatch(/In the email a reader receives, this link (unsubscribes them in one click|opens their topic choices)\. .*nothing was changed/);
        }
      }
      expect(await statuses()).toEqual(READERS);
      expect((await db.selectFrom('subscribers').select('topics').execute()).map((s) => s.topics)).toEqual(['[]', '[]', '[]']);

      // Addressed to and greeting the editor; no reader's address anywhere in it.
      expect(mail.to).toMatchObject({ value: [{ address: 'editor@example.org', name: 'Eddie Editor' }] });
      expect(mail.subject).toMatch(/^\[TEST\] The Harm Ledger · Week 47: /);
      expect(mail.text).toContain('Hi Eddie Editor,');
      for (const reader of Object.keys(READERS)) expect(raw).not.toContain(reader);
    });

    it('is the sender’s message, byte for byte in its HTML, with only the per-recipient values the editor’s', async () => {
      const { mail } = await sendTestCopy('weekly-digest', { to: 'editor@example.org', week: '2026-W47' });
      const sample = (await send(preview.url, '/render/weekly-digest?week=2026-W47')).body;
      const rita = await db.selectFrom('subscribers').select(['id', 'email', 'name']).where('email', '=', 'rita@example.com').executeTakeFirstOrThrow();
      const ritas = recipientValues(config, rita);
      const editors = {
        greeting: 'Hello,',
        email: 'editor@example.org',
        unsubscribeUrl: appLinks(mail.html as string).find((l) => l.includes('/unsubscribe'))!,
        preferencesUrl: appLinks(mail.html as string).find((l) => l.includes('/preferences'))!,
      };
      let expected = sample;
      for (const slot of ['greeting', 'email', 'unsubscribeUrl', 'preferencesUrl'] as const) expected = expected.replaceAll(ritas[slot], editors[slot]);
      expect(mail.html).toBe(expected);
      // No name given: a neutral greeting, and the address alone in To.
      expect(mail.text).toMatch(/^Hello,$/m);
      expect(mail.to).toMatchObject({ value: [{ address: 'editor@example.org', name: '' }] });
    });

    it('a week without articles: the PreviewProps digest, still greeting the editor, with inert links', async () => {
      const { raw, mail } = await sendTestCopy('weekly-digest', { to: 'editor@example.org', name: 'Eddie', week: '2026-W10' });
      expect(mail.subject).toMatch(/^\[TEST\] /);
      expect(mail.text).toContain('Hi Eddie,');
      const links = appLinks(`${mail.text}\n${mail.html}`);
      expect(links.map((l) => new URL(l).pathname).sort()).toEqual(['/preferences', '/unsubscribe']);
      for (const link of links)
        expect(await (await fetch(onApp(link), { method: 'POST', body: new URLSearchParams({ action: 'unsubscribe' }) })).text()).toContain('from a test copy');
      expect(raw).not.toContain('ada@example.com');
    });

    it('a confirmation test copy: its confirm link confirms nobody', async () => {
      const { raw, mail } = await sendTestCopy('confirm-subscription', { to: 'editor@example.org' });
      expect(mail.subject).toMatch(/^\[TEST\] Confirm your subscription/);
      const links = appLinks(`${mail.text}\n${mail.html}`);
      expect(links.map((l) => new URL(l).pathname)).toEqual(['/confirm']);
      for (const method of ['GET', 'POST']) {
        const page = await fetch(onApp(links[0]!), { method });
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('In the email a reader receives, this link confirms their subscription.');
      }
      expect(await statuses()).toEqual(READERS);
      expect(mail.text).toContain('editor@example.org');
      for (const reader of Object.keys(READERS)) expect(raw).not.toContain(reader);
    });

    it('a welcome test copy: greets the editor, and its links change no reader', async () => {
      const { raw, mail } = await sendTestCopy('welcome', { to: 'editor@example.org', name: 'Eddie' });
      expect(mail.subject).toMatch(/^\[TEST\] Welcome/);
      expect(mail.text).toContain('Hi Eddie,');
      const links = appLinks(`${mail.text}\n${mail.html}`);
      expect(links.map((l) => new URL(l).pathname).sort()).toEqual(['/preferences', '/unsubscribe']);
      for (const link of links)
        expect(await (await fetch(onApp(link), { method: 'POST', body: new URLSearchParams({ action: 'unsubscribe' }) })).text()).toContain('from a test copy');
      expect(await statuses()).toEqual(READERS);
      for (const reader of Object.keys(READERS)) expect(raw).not.toContain(reader);
    });
  });

  describe('a bad week, and other errors the preview echoes', () => {
    it('answers a week that is not one with a 400 page that escapes it and names the form that works', async () => {
      for (const week of ['<script>alert(1)</script>', '2026-W99']) {
        for (const section of ['preview', 'render']) {
          const answer = await send(preview.url, `/${section}/weekly-digest?week=${encodeURIComponent(week)}`);
          expect(answer.status, `${section} ${week}`).toBe(400);
          expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
          expect(answer.body).toContain('2026-W48');
          expect(answer.body).not.toContain('<script>alert');
        }
      }
      const script = await send(preview.url, '/preview/weekly-digest?week=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
      expect(script.body).toContain('invalid week &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
      expect((await send(preview.url, '/preview/weekly-digest?week=2026-W99')).body).toContain('2026 has 53 ISO weeks');
      // The test-send form too, and nothing is sent.
      const before = sink.received.length;
      const form = await send(preview.url, '/send-test', { form: { to: 'editor@example.org', template: 'weekly-digest', week: '<b>W1</b>' } });
      expect(form.status).toBe(400);
      expect(form.body).toContain('&lt;b&gt;W1&lt;/b&gt;');
      expect(sink.received.length).toBe(before);
    });

    it('escapes an unknown template’s name', async () => {
      // A URL's path can hold these as they are (< and > it percent-encodes).
      const answer = await send(preview.url, `/render/x'&y`);
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.body).toContain('There is no template called x&#39;&amp;y.');
    });

    it('shows a template’s failure in the iframe as escaped HTML', async () => {
      const header = join(project.dir, 'emails/components/header.tsx');
      const original = readFileSync(header, 'utf8');
      writeFileSync(header, `throw new Error('<img src=x onerror=alert(1)>');\n${original}`);
      try {
        await expect.poll(async () => (await send(preview.url, '/render/weekly-digest?week=2026-W47')).status, { timeout: 10_000 }).toBe(500);
        const answer = await send(preview.url, '/render/weekly-digest?week=2026-W47');
        expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(answer.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
        expect(answer.body).not.toContain('<img');
      } finally {
        writeFileSync(header, original);
      }
      await expect.poll(async () => (await send(preview.url, '/render/weekly-digest?week=2026-W47')).status, { timeout: 10_000 }).toBe(200);
    });
  });

  describe('HEAD', () => {
    it('answers HEAD on every GET route with GET’s status and headers, and no body', async () => {
      for (const path of [
        '/',
        '/preview/weekly-digest?week=2026-W47',
        '/render/weekly-digest?week=2026-W47',
        '/preview/welcome',
        '/render/confirm-subscription',
        '/events',
        '/nowhere',
      ]) {
        const get = await send(preview.url, path);
        const head = await rawExchange(port, `HEAD ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 10_000);
        expect(head.closedAfterMs, path).not.toBeNull();
        const [headerBlock, body] = head.received.split('\r\n\r\n');
        expect(body, path).toBe('');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headerBlock!)![1]);
        expect(status, path).toBe(get.status);
        const headers = Object.fromEntries(
          headerBlock!
            .split('\r\n')
            .slice(1)
            .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
        );
        for (const name of ANSWER_HEADERS) expect(headers[name], `${path} ${name}`).toBe(get.headers[name]);
        if (path !== '/events') expect(Number(headers['content-length']), path).toBe(Buffer.byteLength(get.body));
      }
    });
  });

  describe('slow clients', () => {
    let quick: PreviewServer;
    let quickPort: number;
    beforeAll(async () => {
      quick = await startPreviewServer({
        db,
        config,
        root: project.dir,
        port: 0,
        createTransport: () => createSmtpTransport({ url: sink.url, connections: 1 }),
        timeouts: { headersMs: 500, requestMs: 1000 },
      });
      quickPort = Number(new URL(quick.url).port);
    });
    afterAll(() => quick?.close());

    it('drops a client that sends half a body and then nothing, within the limit; nothing is sent', async () => {
      const before = sink.received.length;
      const start = `POST /send-test HTTP/1.1\r\nHost: 127.0.0.1:${quickPort}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\nto=editor%40example.org&template=weekly-digest`;
      const { received, closedAfterMs } = await rawExchange(quickPort, start, 10_000);
      // Node's default would hold it for 300 s.
      expect(closedAfterMs).not.toBeNull();
      expect(closedAfterMs!).toBeLessThan(5_000);
      expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
      expect(sink.received.length).toBe(before);
    });

    it('drops a client that never finishes its headers', async () => {
      const { closedAfterMs } = await rawExchange(quickPort, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${quickPort}\r\nX-Slow: `, 10_000);
      expect(closedAfterMs).not.toBeNull();
      expect(closedAfterMs!).toBeLessThan(5_000);
    });

    it('refuses a form larger than any of ours with 413', async () => {
      const answer = await send(quick.url, '/send-test', { form: { to: 'editor@example.org', padding: 'x'.repeat(20_000) } });
      expect(answer.status).toBe(413);
    });

    it('keeps the reload stream open well past the request limit, and it still delivers a reload', async () => {
      const events: string[] = [];
      const req = request(`${quick.url}/events`);
      const opened = new Promise<void>((resolve, reject) => {
        req.on('response', (res) => {
          res.on('data', (chunk: Buffer) => events.push(chunk.toString('utf8')));
          resolve();
        });
        req.on('error', reject);
      });
      req.end();
      await opened;
      try {
        // Three times the request limit, and a few of Node's checks.
        await new Promise((r) => setTimeout(r, 3_000));
        expect(req.socket?.destroyed).toBe(false);
        const digest = join(project.dir, 'emails/weekly-digest.tsx');
        writeFileSync(digest, readFileSync(digest, 'utf8'));
        await expect.poll(() => events.join(''), { timeout: 10_000 }).toContain('event: reload');
      } finally {
        req.destroy();
      }
    });
  });
});
