import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekOf } from '../src/week.ts';
import type { Config } from '../src/config/config.ts';
import type { Db } from '../src/db/connect.ts';
import { buildDigest } from '../src/digests/build-digest.ts';
import { measureSampleCopy } from '../src/personalize/sample-copy.ts';
import { importArticles } from '../src/articles/import-json.ts';
import { sendDigest } from '../src/delivery/send-digest.ts';
import { type HttpServer, startHttpServer } from '../src/http/server.ts';
import { BackgroundWork } from '../src/http/background-work.ts';
import { audienceRoutes } from '../src/http/subscription-routes.ts';
import { signToken } from '../src/personalize/tokens.ts';
import { createSmtpTransport } from '../src/transport/smtp.ts';
import type { Transport } from '../src/domain.ts';
import { type AudienceApp, startAudienceApp } from './helpers/audience-app.ts';
import { type Workspace, createWorkspace, runCli } from './helpers/cli.ts';
import { testConfig } from './helpers/fixtures.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { openTestDb } from './helpers/store.ts';

describe('the audience endpoints over a real socket', () => {
  let app: AudienceApp;
  let sink: SmtpSink;
  let ws: Workspace;
  let db: Db;
  let config: Config;
  let transport: Transport;
  let http: HttpServer;
  let background: BackgroundWork;
  let errors: string[];

  /** Posts a form; once answered, lets the confirmation email it started reach the sink. */
  const post = async (path: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const value of [v].flat()) body.append(k, value);
    const response = await fetch(`${http.url}${path}`, { method: 'POST', body, headers, redirect: 'manual' });
    await background.settled();
    return response;
  };
  const subscriber = (email: string) => db.selectFrom('subscribers').selectAll().where('email_key', '=', email.toLowerCase()).executeTakeFirst();
  const mailTo = async (email: string) => (await sink.parsed()).filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === email);

  beforeAll(async () => {
    app = await startAudienceApp({ PUBLICATION_TOPIC: 'floods & drought' });
    ({ sink, ws, db, config, transport, http, background, errors } = app);
  });

  afterAll(() => app?.close());

  it('subscribe → confirmation email → confirm link → active, with a welcome email; a replayed link changes nothing', async () => {
    const form = await fetch(`${http.url}/subscribe`);
    expect(await form.text()).toContain('<label for="email">Email address</label>');
    const response = await post('/subscribe', { email: 'Ada@Example.org', name: 'Ada', topics: ['Labor', 'Privacy'] });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Check your inbox');
    expect(await subscriber('ada@example.org')).toMatchObject({ status: 'pending', topics: '["Labor","Privacy"]', email: 'Ada@example.org' });

    const [confirmation] = await mailTo('Ada@example.org');
    expect(confirmation?.subject).toBe('Confirm your subscription to The Harm Ledger');
    expect(confirmation!.text).toContain('The link works for 7 days.');
    const link = /https:\/\/news\.example\.org\/confirm\?token=[\w.-]+/.exec(confirmation!.text!)![0];
    const local = link.replace('https://news.example.org', http.url);
    // Opening the link (as a mail scanner does too) only shows the button.
    const opened = await fetch(local);
    expect(opened.status).toBe(200);
    const confirmPage = await opened.text();
    expect(confirmPage).toMatch(/<form method="post" action="\/confirm\?token=[\w.-]+"><input type="hidden" name="choices" value="1">/);
    expect(confirmPage).toContain('<button type="submit">Confirm my subscription</button></form>');
    expect(await subscriber('ada@example.org')).toMatchObject({ status: 'pending' });
    const confirmed = await fetch(local, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("You're subscribed");
    expect(await subscriber('ada@example.org')).toMatchObject({ status: 'active' });
    expect((await mailTo('Ada@example.org')).map((m) => m.subject)).toEqual(['Confirm your subscription to The Harm Ledger', 'Welcome to The Harm Ledger']);

    for (const method of ['POST', 'GET']) expect(await (await fetch(local, { method })).text()).toContain('Already confirmed');
    expect(await mailTo('Ada@example.org')).toHaveLength(2);
  });

  it('lets a confirmation link work for 7 days; an older one signs nobody up and offers a new one', async () => {
    await post('/subscribe', { email: 'late@example.org' });
    const late = (await subscriber('late@example.org'))!;
    const link = (daysAgo: number | null) =>
      `${http.url}/confirm?token=${signToken(config.appSecret, 'confirm', late.id, daysAgo === null ? undefined : new Date(Date.now() - daysAgo * 86_400_000))}`;
    // null: a link sent before links carried their date.
    for (const [old, method] of [
      [8, 'GET'],
      [8, 'POST'],
      [null, 'POST'],
    ] as const) {
      const response = await fetch(link(old), { method });
      expect(response.status).toBe(410);
      const body = await response.text();
      expect(body).toContain('This link has expired');
      expect(body).toContain('<a href="/subscribe">Subscribe again</a>');
    }
    expect((await subscriber('late@example.org'))!.status).toBe('pending');
    expect(await (await fetch(link(6), { method: 'POST' })).text()).toContain("You're subscribed");
    // Once the address is on the list, an old link just says so.
    expect(await (await fetch(link(30))).text()).toContain('Already confirmed');
  });

  it('answers the same whether or not the address is subscribed (no list enumeration)', async () => {
    const known = await (await post('/subscribe', { email: 'ada@example.org' })).text();
    const unknown = await (await post('/subscribe', { email: 'zed@example.org' })).text();
    expect(known.replace('ada@example.org', 'X')).toBe(unknown.replace('zed@example.org', 'X'));
    // The active subscriber gets no new email; the new address gets its confirmation.
    expect(await mailTo('Ada@example.org')).toHaveLength(2);
    expect(await mailTo('zed@example.org')).toHaveLength(1);
  });

  it('rejects a bad address with a 400 page and limits each client', async () => {
    const bad = await post('/subscribe', { email: 'not-an-email' });
    expect(bad.status).toBe(400);
    const form = await bad.text();
    expect(form).toContain('does not look like an email address');
    // The form says when the digest comes, from DIGEST_CRON (default Mondays 08:00) and DIGEST_TZ.
    expect(form).toContain('Every Monday at 08:00 (UTC), the week');
    // What the publication covers comes from PUBLICATION_TOPIC, escaped.
    expect(form).toContain("the week's stories on floods &amp; drought, with why");
    // Five requests in ten minutes per client address. A client of its own (behind the proxy on this
    // host, so counted by X-Forwarded-For), so what earlier tests sent does not count.
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await post('/subscribe', { email: `flood${i}@example.org` }, { 'x-forwarded-for': '198.51.100.9' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    // Behind a reverse proxy on this host, each reader is counted by X-Forwarded-For.
    const proxied = await post('/subscribe', { email: 'via-proxy@example.org' }, { 'x-forwarded-for': '203.0.113.7, 127.0.0.1' });
    expect(proxied.status).toBe(200);
  });

  it('unsubscribes in one click (RFC 8058): POST, 200, no redirect, no cookie; GET changes nothing', async () => {
    const ada = (await subscriber('ada@example.org'))!;
    const token = signToken(config.appSecret, 'unsubscribe', ada.id);
    const page = await fetch(`${http.url}/unsubscribe?token=${token}`);
    expect(await page.text()).toContain('<button type="submit">Unsubscribe</button>');
    expect((await subscriber('ada@example.org'))!.status).toBe('active');

    const oneClick = await post(`/unsubscribe?token=${token}`, { 'List-Unsubscribe': 'One-Click' }, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers.get('location')).toBeNull();
    expect(oneClick.headers.get('set-cookie')).toBeNull();
    expect((await subscriber('ada@example.org'))!.status).toBe('unsubscribed');
    // The answer, and the link followed again later: both say so and offer the way back.
    const again = await (await fetch(`${http.url}/unsubscribe?token=${token}`)).text();
    for (const body of [await oneClick.text(), again]) {
      expect(body).toContain('Ada@example.org gets no more digests. Changed your mind? <a href="/subscribe">Subscribe again</a>.');
    }
  });

  it('accepts the one-click body as multipart/form-data too', async () => {
    await runCli(['subscribers', 'add', 'multi@example.org', '--confirmed'], ws.env);
    const multi = (await subscriber('multi@example.org'))!;
    const body = new FormData();
    body.append('List-Unsubscribe', 'One-Click');
    const response = await fetch(`${http.url}/unsubscribe?token=${signToken(config.appSecret, 'unsubscribe', multi.id)}`, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect((await subscriber('multi@example.org'))!.status).toBe('unsubscribed');
  });

  it('answers a forged, tampered or misused token with a 400 page and changes nothing', async () => {
    await runCli(['subscribers', 'add', 'bob@example.org', '--confirmed'], ws.env);
    const bob = (await subscriber('bob@example.org'))!;
    const good = signToken(config.appSecret, 'unsubscribe', bob.id);
    const tampered = `${Buffer.from(`unsubscribe.${bob.id + 1}`).toString('base64url')}.${good.split('.')[1]}`;
    const forged = signToken('another-secret-0123456789', 'unsubscribe', bob.id);
    const wrongPurpose = signToken(config.appSecret, 'preferences', bob.id);
    for (const token of [tampered, forged, wrongPurpose, 'garbage', '']) {
      const response = await post(`/unsubscribe?token=${encodeURIComponent(token)}`, { 'List-Unsubscribe': 'One-Click' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('This link is not valid');
    }
    expect((await fetch(`${http.url}/confirm?token=${good}`)).status).toBe(400);
    expect((await subscriber('bob@example.org'))!.status).toBe('active');
  });

  it('lets a reader choose topics, and the next digest honours them', async () => {
    await runCli(['subscribers', 'add', 'labor@example.org', '--confirmed'], ws.env);
    await runCli(['subscribers', 'add', 'nothing@example.org', '--confirmed'], ws.env);
    const laborReader = (await subscriber('labor@example.org'))!;
    const nothingReader = (await subscriber('nothing@example.org'))!;
    const prefs = (id: number) => `/preferences?token=${signToken(config.appSecret, 'preferences', id)}`;
    const form = await (await fetch(`${http.url}${prefs(laborReader.id)}`)).text();
    expect(form).toContain('value="Labor"');
    const saved = await post(prefs(laborReader.id), { action: 'save', topics: ['Labor'] });
    expect(await saved.text()).toContain('Saved: Labor.');
    // A category the publication covers, but with no story in 2026-W47.
    await importArticles(db, [
      {
        url: 'https://harmledger.example/2026/10/01/elections',
        title: 'An older story about elections',
        category: 'Elections',
        publishedAt: '2026-10-01T10:00:00Z',
        summary: 'Older.',
        source: { title: 'Report', name: 'Outlet', url: 'https://news.example.org/elections' },
      },
    ]);
    expect(await (await post(prefs(nothingReader.id), { action: 'save', topics: ['Elections'] })).text()).toContain('Saved: Elections.');
    const week = weekOf('2026-W47', 'UTC');
    const built = await buildDigest(db, config, week, measureSampleCopy);
    if (built.outcome === 'empty') throw new Error('empty week');

    const before = sink.received.length;
    await sendDigest({ db, config, transport }, built.digest, week);
    const digests = (await sink.parsed()).slice(before);
    const laborCopy = digests.find((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === 'labor@example.org')!;
    const laborTitles = built.content.articles.filter((a) => a.category === 'Labor').map((a) => a.title);
    const otherTitles = built.content.articles.filter((a) => a.category !== 'Labor').map((a) => a.title);
    expect(laborTitles.length).toBeGreaterThan(0);
    for (const title of laborTitles) expect(laborCopy.text).toContain(title.slice(0, 30));
    for (const title of otherTitles) expect(laborCopy.text).not.toContain(title.slice(0, 40));
    expect(laborCopy.subject).toBe(`The Harm Ledger · Week 47: ${laborTitles[0]}`);
    // Bob (no topics) gets everything.
    const bobCopy = digests.find((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === 'bob@example.org')!;
    for (const title of [...laborTitles, ...otherTitles]) expect(bobCopy.text).toContain(title.slice(0, 30));
    // Nothing this week in the chosen topic: no email, a skipped delivery with the reason.
    expect(digests.some((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === 'nothing@example.org')).toBe(false);
    const skipped = await db.selectFrom('deliveries').select(['status', 'last_error']).where('subscriber_id', '=', nothingReader.id).executeTakeFirstOrThrow();
    expect(skipped).toEqual({ status: 'skipped', last_error: 'no stories this week in the topics they chose' });
    // Unsubscribed readers were left out altogether.
    expect(digests.some((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === 'Ada@example.org')).toBe(false);
  });

  it('imports a CSV with good and bad rows, keeping every good one', async () => {
    const file = join(ws.dir, 'people.csv');
    writeFileSync(
      file,
      [
        'email,name,topics',
        'new1@example.org,New One,Privacy;Labor',
        'not-an-email,Bad,',
        'NEW1@example.org,Repeat,',
        'ada@example.org,Ada Again,',
        '"Okafor, Chidi" <x',
        'new2@example.org,"Okafor, Chidi",',
        ',No Address,',
      ].join('\n'),
    );
    const result = await runCli(['subscribers', 'import', file, '--confirmed'], ws.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 3: invalid email address "not-an-email"');
    expect(result.stderr).toContain('line 4: skipped: NEW1@example.org appears earlier in the file');
    expect(result.stderr).toMatch(/line 5: skipped: Ada@example\.org is unsubscribed since \S+; an import does not re-subscribe them/);
    expect(result.stderr).toContain('line 8: no email address');
    expect(result.stderr).toMatch(/line 6: .*[Qq]uote/);
    expect(result.stdout).toContain('subscribers: 2 created, 0 updated, 2 skipped, 3 rejected');
    expect(await subscriber('new1@example.org')).toMatchObject({ status: 'active', name: 'New One', topics: '["Privacy","Labor"]' });
    expect(await subscriber('new2@example.org')).toMatchObject({ name: 'Okafor, Chidi' });
    expect((await subscriber('ada@example.org'))!.status).toBe('unsubscribed');
    expect(errors).toEqual([]);
  });
});

describe('subscribing, timed by someone who wants to know who subscribes', () => {
  it('answers before the confirmation email is sent, so a new address takes no longer than one on the list', async () => {
    // The server takes 800 ms to accept a message: an answer that waited for it would come after.
    const sink = await startSmtpSink({ delayMs: 800 });
    const ws = createWorkspace();
    const config = testConfig({ DATABASE_URL: ws.env.DATABASE_URL!, SMTP_URL: sink.url });
    const db = await openTestDb(config.databaseUrl);
    const transport = createSmtpTransport({ url: sink.url, connections: 1 });
    const errors: string[] = [];
    const background = new BackgroundWork((e) => errors.push(String(e)));
    const http = await startHttpServer(config, audienceRoutes({ db, config, transport, background }), { host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`${http.url}/subscribe`, { method: 'POST', body: new URLSearchParams({ email: 'new@example.org' }) });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Check your inbox');
      // Answered; the message is still on its way.
      expect(sink.received).toHaveLength(0);
      await background.settled();
      expect(sink.received.map((m) => m.envelopeTo)).toEqual([['new@example.org']]);
      expect(errors).toEqual([]);
    } finally {
      await http.close();
      await transport.close();
      await db.destroy();
      await sink.close();
      ws.cleanup();
    }
  });

  it('reports a confirmation email that could not be sent, without showing it to the reader', async () => {
    const ws = createWorkspace();
    const config = testConfig({ DATABASE_URL: ws.env.DATABASE_URL!, SMTP_URL: 'smtp://127.0.0.1:1' });
    const db = await openTestDb(config.databaseUrl);
    const transport = createSmtpTransport({ url: config.smtpUrl!, connections: 1 });
    const errors: string[] = [];
    const background = new BackgroundWork((error, context) => errors.push(`${context}: ${String(error)}`));
    const http = await startHttpServer(config, audienceRoutes({ db, config, transport, background }), { host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`${http.url}/subscribe`, { method: 'POST', body: new URLSearchParams({ email: 'new@example.org' }) });
      expect(response.status).toBe(200);
      await background.settled();
      expect(errors).toEqual([expect.stringMatching(/^confirmation email: .*ECONNREFUSED/)]);
    } finally {
      await http.close();
      await transport.close();
      await db.destroy();
      ws.cleanup();
    }
  });
});
