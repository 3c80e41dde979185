import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertSubscribers } from './fixtures.ts';
import { measurePlanning } from './plan-bench.ts';
import { type PgBenchResult, type WorkersRow, formatPgReport, planProblems } from './pg-report.ts';
import { ScratchSchemas } from './pg-schemas.ts';
import { measureBaselines } from './run-raw.ts';
import { sinkRate } from './report.ts';
import { describeFailure, runWorkers, stopWorkers } from './run-workers.ts';
import { ARTICLES, WEEK, benchEnv, digestParts, prepareStore } from './setup.ts';
import { type SinkProcess, startSinkProcess } from './sink-client.ts';

export interface PgBenchOptions {
  root: string;
  command: string;
  pgUrl: string;
  subscribers: number;
  concurrency: number;
  /** Worker counts to run one after the other, each on a fresh store (empty: no send runs). */
  workers: number[];
  /** Subscribers for the planning measurement (null: not run). */
  plan: number | null;
  planWorkers: number;
  planSeconds: number;
  compose: boolean;
  json: boolean;
  keep: boolean;
}

const log = (line: string) => console.error(line);

/** The commit the CLI runs from, and whether what it bundles has uncommitted changes (others may be editing src/ while the bench runs). */
function describeCode(root: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  try {
    const changed = git('status', '--porcelain', '--', 'src', 'emails', 'bin', 'package.json');
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? ' with uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown';
  }
}

/**
 * W workers on a fresh store of `subscribers` readers, against the sink; the
 * store is dropped after. On SQLite, the reference: one `digest send` (no
 * digest built beforehand either), measured the same way.
 */
async function measureSenders(
  o: PgBenchOptions,
  context: { scratch: string; schemas: ScratchSchemas; sink: SinkProcess },
  store: 'sqlite' | 'postgres',
  count: number,
): Promise<Omit<WorkersRow, 'ratio'>> {
  const { scratch, schemas, sink } = context;
  const name = `w${count}`;
  const sqliteFile = join(scratch, 'reference.db');
  const env = benchEnv(scratch, store === 'sqlite' ? `file:${sqliteFile}` : schemas.url(name));
  await prepareStore(o.root, scratch, env);
  if (store === 'sqlite') insertSubscribers(sqliteFile, o.subscribers);
  else await schemas.seedSubscribers(name, o.subscribers, () => '[]');
  const what = store === 'sqlite' ? 'digest send (SQLite, for reference)' : `${count} × digest send --worker (PostgreSQL)`;
  log(`${what} to ${o.subscribers} subscribers, SEND_CONCURRENCY=${o.concurrency}${count > 1 ? ' each' : ''}`);
  await sink.reset();
  const run = await runWorkers(
    o.root,
    count,
    { ...env, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SEND_CONCURRENCY: String(o.concurrency) },
    store === 'sqlite' ? { args: ['send', '--week', WEEK] } : {},
  );
  const atSink = await sink.count();
  if (store === 'sqlite') rmSync(sqliteFile, { force: true });
  else await schemas.drop(name);
  const sentTotal = run.workers.reduce((sum, w) => sum + (w.sent ?? 0), 0);
  const failures = run.workers.filter((w) => w.code !== 0).map(describeFailure);
  if (sentTotal !== o.subscribers) failures.push(`the workers' sent counts add up to ${sentTotal}, not ${o.subscribers}`);
  if (atSink.count !== o.subscribers) failures.push(`the sink received ${atSink.count} messages, not ${o.subscribers}`);
  return {
    store,
    workers: count,
    wallSeconds: run.wallMs / 1000,
    msgsPerSec: (o.subscribers * 1000) / run.wallMs,
    sinkCount: atSink.count,
    sinkMsgsPerSec: sinkRate(atSink),
    firstMessageSeconds: atSink.count > 0 ? (atSink.firstAt - run.startedAt) / 1000 : null,
    sent: run.workers.map((w) => w.sent),
    sendSeconds: run.workers.map((w) => w.sendSeconds),
    peakRssMb: run.workers.map((w) => w.peakRssKb / 1024),
    exitCodes: run.workers.map((w) => w.code),
    verified: failures.length === 0,
    failures,
  };
}

/**
 * `npm run bench -- --store postgres`: one `digest send` on SQLite for
 * reference, then the worker counts one after the other, each on a fresh
 * schema, then the raw wire limit, then (with --plan)
 * the planning measurement; every schema it made is dropped at the end, also
 * on failure or Ctrl-C. Returns the exit code.
 */
export async function runPostgresBench(o: PgBenchOptions): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'digest-bench-'));
  const schemas = new ScratchSchemas(o.pgUrl);
  let sink: SinkProcess | null = null;
  const cleanUp = async () => {
    stopWorkers();
    const dropped = await schemas.dropAll().catch((error: Error) => {
      log(`could not drop the bench's schemas (${schemas.prefix}*): ${error.message}`);
      return [];
    });
    if (dropped.length) log(`dropped schemas ${dropped.join(', ')}`);
    await schemas.close().catch(() => {});
    await sink?.stop();
    if (o.keep) log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  };
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the workers and dropping the bench's schemas`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);

  let failed = false;
  try {
    await schemas.check();
    sink = await startSinkProcess(o.root);
    log(`bench: scratch ${scratch}, schemas ${schemas.prefix}*, SMTP sink pid ${sink.pid} on 127.0.0.1:${sink.port}`);
    const result: PgBenchResult = {
      date: new Date().toISOString(),
      command: o.command,
      machine: { nproc: cpus().length, node: process.version, cpu: cpus()[0]?.model ?? '', loadAverage: loadavg()[0]! },
      code: describeCode(o.root),
      week: WEEK,
      articles: ARTICLES,
      subscribers: o.subscribers,
      concurrency: o.concurrency,
      compileMs: null,
      runs: [],
      raw: null,
      compose: null,
      plan: null,
      verified: true,
    };
    if (o.workers.length > 0) {
      // The raw side's bytes come from a store of its own, so that every worker run starts from the same state.
      const env = benchEnv(scratch, schemas.url('render'));
      await prepareStore(o.root, scratch, env);
      const { parts, compileMs } = await digestParts(o.root, scratch, env);
      await schemas.drop('render');
      result.compileMs = compileMs;
      const runs = [await measureSenders(o, { scratch, schemas, sink }, 'sqlite', 1)];
      for (const count of o.workers) runs.push(await measureSenders(o, { scratch, schemas, sink }, 'postgres', count));
      const baselines = await measureBaselines(sink, parts, { count: o.subscribers, concurrency: o.concurrency, compose: o.compose, log });
      Object.assign(result, baselines);
      result.runs = runs.map((run) => ({ ...run, ratio: baselines.raw.msgsPerSec > 0 ? run.msgsPerSec / baselines.raw.msgsPerSec : 0 }));
      result.verified &&=
        runs.every((run) => run.verified) && [baselines.raw, ...(baselines.compose ? [baselines.compose] : [])].every((s) => s.sinkCount === o.subscribers);
    }
    if (o.plan !== null) {
      result.plan = await measurePlanning(
        { root: o.root, scratch, schemas, sink, log },
        { count: o.plan, workers: o.planWorkers, sendSeconds: o.planSeconds, concurrency: o.concurrency },
      );
      result.verified &&= planProblems(result.plan).length === 0;
    }
    failed = !result.verified;
    console.log(o.json ? JSON.stringify(result, null, 2) : `\n${formatPgReport(result)}`);
  } catch (error) {
    failed = true;
    console.error(error instanceof Error ? error.message : String(error));
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await cleanUp();
  }
  return failed ? 1 : 0;
}
