import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { COPIED_TABLES } from '../src/db/copy-store.ts';
import { ROOT, type Workspace, createWorkspace, runCli } from './helpers/cli.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { TEST_STORE, openTestDb, scratchDatabaseUrl } from './helpers/store.ts';
import { dsnReport } from './helpers/reports.ts';

/** Every copied row of a store, by table, in id order: what a copy must carry over unchanged. */
async function dump(db: Db): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const table of COPIED_TABLES)
    tables[table] = await db
      .selectFrom(table)
      .selectAll()
      .orderBy((table === 'feedback_reports' ? 'report_key' : 'id') as never)
      .execute();
  return tables;
}

async function dumpOf(url: string): Promise<Record<string, unknown[]>> {
  const db = await openTestDb(url);
  try {
    return await dump(db);
  } finally {
    await db.destroy();
  }
}

/** A user mistake: exit code 1, exactly one line on stderr, no stack trace. */
function expectOneLineError(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

/**
 * `digest status` as people read it, less the rate line (it depends on the minute it runs in),
 * sorted: errors as frequent as each other may be listed in either order.
 */
const statusLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => !line.startsWith('  rate:'))
    .sort();

describe('digest copy-store: the command', () => {
  it('is listed on one line, and its help says what it leaves behind', async () => {
    expect((await runCli(['--help'], {})).stdout).toMatch(/^ {2}copy-store --to <DATABASE_URL> +copy the store into an empty one, ids kept/m);
    const help = (await runCli(['copy-store', '--help'], {})).stdout;
    expect(help).toMatch(/Not copied: leases, send_clock and\s+send_grants/);
  });

  it('refuses a target URL it cannot use, before touching anything', async () => {
    const ws = createWorkspace({ DATABASE_URL: ':memory:' });
    try {
      expectOneLineError(
        await runCli(['copy-store', '--to', 'mysql://root:hunter2@db/news'], ws.env),
        /^digest: --to must be postgres:\/\/.* or file:PATH, got "mysql:\/\/root:\*\*\*@db\/news"$/,
      );
      // Taken for a SQLite path, it would have created folders named after it.
      expect(existsSync(join(ROOT, 'mysql:'))).toBe(false);
    } finally {
      ws.cleanup();
    }
  });
});

// The target is PostgreSQL, so this runs in the postgres project only (the source is always a SQLite file).
describe.skipIf(TEST_STORE !== 'postgres')('digest copy-store: an existing SQLite store into PostgreSQL', () => {
  let ws: Workspace;
  let sink: SmtpSink;
  let sqliteEnv: Record<string, string>;
  let pgEnv: Record<string, string>;
  let earlierWeek: string;
  let source: Record<string, unknown[]>;

  beforeAll(async () => {
    ws = createWorkspace();
    sqliteEnv = { ...ws.env, DATABASE_URL: `file:${join(ws.dir, 'src.db')}` };
    pgEnv = { ...ws.env, DATABASE_URL: scratchDatabaseUrl(ws.dir) };
    // Last week's digest, sent to everyone through the outbox.
    const demo = await runCli(['demo'], sqliteEnv);
    expect(demo.code).toBe(0);
    const lastWeek = /last week, (\d{4}-W\d{2})/.exec(demo.stdout)![1]!;
    earlierWeek = DateTime.fromISO(lastWeek).minus({ weeks: 1 }).toISOWeekDate()!.slice(0, 8);
    // The week before, through a server that refuses some readers for good and some for now:
    // delivery history with every kind of outcome, errors and SMTP replies.
    sink = await startSmtpSink({
      onRcpt: (address) => {
        if (/^[a-e]/i.test(address)) return { reply: 550, message: 'No such user here' };
        if (/^[f-j]/i.test(address)) return { reply: 451, message: 'Greylisted, try again later' };
        return undefined;
      },
    });
    const send = await runCli(['send', '--week', earlierWeek], { ...sqliteEnv, SMTP_URL: sink.url, RETRY_BASE_SECONDS: '3600' });
    expect(send.stdout).toMatch(/this run sent [1-9]\d*, deferred [1-9]\d*, failed [1-9]\d*/);
    // An erased reader (deliveries without a subscriber) and one who has not confirmed yet.
    const list = JSON.parse((await runCli(['subscribers', 'list', '--json'], sqliteEnv)).stdout) as { email: string }[];
    expect((await runCli(['subscribers', 'remove', list[0]!.email, '--forget'], sqliteEnv)).code).toBe(0);
    expect((await runCli(['subscribers', 'add', 'not.yet@example.org', '--name', 'Not Yet'], sqliteEnv)).code).toBe(0);
    // A late bounce about one reader, and a report that changed nothing.
    const reports = join(ws.dir, 'reports');
    mkdirSync(reports);
    writeFileSync(join(reports, 'bounce.eml'), dsnReport({ reportId: '<dsn-1@mx.example.net>', recipient: list[1]!.email, action: 'failed', status: '5.2.2' }));
    writeFileSync(join(reports, 'delay.eml'), dsnReport({ reportId: '<dsn-2@mx.example.net>', recipient: list[2]!.email, action: 'delayed', status: '4.2.2' }));
    expect((await runCli(['feedback', 'import', reports], sqliteEnv)).stdout).toContain('feedback: 0 complaints, 1 bounce, 1 ignored');
    // A feed source with a password, fetched once and failed (fetch refuses port 9): its streak and error move with it.
    expect(
      (await runCli(['sources', 'add', 'http://ann:feed-secret@127.0.0.1:9/feed.xml', '--category', 'Policing', '--name', 'Field Notes'], sqliteEnv)).code,
    ).toBe(0);
    expect((await runCli(['sources', 'fetch'], sqliteEnv)).stdout).toMatch(
      /^Field Notes: error: cannot fetch http:\/\/ann:\*\*\*@127\.0\.0\.1:9\/feed\.xml: bad port$/m,
    );
    // An editor's change to the week's issue, with who made it.
    const unbuilt = DateTime.fromISO(earlierWeek).minus({ weeks: 1 }).toISOWeekDate()!.slice(0, 8);
    expect((await runCli(['edit', '--week', unbuilt, '--subject', 'Chosen by hand', '--as', 'Edna Editor'], sqliteEnv)).code).toBe(0);
    source = await dumpOf(sqliteEnv.DATABASE_URL!);
    expect(source.sources).toMatchObject([{ name: 'Field Notes', error_count: 1, last_status: 'error' }]);
    expect(source.digest_edits).toMatchObject([{ action: 'subject', value: 'Chosen by hand', editor: 'Edna Editor' }]);
  }, 120_000);

  afterAll(async () => {
    await sink?.close();
    ws?.cleanup();
  });

  it('copies every row with its id, and says what it copied', async () => {
    const result = await runCli(['copy-store', '--to', pgEnv.DATABASE_URL!], sqliteEnv);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const table of COPIED_TABLES) {
      expect(result.stdout).toMatch(new RegExp(`^  ${table}: +${source[table]!.length} rows?$`, 'm'));
    }
    expect(result.stdout).toMatch(/^in \d+\.\d s, one transaction; leases, send_clock and send_grants were not copied/m);

    const target = await dumpOf(pgEnv.DATABASE_URL!);
    const statuses = new Set((source.deliveries as { status: string }[]).map((d) => d.status));
    expect([...statuses]).toEqual(expect.arrayContaining(['sent', 'deferred', 'failed']));
    expect((source.deliveries as { subscriber_id: number | null }[]).some((d) => d.subscriber_id === null)).toBe(true);
    for (const table of COPIED_TABLES) {
      expect(target[table]!.length, table).toBe(source[table]!.length);
      // Column by column: ids, statuses, Message-IDs, SMTP replies, errors, times.
      expect(target[table], table).toEqual(source[table]);
    }
  });

  it('shows the same status on PostgreSQL as on SQLite', async () => {
    for (const week of [earlierWeek, undefined]) {
      const args = ['status', ...(week ? ['--week', week] : [])];
      const onSqlite = await runCli(args, sqliteEnv);
      const onPostgres = await runCli(args, pgEnv);
      expect(onPostgres.code).toBe(0);
      expect(onSqlite.stdout).toMatch(/deliveries: \d+ pending/);
      expect(statusLines(onPostgres.stdout)).toEqual(statusLines(onSqlite.stdout));
    }
  });

  it('copies back from PostgreSQL into a new SQLite file unchanged', async () => {
    const back = `file:${join(ws.dir, 'back.db')}`;
    const result = await runCli(['copy-store', '--to', back], pgEnv);
    expect(result.code).toBe(0);
    expect(await dumpOf(back)).toEqual(source);
  });

  it('gives new rows on PostgreSQL ids after the copied ones', async () => {
    const maxId = Math.max(...(source.subscribers as { id: number }[]).map((s) => s.id));
    const added = await runCli(['subscribers', 'add', 'after.copy@example.org', '--confirmed'], pgEnv);
    expect(added.stdout).toContain('created after.copy@example.org (active)');
    const db = await openTestDb(pgEnv.DATABASE_URL!);
    try {
      const row = await db.selectFrom('subscribers').select('id').where('email', '=', 'after.copy@example.org').executeTakeFirstOrThrow();
      expect(row.id).toBe(maxId + 1);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a target that already holds data, or the store itself, and writes nothing', async () => {
    const before = await dumpOf(pgEnv.DATABASE_URL!);
    const again = await runCli(['copy-store', '--to', pgEnv.DATABASE_URL!], sqliteEnv);
    expectOneLineError(
      again,
      /^digest: the target store already holds data \(articles: \d+, subscribers: \d+, digests: 2, deliveries: \d+, feedback_reports: 2, sources: 1, digest_edits: 1\); copy-store only fills an empty store$/,
    );
    expect(again.stdout).toBe('');
    expect(await dumpOf(pgEnv.DATABASE_URL!)).toEqual(before);
    const itself = await runCli(['copy-store', '--to', sqliteEnv.DATABASE_URL!], sqliteEnv);
    expectOneLineError(itself, /^digest: --to file:\S+src\.db is the configured store itself/);
  });

  it('leaves the target empty when a row fails half-way', async () => {
    // SQLite text may hold U+0000, PostgreSQL text cannot. Imports drop it now, but a store written
    // before that may hold one: such a summary fails the copy in the second batch of articles,
    // after the first 1,000 were written.
    const articles = Array.from({ length: 1001 }, (_, i) => ({
      url: `https://harmledger.example/bulk/${i}`,
      title: `Bulk article ${i}`,
      category: 'Safety',
      publishedAt: '2025-03-04T09:00:00Z',
      summary: i === 1000 ? 'Pasted from a PDF\u0000 with a NUL in it.' : 'A short summary.',
      source: { title: 'Report', name: 'Outlet', url: `https://news.example.org/${i}` },
    }));
    const file = join(ws.dir, 'bulk.json');
    writeFileSync(file, JSON.stringify(articles));
    expect((await runCli(['articles', 'import', file], sqliteEnv)).stdout).toContain('1001 created');
    const legacy = await openTestDb(sqliteEnv.DATABASE_URL!);
    const stripped = await legacy.selectFrom('articles').select('summary').where('url', '=', 'https://harmledger.example/bulk/1000').executeTakeFirstOrThrow();
    expect(stripped.summary).toBe('Pasted from a PDF with a NUL in it.');
    await legacy
      .updateTable('articles')
      .set({ summary: 'Pasted from a PDF\u0000 with a NUL in it.' })
      .where('url', '=', 'https://harmledger.example/bulk/1000')
      .execute();
    await legacy.destroy();
    const lastId = Math.max(...(source.articles as { id: number }[]).map((a) => a.id)) + 1001;

    const fresh = scratchDatabaseUrl(ws.dir);
    const result = await runCli(['copy-store', '--to', fresh], sqliteEnv);
    expectOneLineError(
      result,
      new RegExp(`^digest: copy failed while writing articles ids 1001–${lastId}: invalid byte sequence .*0x00.*; nothing was written to the target$`),
    );
    const target = await dumpOf(fresh);
    for (const table of COPIED_TABLES) expect(target[table], table).toEqual([]);
  });
});
