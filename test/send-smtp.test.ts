import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { verifyToken } from '../src/personalize/tokens.ts';
import { unsubscribe } from '../src/subscribers/subscriber-store.ts';
import type { Db } from '../src/db/connect.ts';
import { type Workspace, createWorkspace, runCli } from './helpers/cli.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { addSubscribers, openTestDb } from './helpers/store.ts';

// The sample articles' newest week is 2026-W47 (9 articles).
const WEEK = '2026-W47';
const people = [
  { email: 'ada@example.com', name: 'Ada Lovelace' },
  { email: 'Grace.Hopper@Example.ORG', name: 'Grace Hopper' },
  { email: 'anon@example.net' },
  { email: 'leaver@example.com', name: 'Left Early' },
];

describe('digest send through a real SMTP server', () => {
  let sink: SmtpSink;
  let ws: Workspace;
  let db: Db;
  let firstRun: ParsedMail[];

  beforeAll(async () => {
    sink = await startSmtpSink();
    ws = createWorkspace({ SMTP_URL: sink.url, PUBLIC_URL: 'https://news.example.org' });
    const imported = await runCli(['articles', 'import', 'data/sample/articles.json'], ws.env);
    expect(imported.stdout).toContain('50 created');
    db = await openTestDb(ws.env.DATABASE_URL!);
    await addSubscribers(db, people);
    await unsubscribe(db, 'leaver@example.com');
    const sent = await runCli(['send', '--week', WEEK], ws.env);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('this run sent 3, deferred 0, failed 0');
    firstRun = await sink.parsed();
  });

  afterAll(async () => {
    await db?.destroy();
    await sink?.close();
    ws?.cleanup();
  });

  it('delivers exactly one message per active subscriber, none to the one who left', () => {
    const recipients = sink.received.flatMap((m) => m.envelopeTo).sort();
    expect(recipients).toEqual(['Grace.Hopper@example.org', 'ada@example.com', 'anon@example.net']);
  });

  it('sets From, To, Subject, Date and a unique Message-ID on each', () => {
    const ids = new Set(firstRun.map((m) => m.messageId));
    expect(ids.size).toBe(3);
    for (const message of firstRun) {
      expect(message.from?.value[0]).toMatchObject({ name: 'The Harm Ledger', address: 'digest@harmledger.example' });
      expect(message.subject).toMatch(/^The Harm Ledger · Week 47: /);
      expect(message.date).toBeInstanceOf(Date);
      expect(message.messageId).toMatch(new RegExp(`^<${WEEK}\\.\\d+\\.[0-9a-f]{12}@harmledger\\.example>$`));
    }
    const ada = firstRun.find((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === 'ada@example.com')!;
    expect(ada.to && !Array.isArray(ada.to) ? ada.to.value[0]?.name : '').toBe('Ada Lovelace');
  });

  it('carries RFC 8058 one-click unsubscribe headers with a signed token for that reader', async () => {
    for (const message of firstRun) {
      const line = message.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
      const url = /<(https:[^>]+)>/.exec(line.replace(/\r?\n\s+/g, ' '))![1]!;
      expect(url).toMatch(/^https:\/\/news\.example\.org\/unsubscribe\?token=/);
      const subscriberId = verifyToken('test-secret-0123456789abcdef', new URL(url).searchParams.get('token')!, 'unsubscribe');
      const address = (message.to && !Array.isArray(message.to) ? message.to.value[0]?.address : '') ?? '';
      const row = await db.selectFrom('subscribers').select('id').where('email_key', '=', address.toLowerCase()).executeTakeFirstOrThrow();
      expect(subscriberId).toBe(row.id);
      expect(message.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      // The same link is visible in both parts.
      expect(message.html).toContain(url);
      expect(message.text).toContain(url);
    }
  });

  it('is multipart/alternative with a text part for people and an HTML part', () => {
    for (const message of firstRun) {
      expect(message.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
      expect(message.text).toContain('THE HARM LEDGER');
      expect(message.text).toContain('Read the story:');
      expect(message.html).toContain('<html lang="en"');
      expect(message.html).toContain('Why this matters');
      expect(message.html).toContain('42 Example Street');
    }
    const grace = firstRun.find((m) => m.text?.includes('Hi Grace Hopper,'));
    const anon = firstRun.find((m) => m.text?.includes('\nHello,\n'));
    expect(grace).toBeDefined();
    expect(anon).toBeDefined();
  });

  it('records a sent delivery with the Message-ID and the server reply', async () => {
    const rows = await db.selectFrom('deliveries').selectAll().execute();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.status).toBe('sent');
      expect(row.smtp_response).toMatch(/^250 /);
      expect(firstRun.map((m) => m.messageId)).toContain(row.message_id);
    }
    const digest = await db.selectFrom('digests').selectAll().executeTakeFirstOrThrow();
    expect(digest.status).toBe('sent');
  });

  it('sends nothing new when run again', async () => {
    const again = await runCli(['send', '--week', WEEK], ws.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('this run sent 0');
    expect(sink.received).toHaveLength(3);
  });

  it('sends nothing on a dry run', async () => {
    const dry = await runCli(['send', '--week', '2026-W46', '--dry-run'], ws.env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run for 2026-W46');
    expect(dry.stdout).toContain('3 active subscribers, 0 already sent; nothing was sent.');
    expect(sink.received).toHaveLength(3);
    const deliveries = await db.selectFrom('deliveries').select('id').execute();
    expect(deliveries).toHaveLength(3);
  });
});
