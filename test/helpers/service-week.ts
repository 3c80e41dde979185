import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importArticles } from '../../src/articles/import-json.ts';
import { shiftToLastWeek } from '../../src/cli/commands/demo.ts';
import type { Db } from '../../src/db/connect.ts';
import { lastCompletedWeek } from '../../src/week.ts';
import { ROOT, type Workspace, createWorkspace } from './cli.ts';
import { seedSubscribers } from './seed.ts';
import { type ServeProcess, startServe } from './serve.ts';
import { type SinkOptions, type SmtpSink, startSmtpSink } from './smtp-sink.ts';
import { openTestDb } from './store.ts';

/**
 * What a service test starts from: an SMTP sink, a workspace sending to it,
 * the sample articles moved so their newest week is the last completed one
 * (what a run today sends), `subscribers` active readers, and `serve` to
 * start `digest serve` processes on it. `cleanup` kills them and removes it all.
 */
export async function serviceWeek(subscribers: number, sinkOptions: SinkOptions = {}, env: Record<string, string> = {}) {
  const sink: SmtpSink = await startSmtpSink(sinkOptions);
  const ws: Workspace = createWorkspace({ SMTP_URL: sink.url, ...env });
  const db: Db = await openTestDb(ws.env.DATABASE_URL!);
  const raw = JSON.parse(readFileSync(join(ROOT, 'data/sample/articles.json'), 'utf8')) as unknown[];
  await importArticles(db, shiftToLastWeek(raw, new Date(), 'UTC').items);
  await seedSubscribers(
    db,
    Array.from({ length: subscribers }, (_, i) => `reader-${i}@example.com`),
  );
  const processes: ServeProcess[] = [];
  const serve = async (extra: Record<string, string> = {}, args: string[] = []) => {
    const p = await startServe({ ...ws.env, ...extra }, args);
    processes.push(p);
    return p;
  };
  const cleanup = async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await db.destroy();
    await sink.close();
    ws.cleanup();
  };
  return { sink, ws, db, serve, cleanup, week: lastCompletedWeek(new Date(), 'UTC').id };
}
