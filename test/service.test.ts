import { afterAll, describe, expect, it } from 'vitest';
import { lastCompletedWeek } from '../src/week.ts';
import { addSource, listSources } from '../src/articles/source-store.ts';
import type { Db } from '../src/db/connect.ts';
import { type ServeProcess, waitFor } from './helpers/serve.ts';
import { serviceWeek } from './helpers/service-week.ts';
import type { SinkOptions, SmtpSink } from './helpers/smtp-sink.ts';
import { type FeedServer, startFeedServer } from './helpers/feed-server.ts';
import { hideStore } from './helpers/store.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/** The sample articles moved so their newest week is the last completed one: what a run today sends. */
async function setUp(subscribers: number, sinkOptions: SinkOptions = {}, env: Record<string, string> = {}) {
  const week = await serviceWeek(subscribers, sinkOptions, env);
  cleanups.push(week.cleanup);
  return week;
}

const uniqueRecipients = (sink: SmtpSink) => new Set(sink.received.map((m) => m.envelopeTo[0])).size;

/** Waits for `n` messages, then 3 s more for any duplicate, and checks that each of the `n` readers got exactly one and has one `sent` row. */
async function expectEachSentOnce(sink: SmtpSink, db: Db, n: number, timeoutMs: number): Promise<void> {
  await waitFor(() => sink.received.length >= n, timeoutMs, `${n} messages`);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect(sink.received).toHaveLength(n);
  expect(uniqueRecipients(sink)).toBe(n);
  const sent = await db.selectFrom('deliveries').select('id').where('status', '=', 'sent').execute();
  expect(sent).toHaveLength(n);
}

describe('digest serve', () => {
  it('sends the week once on a per-second schedule, and reports it on /healthz, /metrics and the archive', async () => {
    const { sink, db, serve, week } = await setUp(5);
    const service = await serve({ DIGEST_CRON: '* * * * * *', CATCHUP_WINDOW: '1s' });
    await waitFor(() => sink.received.length >= 5, 30_000, 'five messages');
    // Several more ticks: nothing more is sent.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(sink.received).toHaveLength(5);
    expect(uniqueRecipients(sink)).toBe(5);
    expect((await db.selectFrom('digests').select('status').where('week', '=', week).executeTakeFirstOrThrow()).status).toBe('sent');

    const health = (await (await fetch(`${service.url}/healthz`)).json()) as {
      status: string;
      lastRun: { week: string; result: string };
      nextRun: string;
      deliveriesPending: number;
    };
    expect(health).toMatchObject({ status: 'ok', lastRun: { week, result: 'sent' }, deliveriesPending: 0 });
    expect(Date.parse(health.nextRun)).toBeGreaterThan(Date.now() - 1000);

    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain(`digest_deliveries{week="${week}",status="sent"} 5`);
    expect(metrics).toContain('digest_subscribers{status="active"} 5');
    expect(metrics).toMatch(/digest_last_success_timestamp_seconds \d{10}/);

    const archive = await (await fetch(`${service.url}/archive`)).text();
    expect(archive).toContain(`href="/archive/${week}"`);
    const edition = await (await fetch(`${service.url}/archive/${week}`)).text();
    expect(edition).toContain('This is the web edition of the weekly digest');
    expect(edition).not.toMatch(/reader-\d@example\.com|token=|Hi |Unsubscribe</);
    const feed = await (await fetch(`${service.url}/archive/feed.xml`)).text();
    expect(feed).toContain(`<link href="https://harmledger.example/archive/${week}"/>`);
    // The emails' "view in browser" link points at this page.
    expect(sink.received[0]!.raw.toString('latin1').replace(/=\r\n/g, '')).toContain(`https://harmledger.example/archive/${week}`);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.output.some((l) => l.includes('"msg":"run start"'))).toBe(true);
    expect(service.output.some((l) => l.includes('"msg":"send summary"'))).toBe(true);
  });

  it('never sends a digest twice with two services on one database', async () => {
    const { sink, db, serve } = await setUp(300);
    const [a, b] = await Promise.all([serve({ DIGEST_CRON: '* * * * * *' }), serve({ DIGEST_CRON: '* * * * * *' })]);
    await expectEachSentOnce(sink, db, 300, 60_000);
    // They did compete: one found the lease taken.
    expect([...a.output, ...b.output].some((l) => l.includes('another sender holds the lease'))).toBe(true);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  });

  it('with --worker, two services share one send: each sends a part, nobody twice', { timeout: 120_000 }, async () => {
    // At 100/s the send lasts 10 s, long enough for the slower of the two to start and join.
    const { sink, db, serve } = await setUp(1000, {}, { SEND_BATCH_SIZE: '50', SEND_RATE: '100' });
    const cron = { DIGEST_CRON: '* * * * * *' };
    const [a, b] = await Promise.all([serve(cron, ['--worker']), serve(cron, ['--worker'])]);
    await expectEachSentOnce(sink, db, 1000, 90_000);
    // Both sent a share (the send summary each logs), and neither was turned away by the lease.
    const shares = [a, b].map((p) => p.output.filter((l) => l.includes('send summary')).reduce((n, l) => n + (JSON.parse(l) as { sent: number }).sent, 0));
    expect(shares.every((n) => n > 0)).toBe(true);
    expect(shares[0]! + shares[1]!).toBe(1000);
    expect([...a.output, ...b.output].some((l) => l.includes('another sender holds the lease'))).toBe(false);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  });

  it('on SIGTERM mid-send finishes what is in flight, leaves nothing in sending, and the next start finishes the job', async () => {
    let service: ServeProcess | null = null;
    let signalled = false;
    const { sink, db, serve } = await setUp(
      200,
      {
        delayMs: 20,
        onAccepted: (n) => {
          if (n < 40 || signalled || !service) return;
          signalled = true;
          service.child.kill('SIGTERM');
        },
      },
      // The last run was missed: catch-up sends at start.
      { DIGEST_CRON: '0 8 * * 1', CATCHUP_WINDOW: '30d' },
    );
    service = await serve();
    expect(await service.exited).toBe(0);
    const rows = await db.selectFrom('deliveries').select('status').execute();
    expect(rows.filter((r) => r.status === 'sending')).toEqual([]);
    const sentBefore = rows.filter((r) => r.status === 'sent').length;
    expect(sentBefore).toBe(sink.received.length);
    expect(sentBefore).toBeLessThan(200);
    expect(await db.selectFrom('leases').selectAll().execute()).toEqual([]);

    const again = await serve();
    await waitFor(() => sink.received.length >= 200, 60_000, '200 messages');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sink.received).toHaveLength(200);
    expect(uniqueRecipients(sink)).toBe(200);
    expect(again.output.some((l) => l.includes('resume an interrupted send'))).toBe(true);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('answers 503 on /healthz while the store is out of reach', async () => {
    const { ws, serve } = await setUp(1, {}, { DIGEST_CRON: '0 8 * * 1', CATCHUP_WINDOW: '1s' });
    const service = await serve();
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const restore = await hideStore(ws.env.DATABASE_URL!);
    const down = await fetch(`${service.url}/healthz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { status: string }).status).toBe('unavailable');
    await restore();
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('stops a send on a wrong SMTP password, says so in its log and on /healthz, and bounces nobody', { timeout: 60_000 }, async () => {
    const { sink, db, serve, week } = await setUp(4, { auth: { user: 'digest', pass: 'right' } });
    const service = await serve({ SMTP_URL: `smtp://digest:wrong@127.0.0.1:${sink.port}`, DIGEST_CRON: '0 8 * * 1', CATCHUP_WINDOW: '30d' });
    await waitFor(() => service.output.some((l) => l.includes('send halted')), 30_000, 'the halted send');
    const health = (await (await fetch(`${service.url}/healthz`)).json()) as { lastRun: { week: string; result: string } };
    expect(health.lastRun).toMatchObject({ week, result: expect.stringMatching(/^halted: SMTP authentication failed: 535 /) });
    expect(service.output.find((l) => l.includes('send halted'))).toContain('"level":50');
    expect(sink.received).toHaveLength(0);
    expect(await db.selectFrom('subscribers').select(['status', 'bounce_count']).distinct().execute()).toEqual([{ status: 'active', bounce_count: 0 }]);
  });

  it('never writes a secret to its logs', async () => {
    const secret = 'app-secret-never-to-be-logged-42';
    const password = 'smtp-password-never-logged';
    // An SMTP server that is down: the catch-up send and the subscribe form both fail and log errors.
    const { serve } = await setUp(2, {}, { APP_SECRET: secret, DIGEST_CRON: '0 8 * * 1', CATCHUP_WINDOW: '30d', LOG_LEVEL: 'debug' });
    const service = await serve({ SMTP_URL: `smtp://digest:${password}@127.0.0.1:9` });
    await fetch(`${service.url}/subscribe`, { method: 'POST', body: new URLSearchParams({ email: 'new@example.org' }) });
    await waitFor(() => service.output.some((l) => l.includes('confirmation email')), 20_000, 'the logged email failure');
    service.child.kill('SIGTERM');
    await service.exited;
    const log = service.output.join('\n');
    expect(log).toContain('"level":50');
    expect(log).not.toContain(secret);
    expect(log).not.toContain(password);
  });
});

describe('digest serve and the sources', () => {
  /** A feed server on loopback, closed when the file's tests end. */
  async function feedServer(...items: Parameters<typeof startFeedServer>): Promise<FeedServer> {
    const feed = await startFeedServer(...items);
    cleanups.push(() => feed.close());
    return feed;
  }

  it('fetches the sources before the weekly build: a feed item of last week is in the digest, a failing source stops nothing', async () => {
    const { sink, db, serve, week } = await setUp(2);
    const lastWeek = lastCompletedWeek(new Date(), 'UTC');
    const feed = await feedServer([
      {
        title: 'Fetched just before the build',
        link: 'https://wire.example.org/fetched-before-the-build',
        publishedAt: lastWeek.start.plus({ days: 2 }).toJSDate(),
        description: 'Only the feed has this story.',
      },
    ]);
    await addSource(db, { url: `${feed.base}/gone.xml`, name: 'Gone Wire' });
    await addSource(db, { url: `${feed.base}/feed.xml`, name: 'Test Wire', category: 'Labor' });
    const service = await serve({ DIGEST_CRON: '* * * * * *', CATCHUP_WINDOW: '1s' });
    await waitFor(() => sink.received.length >= 2, 30_000, 'two messages');

    const article = await db
      .selectFrom('articles')
      .select('id')
      .where('url', '=', 'https://wire.example.org/fetched-before-the-build')
      .executeTakeFirstOrThrow();
    const digest = await db.selectFrom('digests').select(['article_ids', 'built_at']).where('week', '=', week).executeTakeFirstOrThrow();
    expect(JSON.parse(digest.article_ids)).toContain(article.id);
    expect(sink.received[0]!.raw.toString('latin1').replace(/=\r\n/g, '')).toContain('Fetched just before the build');
    const [gone, wire] = await listSources(db);
    expect(wire).toMatchObject({ last_status: 'ok', error_count: 0 });
    expect(wire!.last_fetched_at! <= digest.built_at).toBe(true);
    expect(gone).toMatchObject({ last_status: 'error', error_count: 1, last_error: `cannot fetch ${feed.base}/gone.xml: 404 Not Found` });
    expect(service.output.some((l) => l.includes('"msg":"source failed"') && l.includes('Gone Wire'))).toBe(true);
    expect(service.output.some((l) => l.includes('"msg":"sources fetched"') && l.includes('"why":"before the weekly build"'))).toBe(true);
    const health = (await (await fetch(`${service.url}/healthz`)).json()) as { sourcesFailing: number };
    expect(health.sourcesFailing).toBe(1);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('fetches them at FETCH_CRON too, one fetch at a time even when a fetch outlasts the interval', { timeout: 60_000 }, async () => {
    // No weekly run: the last one is past the catch-up window, the next far away.
    const { sink, db, serve } = await setUp(1, {}, { DIGEST_CRON: '0 8 * * 1', CATCHUP_WINDOW: '1s' });
    const feed = await feedServer();
    // Each answer takes 2.5 s; FETCH_CRON ticks every second.
    feed.state.delayMs = 2500;
    await addSource(db, { url: `${feed.base}/feed.xml` });
    const service = await serve({ FETCH_CRON: '* * * * * *' });
    await waitFor(() => feed.requests.length >= 3, 30_000, 'three fetches');

    expect(feed.maxConcurrent).toBe(1);
    const starts = feed.requests.map((r) => r.startedAt);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(2400);
    expect(feed.requests.slice(1).every((r) => r.ifNoneMatch === '"v1"')).toBe(true);
    await waitFor(() => service.output.some((l) => l.includes('"msg":"source not modified"')), 10_000, 'a 304 logged');
    expect(service.output.some((l) => l.includes('"why":"FETCH_CRON"'))).toBe(true);
    expect(sink.received).toHaveLength(0);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });
});

describe('the sender lease and a manual send', () => {
  it('refuses a manual send while another live sender holds the lease, and takes over once it has expired', async () => {
    const { db, ws, sink } = await setUp(3);
    const until = new Date(Date.now() + 60_000).toISOString();
    await db.insertInto('leases').values({ name: 'sender', owner: 'mail-2.example.net:4242:abcd', expires_at: until }).execute();
    const { runCli } = await import('./helpers/cli.ts');
    const busy = await runCli(['send'], ws.env);
    expect(busy.code).toBe(1);
    expect(busy.stderr.trim()).toBe(`digest: another sender is at work (mail-2.example.net:4242:abcd, lease until ${until}); try again later`);
    expect(sink.received).toHaveLength(0);
    await db
      .updateTable('leases')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const sent = await runCli(['send'], ws.env);
    expect(sent.code).toBe(0);
    expect(sink.received).toHaveLength(3);
  });
});
