import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { weekOf } from '../src/week.ts';
import { type Db, openDatabase } from '../src/db/connect.ts';
import { buildDigest } from '../src/digests/build-digest.ts';
import { measureSampleCopy } from '../src/personalize/sample-copy.ts';
import { type SendSummary, sendDigest } from '../src/delivery/send-digest.ts';
import { createSmtpTransport } from '../src/transport/smtp.ts';
import { ROOT, createWorkspace } from './helpers/cli.ts';
import { testConfig } from './helpers/fixtures.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { seedSampleArticles, seedSubscribers } from './helpers/seed.ts';
import { TEST_POSTGRES_URL, TEST_STORE, openTestDb } from './helpers/store.ts';

/*
 * A busy or restarting store pauses a send; it never crashes it, and never
 * records as failed a message the server accepted. Reproduced before the
 * fix: SQLite 2,999 sent + 1 failed "database is locked" though the server
 * had accepted all 3,000; PostgreSQL 2,996 + 4 failed, or a crash on the
 * `error` event of a terminated connection.
 */

const WEEK = weekOf('2026-W47', 'UTC');
const READERS = 1500;
const emails = Array.from({ length: READERS }, (_, i) => `reader-${i}@example.com`);
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

/** Seeds a store, then sends to READERS readers through the SMTP sink with `sender` as the sender's own store handle. */
async function sendThroughFault(setUpUrl: string, senderUrl: string, onAccepted: (count: number) => void) {
  const seeding = await openTestDb(setUpUrl);
  await seedSampleArticles(seeding);
  await seedSubscribers(seeding, emails);
  await seeding.destroy();
  const sink: SmtpSink = await startSmtpSink({ headersOnly: true, onAccepted });
  const db: Db = openDatabase(senderUrl);
  const config = testConfig({ DATABASE_URL: senderUrl, SMTP_URL: sink.url, SEND_CONCURRENCY: '4' });
  const transport = createSmtpTransport({ url: sink.url, connections: 4 });
  cleanup.push(async () => {
    await transport.close();
    await db.destroy();
    await sink.close();
  });
  const built = await buildDigest(db, config, WEEK, measureSampleCopy);
  if (built.outcome === 'empty') throw new Error('sample week is empty');
  const waits = new Set<string>();
  const summary: SendSummary = await sendDigest({ db, config, transport }, built.digest, WEEK, {
    compiledAll: built.compiled,
    onProgress: (p) => void (p.waiting && waits.add(p.waiting.reason)),
  });
  return { summary, sink, db, waits };
}

/** Every reader had at least one copy, and any second copy carries the first one's Message-ID. */
function expectEveryReaderOnce(sink: SmtpSink) {
  const ids = new Map<string, Set<string>>();
  for (const message of sink.received) for (const to of message.envelopeTo) ids.set(to, (ids.get(to) ?? new Set()).add(message.messageId));
  expect(ids.size).toBe(READERS);
  for (const set of ids.values()) expect(set.size).toBe(1);
}

describe('a send through a busy or restarting store', () => {
  it.skipIf(TEST_STORE !== 'sqlite')('waits while another process holds the SQLite write lock for 8 s mid-send', { timeout: 240_000 }, async () => {
    const ws = createWorkspace();
    cleanup.push(async () => ws.cleanup());
    const file = ws.env.DATABASE_URL!.replace(/^file:/, '');
    let locker: Promise<{ lockedAt: number; code: number | null }> | undefined;
    let accepted = 0;
    let acceptedWhenLocked = -1;
    const { summary, sink, waits } = await sendThroughFault(ws.env.DATABASE_URL!, ws.env.DATABASE_URL!, (count) => {
      accepted = count;
      if (count !== 300) return;
      // Another process takes the write lock and keeps it longer than the sender's busy_timeout (5 s).
      locker = new Promise((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '-e',
            `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('begin immediate'); console.log('locked'); setTimeout(() => { db.exec('commit'); db.close(); }, 8000);`,
            file,
          ],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let lockedAt = 0;
        child.stdout.on('data', () => {
          lockedAt = Date.now();
          acceptedWhenLocked = accepted;
        });
        child.on('exit', (code) => resolve({ lockedAt, code }));
      });
    });
    expect(await locker).toMatchObject({ code: 0 });
    // The lock really fell in the middle of the send, and the sender waited for it.
    expect(acceptedWhenLocked).toBeGreaterThan(0);
    expect(acceptedWhenLocked).toBeLessThan(READERS);
    expect(waits).toContain('store-down');
    expect(summary.counts).toMatchObject({ sent: READERS, failed: 0, pending: 0, sending: 0, deferred: 0, uncertain: 0 });
    expect(summary.finished).toBe(true);
    expectEveryReaderOnce(sink);
  });

  it.skipIf(TEST_STORE !== 'postgres')(
    'waits while the sender is locked out of PostgreSQL and its connections are terminated mid-send',
    { timeout: 240_000 },
    async () => {
      const role = `digest_sender_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      // A role of its own, so that locking it out and terminating its connections touches nothing else.
      await admin.query(`create role ${role} login superuser`);
      cleanup.push(async () => {
        await admin.query(`alter role ${role} login`).catch(() => {});
        await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where usename = $1`, [role]).catch(() => {});
        await admin.query(`drop role if exists ${role}`).catch(() => {});
        await admin.end();
      });
      const ws = createWorkspace();
      cleanup.push(async () => ws.cleanup());
      const setUpUrl = ws.env.DATABASE_URL!;
      const senderUrl = setUpUrl.replace('postgres://postgres@', `postgres://${role}@`);
      const schema = new URL(setUpUrl).searchParams.get('schema')!;
      let fault: Promise<number> | undefined;
      const { summary, sink, waits } = await sendThroughFault(setUpUrl, senderUrl, (count) => {
        if (count !== 300) return;
        fault = (async () => {
          const locker = new pg.Client({ connectionString: TEST_POSTGRES_URL });
          await locker.connect();
          // Locked out: its statements wait on the table lock, then its connections are terminated
          // and it cannot log in again for a few seconds.
          await locker.query('begin');
          await locker.query(`lock table "${schema}".deliveries in access exclusive mode`);
          await admin.query(`alter role ${role} nologin`);
          await new Promise((resolve) => setTimeout(resolve, 2000));
          const killed = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where usename = $1`, [role]);
          await new Promise((resolve) => setTimeout(resolve, 3000));
          await admin.query(`alter role ${role} login`);
          await locker.query('commit');
          await locker.end();
          return killed.rowCount ?? 0;
        })();
      });
      // Its connections were there to be terminated: the fault hit the sender mid-send.
      expect(await fault).toBeGreaterThan(0);
      expect(waits).toContain('store-down');
      expect(summary.counts).toMatchObject({ sent: READERS, failed: 0, pending: 0, sending: 0, deferred: 0, uncertain: 0 });
      expect(summary.finished).toBe(true);
      expectEveryReaderOnce(sink);
    },
  );
});
