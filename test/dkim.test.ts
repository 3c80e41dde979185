import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { type Workspace, createWorkspace, runCli } from './helpers/cli.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { seedSampleArticles, seedSubscribers } from './helpers/seed.ts';
import { openTestDb } from './helpers/store.ts';

// mailauth is CommonJS without type definitions for this entry point.
const { dkimVerify } = createRequire(import.meta.url)('mailauth') as {
  dkimVerify: (
    message: Buffer,
    options: { resolver: (name: string, type: string) => Promise<string[][]> },
  ) => Promise<{ results: { status: { result: string; comment?: string }; signingDomain: string; signingHeaders: { keys: string } }[] }>;
};

describe('DKIM', () => {
  let sink: SmtpSink;
  let ws: Workspace;
  let db: Db;
  let publicKey: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    ws = createWorkspace();
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(ws.dir, 'dkim.pem');
    writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    publicKey = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    Object.assign(ws.env, { SMTP_URL: sink.url, DKIM_DOMAIN: 'harmledger.example', DKIM_SELECTOR: 'digest2026', DKIM_PRIVATE_KEY_FILE: keyFile });
    db = await openTestDb(ws.env.DATABASE_URL!);
    await seedSampleArticles(db);
    await seedSubscribers(db, ['ada@example.com', 'grace@example.org']);
    const sent = await runCli(['send', '--week', '2026-W47'], ws.env);
    expect(sent.stdout).toContain('this run sent 2');
  });

  afterAll(async () => {
    await db?.destroy();
    await sink?.close();
    ws?.cleanup();
  });

  it('signs every message, verifiably, over the list headers too', async () => {
    const lookups: string[] = [];
    const resolver = async (name: string, type: string) => {
      lookups.push(`${type} ${name}`);
      if (type === 'TXT' && name === 'digest2026._domainkey.harmledger.example') return [[`v=DKIM1; k=rsa; p=${publicKey}`]];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    expect(sink.received).toHaveLength(2);
    for (const message of sink.received) {
      const { results } = await dkimVerify(message.raw, { resolver });
      expect(results).toHaveLength(1);
      expect(results[0]!.status.result).toBe('pass');
      expect(results[0]!.signingDomain).toBe('harmledger.example');
      const signed = results[0]!.signingHeaders.keys.toLowerCase().split(': ');
      for (const header of ['from', 'to', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post']) expect(signed).toContain(header);
    }
    expect(lookups).toContain('TXT digest2026._domainkey.harmledger.example');
  });

  it('fails verification when a signed header is altered in transit', async () => {
    const resolver = async () => [[`v=DKIM1; k=rsa; p=${publicKey}`]];
    const tampered = Buffer.from(sink.received[0]!.raw.toString('latin1').replace(/^Subject: .*$/m, 'Subject: Win a prize'), 'latin1');
    const { results } = await dkimVerify(tampered, { resolver });
    expect(results[0]!.status.result).not.toBe('pass');
  });
});
