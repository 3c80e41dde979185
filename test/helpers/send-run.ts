import type { Db } from '../../src/db/connect.ts';
import { type Workspace, createWorkspace } from './cli.ts';
import { seedSampleArticles, seedSubscribers } from './seed.ts';
import { type SinkOptions, type SmtpSink, startSmtpSink } from './smtp-sink.ts';
import { openTestDb } from './store.ts';

export interface SendRun {
  sink: SmtpSink;
  ws: Workspace;
  db: Db;
  close(): Promise<void>;
}

/**
 * What a test of `digest send` processes starts from: a loopback SMTP sink,
 * a workspace whose SMTP_URL points at it, and its store holding the sample
 * articles (newest week 2026-W47) and `recipients` active readers.
 */
export async function startSendRun(recipients: number, options: { sink?: SinkOptions; env?: Record<string, string> } = {}): Promise<SendRun> {
  const sink = await startSmtpSink(options.sink);
  const ws = createWorkspace({ SMTP_URL: sink.url, ...options.env });
  const db = await openTestDb(ws.env.DATABASE_URL!);
  await seedSampleArticles(db);
  await seedSubscribers(
    db,
    Array.from({ length: recipients }, (_, i) => `reader-${String(i).padStart(5, '0')}@example.com`),
  );
  return {
    sink,
    ws,
    db,
    close: async () => {
      await db.destroy();
      await sink.close();
      ws.cleanup();
    },
  };
}

/** Per recipient, the Message-IDs of every copy the server accepted, in order. */
export function copiesByRecipient(sink: SmtpSink): Map<string, string[]> {
  const copies = new Map<string, string[]>();
  for (const message of sink.received) {
    const to = message.envelopeTo[0]!;
    copies.set(to, [...(copies.get(to) ?? []), message.messageId]);
  }
  return copies;
}
