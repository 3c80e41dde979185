import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import type { SendOptions } from '../src/delivery/send-digest.ts';
import { createWorkspace, runCli } from './helpers/cli.ts';
import { SAMPLE_WEEK as WEEK, setUpInProcessSend } from './helpers/in-process-send.ts';
import { type SinkOptions, startSmtpSink } from './helpers/smtp-sink.ts';
import { seedSampleArticles, seedSubscribers } from './helpers/seed.ts';
import { openTestDb } from './helpers/store.ts';

/*
 * Failures of the SMTP session or of the sender are nobody's fault among the
 * readers. Each test here fails on the code before the fix by bouncing or
 * failing readers the server never refused.
 */

const readers = (n: number) => Array.from({ length: n }, (_, i) => `reader-${i}@example.com`);
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function setUp(emails: string[], sinkOptions: SinkOptions, env: Record<string, string> = {}) {
  const run = await setUpInProcessSend(emails, sinkOptions, env);
  cleanup.push(run.close);
  // A server that stays away is not what these tests wait for: a minute is plenty.
  return { ...run, send: (options: SendOptions = {}) => run.send({ maxOutageSeconds: 60, ...options }) };
}

/** Every reader is as before the send: active, no bounce counted, their delivery open with no attempt used. */
async function expectNobodyBlamed(db: Db, n: number) {
  const subscribers = await db.selectFrom('subscribers').select(['status', 'bounce_count']).distinct().execute();
  expect(subscribers).toEqual([{ status: 'active', bounce_count: 0 }]);
  const deliveries = await db
    .selectFrom('deliveries')
    .select(['status', 'attempts', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['status', 'attempts'])
    .execute();
  expect(deliveries.map((d) => ({ ...d, n: Number(d.n) }))).toEqual([{ status: 'pending', attempts: 0, n }]);
}

describe('a failure of the SMTP session or the sender', () => {
  // The reproduction: 45 readers, a wrong password, two runs → 45 of 45 bounced.
  it('a wrong password stops each run with one line and a non-zero exit, and bounces nobody', { timeout: 180_000 }, async () => {
    const sink = await startSmtpSink({ auth: { user: 'digest', pass: 'right-password' } });
    const ws = createWorkspace({ SMTP_URL: `smtp://digest:wrong-password@127.0.0.1:${sink.port}`, HARD_BOUNCE_LIMIT: '2' });
    const db = await openTestDb(ws.env.DATABASE_URL!);
    cleanup.push(async () => {
      await db.destroy();
      await sink.close();
      ws.cleanup();
    });
    await seedSampleArticles(db);
    await seedSubscribers(db, readers(45));
    for (let run = 1; run <= 2; run++) {
      const sent = await runCli(['send', '--week', WEEK.id], ws.env);
      expect(sent.code).toBe(1);
      const errors = sent.stderr.split('\n').filter((line) => line.startsWith('digest:'));
      expect(errors).toEqual(['digest: SMTP authentication failed: 535 5.7.8 Authentication credentials invalid; check the user and password in SMTP_URL']);
      expect(sent.stderr).not.toContain('wrong-password');
      expect(sent.stdout).toContain('this run sent 0, deferred 0, failed 0');
    }
    expect(sink.received).toHaveLength(0);
    await expectNobodyBlamed(db, 45);

    // Fixed: the same deliveries go out, each once.
    const fixed = await runCli(['send', '--week', WEEK.id], { ...ws.env, SMTP_URL: `smtp://digest:right-password@127.0.0.1:${sink.port}` });
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('this run sent 45, deferred 0, failed 0');
    expect(new Set(sink.received.flatMap((m) => m.envelopeTo)).size).toBe(45);
  });

  it('a sender address the server refuses (553 at MAIL FROM) stops the send', async () => {
    const { db, send } = await setUp(readers(30), { onMailFrom: () => ({ reply: 553, message: '5.7.1 Sender address rejected: not owned by user' }) });
    const summary = await send();
    expect(summary.halted).toBe(
      'the SMTP server refused the sender: 553 5.7.1 Sender address rejected: not owned by user; check MAIL_FROM and that the SMTP_URL account may send as it',
    );
    expect(summary).toMatchObject({ sent: 0, failed: 0, deferred: 0, bounced: 0, finished: false });
    await expectNobodyBlamed(db, 30);
  });

  it('a TLS failure (a certificate the client cannot trust) stops the send', async () => {
    const { db, send } = await setUp(readers(12), { secure: true });
    const summary = await send();
    expect(summary.halted).toMatch(/^SMTP TLS failed: .*certificate.*; check SMTP_URL/);
    await expectNobodyBlamed(db, 12);
  });

  it('a server that refuses the connection itself (554 greeting) stops the send', async () => {
    const { db, send } = await setUp(readers(12), { onConnect: () => ({ reply: 554, message: '5.7.1 No SMTP service here' }) });
    const summary = await send();
    expect(summary.halted).toMatch(/^the SMTP server refuses connections from this host: 554 /);
    await expectNobodyBlamed(db, 12);
  });

  it('a temporary refusal of the sender (451 at MAIL FROM) pauses the send, which then finishes with no attempt lost', { timeout: 60_000 }, async () => {
    const { db, sink, send } = await setUp(readers(20), {
      onMailFrom: (_address, n) => (n <= 4 ? { reply: 451, message: '4.3.0 Try again later' } : undefined),
    });
    const waits: string[] = [];
    const summary = await send({ onProgress: (p) => void (p.waiting && waits.push(p.waiting.reason)) });
    expect(waits).toContain('smtp-session');
    expect(summary).toMatchObject({ finished: true, halted: null, sent: 20, failed: 0, deferred: 0 });
    expect(sink.received).toHaveLength(20);
    expect(await db.selectFrom('deliveries').select('attempts').distinct().execute()).toEqual([{ attempts: 1 }]);
  });
});

describe('the breaker', () => {
  // A relay that refuses us answers every RCPT TO the same way; classified alone, each looks like the reader's bounce.
  it('stops when CONSECUTIVE_FAILURE_LIMIT readers in a row get the same refusal, and undoes their failures', { timeout: 60_000 }, async () => {
    let relaying = false;
    const { db, sink, send } = await setUp(
      readers(45),
      { onRcpt: (address) => (relaying ? undefined : { reply: 554, message: `5.7.1 <${address}>: Relay access denied` }) },
      { CONSECUTIVE_FAILURE_LIMIT: '20' },
    );
    const summary = await send();
    expect(summary.halted).toMatch(/^20 readers in a row were refused with the same reply \(554 5\.7\.1 <reader-\d+@example\.com>: Relay access denied\)/);
    expect(summary).toMatchObject({ bounced: 0, failed: 0, sent: 0, finished: false });
    // It stopped: not every reader was tried.
    expect(sink.attempts.size).toBeLessThan(45);
    await expectNobodyBlamed(db, 45);

    relaying = true;
    const next = await send();
    expect(next).toMatchObject({ finished: true, sent: 45, failed: 0, halted: null });
  });

  it('counts the bounces of a streak shorter than the limit', async () => {
    const dead = readers(5).map((e) => e.replace('reader', 'gone'));
    const { db, send } = await setUp(
      [...dead, ...readers(10)],
      { onRcpt: (address) => (address.startsWith('gone') ? { reply: 550, message: `5.1.1 <${address}>: User unknown` } : undefined) },
      { CONSECUTIVE_FAILURE_LIMIT: '20' },
    );
    const summary = await send();
    expect(summary).toMatchObject({ finished: true, sent: 10, failed: 5, bounced: 5, halted: null });
    const bounced = await db.selectFrom('subscribers').select('email').where('status', '=', 'bounced').orderBy('email').execute();
    expect(bounced.map((s) => s.email)).toEqual([...dead].sort());
  });
});
