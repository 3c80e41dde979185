import { weekOf } from '../../src/week.ts';
import type { Config } from '../../src/config/config.ts';
import type { Db } from '../../src/db/connect.ts';
import type { DigestRow } from '../../src/db/schema.ts';
import { buildDigest } from '../../src/digests/build-digest.ts';
import { measureSampleCopy } from '../../src/personalize/sample-copy.ts';
import { type SendOptions, type SendSummary, sendDigest } from '../../src/delivery/send-digest.ts';
import { createSmtpTransport } from '../../src/transport/smtp.ts';
import { createWorkspace } from './cli.ts';
import { testConfig } from './fixtures.ts';
import { seedSampleArticles, seedSubscribers } from './seed.ts';
import { type SinkOptions, type SmtpSink, startSmtpSink } from './smtp-sink.ts';
import { openTestDb } from './store.ts';

/** The sample articles' newest week. */
export const SAMPLE_WEEK = weekOf('2026-W47', 'UTC');

export interface InProcessSend {
  sink: SmtpSink;
  db: Db;
  config: Config;
  digest: DigestRow;
  /** sendDigest of the built digest through a pooled SMTP transport to the sink. */
  send(options?: SendOptions): Promise<SendSummary>;
  close(): Promise<void>;
}

/**
 * A send run in the test's own process against a faulty SMTP sink: a store
 * with the sample articles and `emails` as active readers, the week built.
 * `env` overrides the config (SMTP_URL included: default the sink's).
 */
export async function setUpInProcessSend(emails: string[], sinkOptions: SinkOptions, env: Record<string, string> = {}): Promise<InProcessSend> {
  const sink = await startSmtpSink(sinkOptions);
  const ws = createWorkspace();
  const db = await openTestDb(ws.env.DATABASE_URL!);
  const config = testConfig({
    DATABASE_URL: ws.env.DATABASE_URL!,
    SMTP_URL: sink.url,
    SEND_CONCURRENCY: '3',
    RETRY_BASE_SECONDS: '1',
    MAX_ATTEMPTS: '3',
    HARD_BOUNCE_LIMIT: '1',
    ...env,
  });
  const transport = createSmtpTransport({ url: config.smtpUrl!, connections: config.sendConcurrency });
  const close = async () => {
    await transport.close();
    await db.destroy();
    await sink.close();
    ws.cleanup();
  };
  await seedSampleArticles(db);
  await seedSubscribers(db, emails);
  const built = await buildDigest(db, config, SAMPLE_WEEK, measureSampleCopy);
  if (built.outcome === 'empty') throw new Error('sample week is empty');
  const send = (options: SendOptions = {}) => sendDigest({ db, config, transport }, built.digest, SAMPLE_WEEK, options);
  return { sink, db, config, digest: built.digest, send, close };
}
