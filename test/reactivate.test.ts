import { afterAll, describe, expect, it } from 'vitest';
import { weekOf } from '../src/week.ts';
import type { Db } from '../src/db/connect.ts';
import { buildDigest } from '../src/digests/build-digest.ts';
import { measureSampleCopy } from '../src/personalize/sample-copy.ts';
import { sendDigest } from '../src/delivery/send-digest.ts';
import { createSmtpTransport } from '../src/transport/smtp.ts';
import { type Workspace, createWorkspace, runCli } from './helpers/cli.ts';
import { testConfig } from './helpers/fixtures.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { seedSampleArticles, seedSubscribers } from './helpers/seed.ts';
import { openTestDb } from './helpers/store.ts';

const WEEK = weekOf('2026-W47', 'UTC');
const readers = Array.from({ length: 8 }, (_, i) => `reader-${i}@example.com`);

describe('digest subscribers reactivate', () => {
  let sink: SmtpSink;
  let ws: Workspace;
  let db: Db;
  let refusing = true;

  afterAll(async () => {
    await db?.destroy();
    await sink?.close();
    ws?.cleanup();
  });

  it('undoes a mass bounce since a time, after a dry run, and leaves older bounces alone', { timeout: 180_000 }, async () => {
    // A server that said "no such user" to everyone, with the breaker off: every reader bounced, as an older release did on a wrong password.
    sink = await startSmtpSink({ onRcpt: (address) => (refusing ? { reply: 550, message: `5.1.1 <${address}>: User unknown` } : undefined) });
    ws = createWorkspace({ SMTP_URL: sink.url, HARD_BOUNCE_LIMIT: '1', CONSECUTIVE_FAILURE_LIMIT: '0' });
    db = await openTestDb(ws.env.DATABASE_URL!);
    await seedSampleArticles(db);
    await seedSubscribers(db, [...readers, 'long-gone@example.com']);
    const longAgo = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await db.updateTable('subscribers').set({ status: 'bounced', bounced_at: longAgo, bounce_count: 3 }).where('email', '=', 'long-gone@example.com').execute();
    const config = testConfig({ ...ws.env });
    const transport = createSmtpTransport({ url: sink.url, connections: 2 });
    const built = await buildDigest(db, config, WEEK, measureSampleCopy);
    if (built.outcome === 'empty') throw new Error('sample week is empty');
    const summary = await sendDigest({ db, config, transport }, built.digest, WEEK);
    await transport.close();
    expect(summary).toMatchObject({ failed: 8, bounced: 8 });

    const dry = await runCli(['subscribers', 'reactivate', '--bounced-since', '1h', '--dry-run'], ws.env);
    expect(dry.code).toBe(0);
    for (const email of readers) expect(dry.stdout).toContain(email);
    expect(dry.stdout).toContain('User unknown');
    expect(dry.stdout).not.toContain('long-gone@example.com');
    expect(dry.stdout).toMatch(/dry run: would reactivate 8 subscribers bounced since \S+; nothing changed/);
    expect(await db.selectFrom('subscribers').select('id').where('status', '=', 'bounced').execute()).toHaveLength(9);

    const done = await runCli(['subscribers', 'reactivate', '--bounced-since', '1h'], ws.env);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/reactivated 8 subscribers bounced since \S+ \(active again, bounce counts reset\)/);
    expect(done.stdout).toContain('`digest send --week 2026-W47 --retry-failed`');
    const rows = await db.selectFrom('subscribers').select(['email', 'status', 'bounce_count', 'bounced_at']).orderBy('email').execute();
    expect(
      rows
        .filter((r) => r.status === 'active')
        .map((r) => r.email)
        .sort(),
    ).toEqual([...readers].sort());
    expect(rows.filter((r) => r.status === 'active').every((r) => r.bounce_count === 0 && r.bounced_at === null)).toBe(true);
    expect(rows.find((r) => r.email === 'long-gone@example.com')).toMatchObject({ status: 'bounced', bounce_count: 3 });

    // And they get the week's digest after all.
    refusing = false;
    const resent = await runCli(['send', '--week', WEEK.id, '--retry-failed'], ws.env);
    expect(resent.code).toBe(0);
    expect(resent.stdout).toContain('this run sent 8');
    expect(new Set(sink.received.flatMap((m) => m.envelopeTo))).toEqual(new Set(readers));
  });

  it('says in one line what a bad --bounced-since should look like', async () => {
    const bad = await runCli(['subscribers', 'reactivate', '--bounced-since', 'yesterday'], ws.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('digest: --bounced-since must be a time (2026-12-01, 2026-12-01T08:00Z) or how long ago (90m, 6h, 2d), got "yesterday"');
  });
});
