import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL, TEST_STORE, openScratchDb } from '../../test/helpers/store.ts';
import { migrateToLatest, openDatabase, probeDatabase } from './connect.ts';

const dir = mkdtempSync(join(tmpdir(), 'digest-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it.skipIf(TEST_STORE !== 'sqlite')('creates the file with WAL and foreign keys on, and migrates once', async () => {
    const db = openDatabase(`file:${join(dir, 'nested/digest.db')}`);
    expect(await migrateToLatest(db)).toEqual([
      '001-initial',
      '002-open-deliveries-index',
      '003-workers',
      '004-compiled-segments',
      '005-feedback-reports',
      '006-confirmation-sends',
      '007-article-identity',
      '008-sources',
      '009-digest-edits',
    ]);
    expect(await migrateToLatest(db)).toEqual([]);
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    expect(journal.rows[0]!.journal_mode).toBe('wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    expect(fk.rows[0]!.foreign_keys).toBe(1);
    await expect(
      db.insertInto('deliveries').values({ digest_id: 999, subscriber_id: null, status: 'pending', created_at: 'x', updated_at: 'x' }).execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
    await db.destroy();
  });

  it.skipIf(TEST_STORE !== 'postgres')('creates the schema named in the URL, migrates once, and probes it', async () => {
    const db = await openScratchDb();
    expect(await migrateToLatest(db)).toEqual([]);
    const tables = await sql<{
      name: string;
    }>`select table_name as name from information_schema.tables where table_schema = current_schema() order by 1`.execute(db);
    expect(tables.rows.map((t) => t.name)).toEqual([
      'articles',
      'compiled_segments',
      'confirmation_sends',
      'deliveries',
      'digest_edits',
      'digests',
      'feedback_reports',
      'kysely_migration',
      'kysely_migration_lock',
      'leases',
      'send_clock',
      'send_grants',
      'sources',
      'subscribers',
    ]);
    await db.destroy();
    await expect(probeDatabase(`${TEST_POSTGRES_URL}?schema=wd_no_such_schema`)).rejects.toThrow(/kysely_migration/);
  });

  it.skipIf(TEST_STORE !== 'postgres')('names an unreachable server in one line', async () => {
    const db = openDatabase('postgres://postgres@127.0.0.1:1/test');
    await expect(migrateToLatest(db)).rejects.toThrow(/^cannot reach PostgreSQL: .*ECONNREFUSED/);
    await db.destroy();
  });

  // Regression: pg-pool listens for a client's errors only while it is idle; one terminated while a
  // transaction held it emitted `error` with no listener, which killed the sender.
  it.skipIf(TEST_STORE !== 'postgres')('survives a connection terminated while a transaction holds it', async () => {
    const db = await openScratchDb();
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const transaction = db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        // The server's goodbye arrives while the transaction holds the client, between two statements.
        await new Promise((resolve) => setTimeout(resolve, 500));
        await sql`select 1`.execute(trx);
      });
      await expect(transaction).rejects.toThrow();
      // The pool replaces the dead client.
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await admin.end();
      await db.destroy();
    }
  });

  it('refuses to run on a database a newer release has migrated', async () => {
    const db = await openScratchDb();
    await sql`insert into kysely_migration (name, timestamp) values ('900-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(db);
    await expect(migrateToLatest(db)).rejects.toThrow(
      'the database was upgraded by a newer weekly-digest (migration 900-from-the-future is unknown to this one)',
    );
    await db.destroy();
  });

  it('keeps one delivery per digest and subscriber', async () => {
    const db = await openScratchDb();
    const now = '2026-11-23T00:00:00.000Z';
    const subscriber = await db
      .insertInto('subscribers')
      .values({ email: 'a@example.com', email_key: 'a@example.com', name: '', status: 'active', topics: '[]', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const digest = await db
      .insertInto('digests')
      .values({ week: '2026-W47', subject: 's', preheader: 'p', article_ids: '[]', status: 'draft', html_bytes: 0, built_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = { digest_id: digest.id, subscriber_id: subscriber.id, status: 'pending' as const, created_at: now, updated_at: now };
    await db.insertInto('deliveries').values(row).execute();
    await expect(db.insertInto('deliveries').values(row).execute()).rejects.toThrow(/UNIQUE|unique constraint/);
    await expect(
      db
        .insertInto('subscribers')
        .values({ email: 'A@example.com', email_key: 'a@example.com', name: '', status: 'active', topics: '[]', created_at: now, updated_at: now })
        .execute(),
    ).rejects.toThrow(/UNIQUE|unique constraint/);
    await db.destroy();
  });
});
