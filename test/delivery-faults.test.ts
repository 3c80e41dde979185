import { afterEach, describe, expect, it } from 'vitest';
import { planDeliveries } from '../src/delivery/plan-store.ts';
import type { SendSummary } from '../src/delivery/send-digest.ts';
import { createSmtpTransport } from '../src/transport/smtp.ts';
import { SAMPLE_WEEK as WEEK, setUpInProcessSend } from './helpers/in-process-send.ts';
import type { SinkOptions, SmtpSink } from './helpers/smtp-sink.ts';
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function setUp(emails: string[], sinkOptions: SinkOptions, env: Record<string, string> = {}) {
  const run = await setUpInProcessSend(emails, sinkOptions, env);
  cleanup.push(run.close);
  return run;
}

const deliveredTo = (sink: SmtpSink, address: string) => sink.received.filter((m) => m.envelopeTo.includes(address)).length;

describe('delivery against a faulty SMTP server', () => {
  it('retries 4xx and dropped connections, fails and bounces 5xx, and never sends a good message twice', async () => {
    const group = (prefix: string) => Array.from({ length: 6 }, (_, i) => `${prefix}-${i}@example.com`);
    const ok = group('ok');
    const busy = group('busy'); // 451 at RCPT the first time
    const dropped = group('dropped'); // connection dropped after DATA, before the 250, the first time
    const gone = group('gone'); // 550 at RCPT, always
    const spam = group('spam'); // 554 after DATA, always
    const stuck = ['stuck@example.com']; // 451 every time
    const { sink, db, send } = await setUp([...ok, ...busy, ...gone, ...dropped, ...spam, ...stuck], {
      onRcpt: (address, attempt) =>
        address.startsWith('gone-')
          ? { reply: 550, message: '5.1.1 No such user' }
          : (address.startsWith('busy-') && attempt === 1) || address.startsWith('stuck')
            ? { reply: 451, message: '4.7.1 Try again later' }
            : undefined,
      onData: (address, attempt) =>
        address.startsWith('spam-') ? { reply: 554, message: '5.7.1 Message refused' } : address.startsWith('dropped-') && attempt === 1 ? 'drop' : undefined,
    });

    const summary: SendSummary = await send();
    expect(summary.finished).toBe(true);
    expect(summary.counts).toMatchObject({ sent: 18, failed: 13, pending: 0, deferred: 0, sending: 0, uncertain: 0 });
    for (const address of [...ok, ...busy, ...dropped]) expect(deliveredTo(sink, address)).toBe(1);
    for (const address of [...gone, ...spam, ...stuck]) expect(deliveredTo(sink, address)).toBe(0);

    const rows = await db
      .selectFrom('deliveries as d')
      .innerJoin('subscribers as s', 's.id', 'd.subscriber_id')
      .select(['s.email', 's.status as subscriber', 's.bounce_count', 'd.status', 'd.attempts', 'd.last_error', 'd.smtp_response'])
      .execute();
    const byEmail = new Map(rows.map((r) => [r.email, r]));
    expect(byEmail.get('busy-0@example.com')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(byEmail.get('dropped-0@example.com')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(byEmail.get('ok-0@example.com')).toMatchObject({ status: 'sent', attempts: 1, smtp_response: expect.stringMatching(/^250 /) });
    expect(byEmail.get('gone-0@example.com')).toMatchObject({
      status: 'failed',
      attempts: 1,
      subscriber: 'bounced',
      bounce_count: 1,
      last_error: expect.stringContaining('550'),
    });
    expect(byEmail.get('spam-0@example.com')).toMatchObject({
      status: 'failed',
      attempts: 1,
      subscriber: 'bounced',
      last_error: expect.stringContaining('554'),
    });
    // A 4xx every time: MAX_ATTEMPTS (3) tries, then failed, but not a bounce.
    expect(byEmail.get('stuck@example.com')).toMatchObject({ status: 'failed', attempts: 3, subscriber: 'active', bounce_count: 0 });
    expect(summary.bounced).toBe(12);

    // The next digest leaves the bounced addresses out.
    const next = await db
      .insertInto('digests')
      .values({ week: '2026-W48', subject: 's', preheader: 'p', article_ids: '[]', status: 'draft', html_bytes: 0, built_at: new Date().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await planDeliveries(db, next.id, ['Privacy'])).toBe(19);
  });

  // Regression: an address stored before the header checks (here with U+0085, a line break to some
  // readers) made composing its message throw outside the wire call's try, which stopped the whole send.
  it('fails a stored address that no header may carry for that reader alone', async () => {
    const { sink, db, send } = await setUp(['ok-1@example.com', 'bad\u0085bcc@example.com', 'ok-2@example.com'], {});
    const summary = await send();
    expect(summary).toMatchObject({ finished: true, sent: 2, failed: 1, bounced: 0 });
    expect(sink.received.flatMap((m) => m.envelopeTo).sort()).toEqual(['ok-1@example.com', 'ok-2@example.com']);
    const bad = await db
      .selectFrom('deliveries as d')
      .innerJoin('subscribers as s', 's.id', 'd.subscriber_id')
      .select(['d.status', 'd.last_error', 's.status as subscriber', 's.bounce_count'])
      .where('s.email', 'like', 'bad%')
      .executeTakeFirstOrThrow();
    expect(bad).toMatchObject({
      status: 'failed',
      subscriber: 'active',
      bounce_count: 0,
      last_error: expect.stringMatching(/To header: .* is not an address/),
    });
  });

  it('pauses while the server is down and finishes when it is back, without burning attempts', async () => {
    const emails = Array.from({ length: 40 }, (_, i) => `reader-${i}@example.com`);
    const { sink, db, send } = await setUp(emails, {});
    await sink.stop();
    const waits: string[] = [];
    const sending = send({ onProgress: (p: { waiting: { reason: string } | null }) => p.waiting && waits.push(p.waiting.reason) });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(sink.received).toHaveLength(0);
    await sink.start();
    const summary = await sending;
    expect(waits).toContain('server-down');
    expect(summary.finished).toBe(true);
    expect(summary.counts.sent).toBe(40);
    for (const email of emails) expect(deliveredTo(sink, email)).toBe(1);
    const attempts = await db.selectFrom('deliveries').select('attempts').distinct().execute();
    expect(attempts).toEqual([{ attempts: 1 }]);
  });

  it('a stop while the server is down is a stop (exit 130), not a server that stayed away', async () => {
    const { sink, send } = await setUp(['a@example.com', 'b@example.com'], {});
    await sink.stop();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const summary = await send({ signal: controller.signal });
    expect(summary).toMatchObject({ stopped: true, finished: false, serverDownSince: null, halted: null });
  });

  it('requeues failed deliveries on request', async () => {
    let refuse = true;
    const { sink, db, send } = await setUp(
      ['late@example.com', 'fine@example.com'],
      {
        onRcpt: (address) => (refuse && address.startsWith('late') ? { reply: 550, message: 'No such user (yet)' } : undefined),
      },
      { HARD_BOUNCE_LIMIT: '5' },
    );
    expect((await send()).counts).toMatchObject({ sent: 1, failed: 1 });
    refuse = false;
    const { requeueFailed } = await import('../src/delivery/delivery-store.ts');
    const digest = await db.selectFrom('digests').select('id').executeTakeFirstOrThrow();
    expect(await requeueFailed(db, digest.id)).toBe(1);
    expect((await send()).counts).toMatchObject({ sent: 2, failed: 0 });
    expect(deliveredTo(sink, 'late@example.com')).toBe(1);
    expect(deliveredTo(sink, 'fine@example.com')).toBe(1);
  });
});

describe('rate limits', () => {
  it('never starts more than SEND_RATE messages in any second, from the first one', async () => {
    const emails = Array.from({ length: 45 }, (_, i) => `reader-${i}@example.com`);
    const arrivals: number[] = [];
    const { db, config, digest, sink } = await setUp(emails, { onRcpt: () => void arrivals.push(Date.now()) }, { SEND_RATE: '20', SEND_CONCURRENCY: '5' });
    // Record when the engine hands each message to the transport.
    const { sendDigest } = await import('../src/delivery/send-digest.ts');
    const smtp = createSmtpTransport({ url: config.smtpUrl!, connections: 5 });
    const starts: number[] = [];
    const transport = {
      ...smtp,
      send: (message: Parameters<typeof smtp.send>[0]) => {
        starts.push(Date.now());
        return smtp.send(message);
      },
    };
    const summary = await sendDigest({ db, config, transport }, digest, WEEK);
    await smtp.close();
    expect(summary.counts.sent).toBe(45);
    expect(sink.received).toHaveLength(45);
    for (const start of starts) expect(starts.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(20);
    // A burst would put all 45 at the server within a fraction of a second.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(2000);
  });

  it('waits out SEND_HOURLY_LIMIT, says when it will resume, and continues', async () => {
    const emails = Array.from({ length: 8 }, (_, i) => `reader-${i}@example.com`);
    const { db, config, digest } = await setUp(emails, {}, { SEND_HOURLY_LIMIT: '5' });
    // A fake clock: every wait moves time forward instead of sleeping for an hour.
    let t = Date.parse('2026-11-23T08:00:00.000Z');
    const waits: string[] = [];
    const { sendDigest } = await import('../src/delivery/send-digest.ts');
    const { createSmtpTransport: smtp } = await import('../src/transport/smtp.ts');
    const transport = smtp({ url: config.smtpUrl!, connections: 1 });
    // What `digest status` reports in the middle of such a pause: asked as the sender starts waiting.
    const { describeSend } = await import('../src/delivery/send-status.ts');
    const duringPause: (string | null)[] = [];
    const sleep = async (ms: number) => {
      if (ms >= 1000) duringPause.push((await describeSend(db, config, digest.id, new Date(t))).hourlyResumeAt);
      t += ms;
    };
    const summary = await sendDigest({ db, config: { ...config, sendConcurrency: 1 }, transport, now: () => new Date(t), sleep }, digest, WEEK, {
      onProgress: (p) => p.waiting && waits.push(`${p.waiting.reason} ${p.waiting.until}`),
    });
    await transport.close();
    expect(summary.counts.sent).toBe(8);
    expect(waits).toContain('hourly-limit 2026-11-23T09:00:00.000Z');
    const sentAt = (await db.selectFrom('deliveries').select('sent_at').orderBy('sent_at').execute()).map((r) => r.sent_at);
    expect(sentAt.slice(0, 5).every((s) => s === '2026-11-23T08:00:00.000Z')).toBe(true);
    expect(sentAt.slice(5).every((s) => s! >= '2026-11-23T09:00:00.000Z')).toBe(true);

    expect(duringPause).toEqual(['2026-11-23T09:00:00.000Z']);
    // And once the send is over, nothing holds it back.
    expect((await describeSend(db, config, digest.id, new Date(t))).hourlyResumeAt).toBeNull();
  });
});
