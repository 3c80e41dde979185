import { listArticlesByIds } from '../src/articles/article-store.ts';
import { openDatabase } from '../src/db/connect.ts';
import { findDigest } from '../src/digests/digest-store.ts';
import { planDeliveries } from '../src/delivery/plan-store.ts';
import { mixedTopics } from './fixtures.ts';
import type { PlanResult } from './pg-report.ts';
import { sinkRate } from './report.ts';
import type { ScratchSchemas } from './pg-schemas.ts';
import { mustRunDigest } from './run-ours.ts';
import { describeFailure, runWorkers } from './run-workers.ts';
import { WEEK, benchEnv, prepareStore } from './setup.ts';
import type { SinkProcess } from './sink-client.ts';

const STORE = 'plan';

/**
 * When (seconds after `since`, epoch ms) PostgreSQL last vacuumed and
 * analyzed the deliveries table, by hand or by autovacuum; null: not during
 * the run. The claim query's plan depends on what the planner knows of the
 * rows just planned, so the send rate depends on when autovacuum comes by.
 */
async function maintenance(schemas: ScratchSchemas, since: number): Promise<{ vacuumed: number | null; analyzed: number | null }> {
  const { rows } = await schemas.query(
    `select greatest(last_vacuum, last_autovacuum) as vacuumed, greatest(last_analyze, last_autoanalyze) as analyzed
       from pg_stat_user_tables where schemaname = $1 and relname = 'deliveries'`,
    [schemas.schema(STORE)],
  );
  const after = (at: Date | null | undefined) => (at ? (at.getTime() - since) / 1000 : null);
  return { vacuumed: after(rows[0]?.vacuumed), analyzed: after(rows[0]?.analyzed) };
}
const seconds = (since: number) => (performance.now() - since) / 1000;
/** Waits `ms`, less if `signal` aborts; leaves no listener behind (this runs in a polling loop). */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Resolves once the sink has accepted a message (asked every 200 ms), or when `signal` aborts. */
async function firstMessage(sink: SinkProcess, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && (await sink.count()).count === 0) await pause(200, signal);
}

/** `workers` workers send from the store until `sendSeconds` after the first message reached the sink, then get SIGTERM. */
async function sendForAWhile(
  context: { root: string; schemas: ScratchSchemas; sink: SinkProcess },
  env: NodeJS.ProcessEnv,
  options: { workers: number; sendSeconds: number; concurrency: number },
): Promise<NonNullable<PlanResult['send']>> {
  const { root, schemas, sink } = context;
  await sink.reset();
  const sendEnv = { ...env, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SEND_CONCURRENCY: String(options.concurrency) };
  const done = new AbortController();
  const stop = firstMessage(sink, done.signal).then(() => pause(options.sendSeconds * 1000, done.signal));
  const run = await runWorkers(root, options.workers, sendEnv, { stop });
  done.abort();
  const atSink = await sink.count();
  return {
    workers: options.workers,
    sendSeconds: options.sendSeconds,
    wallSeconds: run.wallMs / 1000,
    sinkCount: atSink.count,
    firstMessageSeconds: atSink.count > 0 ? (atSink.firstAt - run.startedAt) / 1000 : null,
    sinkMsgsPerSec: sinkRate(atSink),
    deliveriesMaintenance: await maintenance(schemas, run.startedAt),
    sent: run.workers.map((w) => w.sent),
    exitCodes: run.workers.map((w) => w.code),
    peakRssMb: run.workers.map((w) => w.peakRssKb / 1024),
    // Stopped workers exit 130; one that printed no summary line failed.
    failures: run.workers.filter((w) => w.sent === null).map(describeFailure),
  };
}

/**
 * Planning a digest's deliveries at scale, on PostgreSQL: `count` active
 * subscribers with mixed topic choices and the digest built by `digest build`.
 * With `sendSeconds` > 0, first `workers` workers send from that store as a
 * real first send would find it (the first worker plans), until `sendSeconds`
 * after the first message: their memory under a large store and the time to
 * the first message. Then, on an emptied deliveries table, planDeliveries
 * (the statement the first worker runs) is timed on its own, and again with
 * every row already there (what each later worker runs).
 */
export async function measurePlanning(
  context: { root: string; scratch: string; schemas: ScratchSchemas; sink: SinkProcess; log: (line: string) => void },
  options: { count: number; workers: number; sendSeconds: number; concurrency: number },
): Promise<PlanResult> {
  const { root, scratch, schemas, log } = context;
  const env = benchEnv(scratch, schemas.url(STORE));
  await prepareStore(root, scratch, env);
  log(`plan: seeding ${options.count} subscribers into ${schemas.schema(STORE)}`);
  let started = performance.now();
  await schemas.seedSubscribers(STORE, options.count, mixedTopics, (done) => done % 200_000 === 0 && log(`  ${done}`));
  const seedSeconds = seconds(started);
  await mustRunDigest(root, ['build', '--week', WEEK], env);

  let send: PlanResult['send'] = null;
  if (options.sendSeconds > 0) {
    log(`plan: ${options.workers} workers send from the ${options.count}-subscriber store, SIGTERM ${options.sendSeconds} s after the first message`);
    send = await sendForAWhile(context, env, options);
    // Planning below starts from an empty table again.
    await schemas.query(`truncate ${schemas.table(STORE, 'deliveries')}`);
  }

  const db = openDatabase(schemas.url(STORE));
  try {
    const digest = await findDigest(db, WEEK);
    if (!digest) throw new Error(`digest build made no digest for ${WEEK}`);
    const categories = (await listArticlesByIds(db, JSON.parse(digest.article_ids) as number[])).map((a) => a.category);
    log(`plan: planDeliveries for ${options.count} subscribers`);
    started = performance.now();
    const planned = await planDeliveries(db, digest.id, categories);
    const planSeconds = seconds(started);
    started = performance.now();
    const replanned = await planDeliveries(db, digest.id, categories);
    const replanSeconds = seconds(started);
    const rows = await db
      .selectFrom('deliveries')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute();
    const byStatus = Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
    return { subscribers: options.count, seedSeconds, planned, planSeconds, byStatus, replanned, replanSeconds, send };
  } finally {
    await db.destroy();
  }
}
