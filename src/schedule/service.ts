import cron from 'node-cron';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import { weekOf } from '../week.ts';
import { findDigest } from '../digests/digest-store.ts';
import type { Logger } from '../config/log.ts';
import type { SegmentCompiler } from '../render/segment-compiler.ts';
import type { Transport } from '../domain.ts';
import { catchUpDecision, nextRun, previousRun, weekForRun } from '../config/cron-times.ts';
import { newOwner } from '../delivery/owner.ts';
import { StoreUnavailableError } from '../delivery/store-patience.ts';
import { type JobResult, runWeeklySend, runWorkerSend } from './weekly-job.ts';
import { runSourceFetch } from './source-fetch-job.ts';
import { weeksBeingSent } from '../digests/digest-store.ts';

/** How long the service waits before trying a send again after the SMTP server or the store stayed away. */
const RETRY_UNAVAILABLE_MS = 5 * 60_000;

/** How long the fetch before a weekly build waits for another service's fetch of the sources to end. */
const WAIT_FOR_OTHER_FETCH_MS = 2 * 60_000;

/** What /healthz and /metrics report about the schedule. */
export interface ServiceState {
  running: boolean;
  lastRun: { week: string; startedAt: string; finishedAt: string | null; result: string; durationSeconds: number | null } | null;
  nextRunAt: () => string;
}

export interface Service {
  state: ServiceState;
  /** Stops ticking, lets a running send finish its messages in flight (up to SHUTDOWN_TIMEOUT), releases the lease. */
  stop(): Promise<void>;
}

function describe(result: JobResult): string {
  if (result.outcome === 'empty') return `no articles in ${result.week}`;
  if (result.outcome === 'busy') return `another sender holds the lease (${result.holder})`;
  const s = result.summary;
  if (s.halted) return `halted: ${s.halted}`;
  return s.finished ? 'sent' : s.stopped ? 'stopped' : s.serverDownSince ? 'smtp unreachable' : 'retries pending';
}

/**
 * The long-running weekly job: node-cron ticks at DIGEST_CRON in DIGEST_TZ;
 * each tick sends the last completed week; ticks never overlap; at start a
 * missed or half-finished run is caught up. The sources are fetched before
 * each build, and at FETCH_CRON when it is set.
 */
export function startService(deps: {
  db: Db;
  config: Config;
  transport: Transport;
  log: Logger;
  compiler?: SegmentCompiler;
  /** One of several services sharing the store: send alongside the others instead of taking the sender lease. */
  worker?: boolean;
}): Service {
  const { db, config, log } = deps;
  const send = deps.worker ? runWorkerSend : runWeeklySend;
  const owner = newOwner();
  const shutdown = new AbortController();
  let current: Promise<void> | null = null;
  let fetching: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  const state: ServiceState = {
    running: false,
    lastRun: null,
    nextRunAt: () => nextRun(config.cron, config.timeZone, new Date()).toISOString(),
  };

  /** Comes back to a week at `at` (ms since the epoch), unless stopping; one pending retry at a time. */
  const retryAt = (weekId: string, at: number, why: string) => {
    if (shutdown.signal.aborted) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void run(weekId, why), Math.max(0, at - Date.now()) + 100);
  };

  /**
   * Fetches the sources, or joins the fetch this process already runs: the
   * FETCH_CRON job never overlaps itself or the fetch before a build. Never
   * rejects: a failing source, or the store, must not stop the build after it.
   */
  const fetchSources = (why: string, waitMs: number): Promise<void> => {
    fetching ??= runSourceFetch({ db, config, log }, { owner, why, waitMs, signal: shutdown.signal })
      .then(
        () => undefined,
        (error: unknown) => log.error({ err: error, why }, 'source fetch failed'),
      )
      .finally(() => {
        fetching = null;
      });
    return fetching;
  };

  const run = (weekId: string, why: string): Promise<void> => {
    if (current || shutdown.signal.aborted) {
      log.info({ week: weekId, why }, 'run skipped: a run is already in progress');
      return current ?? Promise.resolve();
    }
    const started = Date.now();
    state.running = true;
    state.lastRun = { week: weekId, startedAt: new Date(started).toISOString(), finishedAt: null, result: 'running', durationSeconds: null };
    log.info({ week: weekId, why }, 'run start');
    const beforeBuild = () => fetchSources('before the weekly build', WAIT_FOR_OTHER_FETCH_MS);
    current = send(deps, weekOf(weekId, config.timeZone), { owner, signal: shutdown.signal, compiler: deps.compiler, beforeBuild })
      .then((result) => {
        state.lastRun = { ...state.lastRun!, result: describe(result) };
        if (result.outcome === 'sent') {
          const { sent, deferred, failed, skipped, counts, nextRetryAt, halted, serverDownSince, serverDownReason } = result.summary;
          log.info({ week: weekId, sent, deferred, failed, skipped, counts, nextRetryAt }, 'send summary');
          // A wrong password or a refused sender does not pass on its own: an operator must fix the
          // configuration and restart, which resumes the send (catch-up below).
          if (halted) log.error({ week: weekId, reason: halted }, `send halted: ${halted}`);
          else if (serverDownSince) {
            log.error(
              { week: weekId, since: serverDownSince, reason: serverDownReason },
              'send paused: the SMTP server stayed unavailable; trying again in 5 minutes',
            );
            retryAt(weekId, Date.now() + RETRY_UNAVAILABLE_MS, 'the SMTP server was unavailable');
          }
          // Deferred deliveries: come back when the first falls due, not next week.
          else if (nextRetryAt) retryAt(weekId, Date.parse(nextRetryAt), 'deferred retries due');
        }
      })
      .catch((error: unknown) => {
        state.lastRun = { ...state.lastRun!, result: `error: ${(error as Error).message}` };
        log.error({ week: weekId, err: error }, 'run failed');
        // The store stayed away past the send's patience: nothing was lost, so try again later.
        if (error instanceof StoreUnavailableError) retryAt(weekId, Date.now() + RETRY_UNAVAILABLE_MS, 'the database was unavailable');
      })
      .finally(() => {
        const finished = Date.now();
        state.lastRun = { ...state.lastRun!, finishedAt: new Date(finished).toISOString(), durationSeconds: (finished - started) / 1000 };
        state.running = false;
        current = null;
        log.info({ week: weekId, result: state.lastRun.result, durationSeconds: state.lastRun.durationSeconds }, 'run end');
      });
    return current;
  };

  const task = cron.schedule(
    config.cron,
    async () => {
      const week = weekForRun(new Date(), config.timeZone).id;
      if ((await findDigest(db, week))?.status === 'sent') return log.debug({ week }, 'scheduled run: already sent');
      await run(week, 'scheduled');
    },
    { timezone: config.timeZone, noOverlap: true, name: 'weekly-digest' },
  );

  // Besides before each build: new articles reach the store (and the editors' preview) during the week,
  // and a feed that broke shows in `digest status` before the build needs it.
  const fetchTask = config.fetchCron
    ? cron.schedule(config.fetchCron, () => fetchSources('FETCH_CRON', 0), { timezone: config.timeZone, noOverlap: true, name: 'fetch-sources' })
    : null;

  // Catch-up: first any send left half-finished (any week), then the most recent scheduled run.
  void (async () => {
    for (const week of await weeksBeingSent(db)) await run(week, 'resume an interrupted send');
    const now = new Date();
    const scheduledAt = previousRun(config.cron, config.timeZone, now);
    const week = weekForRun(scheduledAt, config.timeZone).id;
    const digest = await findDigest(db, week);
    const decision = catchUpDecision({ now, scheduledAt, week, digestStatus: digest?.status ?? null, windowMs: config.catchUpWindowMs });
    if (decision.action === 'send' || decision.action === 'resume') await run(week, decision.reason);
    else if (decision.action === 'too-late') log.warn({ week, scheduledAt: scheduledAt.toISOString() }, decision.reason);
    else log.info({ week }, `catch-up: ${decision.reason}`);
  })().catch((error: unknown) => log.error({ err: error }, 'catch-up failed'));

  return {
    state,
    async stop() {
      await task.stop();
      await fetchTask?.stop();
      clearTimeout(retryTimer);
      shutdown.abort();
      // A send finishes its messages in flight; a fetch, the source it is importing.
      const running = [current, fetching].filter((work) => work !== null);
      if (running.length > 0) {
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
        await Promise.race([Promise.all(running), timeout]);
      }
    },
  };
}
