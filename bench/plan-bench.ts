import { listArticlesByIds } from '../src/articles/list-articles.ts';
import { openDatabase } from '../src/db/connect.ts';
import { findDigest } from '../src/digests/find-digest.ts';
import { planDeliveries } from '../src/delivery/plan-deliveries.ts';
import { mixedTopics } from './fixtures.ts';
import type { PlanResult } from './pg-report.ts';
import { sinkRate } from './report.ts';
import type { ScratchSchemas } from './pg-schemas.ts';
import { mustRunDigest } from './run-ours.ts';
import { describeFailure, runWorkers } from './run-workers.ts';
import { WEEK, benchEnv, prepareStore } from './setup.ts';
import type { SinkProcess } from './sink-client.ts';

const STORE = 'plan';
const seconds = (since: number) => (performance.now() - since) / 1000;
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Resolves once the sink has accepted a message (asked every 200 ms), or when `signal` aborts. */
async function firstMessage(sink: SinkProcess, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && (await sink.count()).count === 0) await pause(200, signal);
}

/**
 * Planning a digest's deliveries at scale, on PostgreSQL: `count` active
 * subscribers with mixed topic choices, the digest built by `digest build`,
 * then planDeliveries (the statement the first worker runs) timed on its own,
 * and again with every row already there (what each later worker runs). With
 * `sendSeconds` > 0, the planned rows are deleted and `workers` workers send
 * from that store until `sendSeconds` after the first message reached the
 * sink: their memory under a large store, and the time to the first message
 * (start-up, build, planning, compiling).
 */
export async function measurePlanning(
  context: { root: string; scratch: string; schemas: ScratchSchemas; sink: SinkProcess; log: (line: string) => void },
  options: { count: number; workers: number; sendSeconds: number; concurrency: number },
): Promise<PlanResult> {
  const { root, scratch, schemas, sink, log } = context;
  const env = benchEnv(scratch, schemas.url(STORE));
  await prepareStore(root, scratch, env);
  log(`plan: seeding ${options.count} subscribers into ${schemas.schema(STORE)}`);
  let started = performance.now();
  await schemas.seedSubscribers(STORE, options.count, mixedTopics, (done) => done % 200_000 === 0 && log(`  ${done}`));
  const seedSeconds = seconds(started);
  await mustRunDigest(root, ['build', '--week', WEEK], env);

  const db = openDatabase(schemas.url(STORE));
  let planSeconds: number;
  let replanSeconds: number;
  let planned: number;
  let replanned: number;
  const byStatus: Record<string, number> = {};
  try {
    const digest = await findDigest(db, WEEK);
    if (!digest) throw new Error(`digest build made no digest for ${WEEK}`);
    const categories = (await listArticlesByIds(db, JSON.parse(digest.article_ids) as number[])).map((a) => a.category);
    log(`plan: planDeliveries for ${options.count} subscribers`);
    started = performance.now();
    planned = await planDeliveries(db, digest.id, categories);
    planSeconds = seconds(started);
    started = performance.now();
    replanned = await planDeliveries(db, digest.id, categories);
    replanSeconds = seconds(started);
    const rows = await db.selectFrom('deliveries').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
    for (const row of rows) byStatus[row.status] = Number(row.n);
    // The workers below plan for themselves, as in a real send.
    await db.deleteFrom('deliveries').execute();
  } finally {
    await db.destroy();
  }
  await schemas.query(`vacuum analyze ${schemas.table(STORE, 'deliveries')}`);

  let send: PlanResult['send'] = null;
  if (options.sendSeconds > 0) {
    log(`plan: ${options.workers} workers send from the ${options.count}-subscriber store, SIGTERM ${options.sendSeconds} s after the first message`);
    await sink.reset();
    const sendEnv = { ...env, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SEND_CONCURRENCY: String(options.concurrency) };
    const done = new AbortController();
    const stop = firstMessage(sink, done.signal).then(() => pause(options.sendSeconds * 1000, done.signal));
    const run = await runWorkers(root, options.workers, sendEnv, { stop });
    done.abort();
    const atSink = await sink.count();
    send = {
      workers: options.workers,
      sendSeconds: options.sendSeconds,
      wallSeconds: run.wallMs / 1000,
      sinkCount: atSink.count,
      firstMessageSeconds: atSink.count > 0 ? (atSink.firstAt - run.startedAt) / 1000 : null,
      sinkMsgsPerSec: sinkRate(atSink),
      sent: run.workers.map((w) => w.sent),
      exitCodes: run.workers.map((w) => w.code),
      peakRssMb: run.workers.map((w) => w.peakRssKb / 1024),
      // Stopped workers exit 130; one that printed no summary line failed.
      failures: run.workers.filter((w) => w.sent === null).map(describeFailure),
    };
  }
  return { subscribers: options.count, seedSeconds, planned, planSeconds, byStatus, replanned, replanSeconds, send };
}
