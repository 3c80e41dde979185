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
import type { AwaitingApproval } from './approval-gate.ts';
import { runSourceFetch } from './source-fetch-job.ts';
import { weeksBeingSent } from '../digests/digest-store.ts';

/** How long the service waits before trying a send again after the SMTP server or the store stayed away. */
const RETRY_UNAVAILABLE_MS = 5 * 60_000;

/** How often a service looks again for the approval of an issue that awaits one (DIGEST_APPROVAL=required). */
const APPROVAL_POLL_MS = 60_000;

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
  if (result.outcome === 'awaiting-approval') return result.status.overdue ? 'awaiting approval (past the deadline)' : 'awaiting approval';
  if (result.outcome === 'busy') return `another sender holds the lease (${result.holder})`;
  const s = result.summary;
  if (s.halted) return `halted: ${s.halted}`;
  return s.finished ? 'sent' : s.stopped ? 'stopped' : s.serverDownSince ? 'smtp unreachable' : 'retries pending';
}

export interface ServiceDeps {
  db: Db;
  config: Config;
  transport: Transport;
  log: Logger;
  compiler?: SegmentCompiler;
  /** One of several services sharing the store: send alongside the others instead of taking the sender lease. */
  worker?: boolean;
}

/**
 * The long-running weekly job: node-cron ticks at DIGEST_CRON in DIGEST_TZ;
 * each tick sends the last completed week; ticks never overlap; at start a
 * missed or half-finished run is caught up. The sources are fetched before
 * each build, and at FETCH_CRON when it is set.
 */
export function startService(deps: ServiceDeps): Service {
  return new WeeklyService(deps).start();
}

class WeeklyService {
  private readonly owner = newOwner();
  private readonly shutdown = new AbortController();
  private current: Promise<void> | null = null;
  private fetching: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private tasks: { stop(): void | Promise<void> }[] = [];
  /** Weeks whose missed approval deadline was already reported: one alert per week and process, not one per look. */
  private readonly overdueReported = new Set<string>();
  readonly state: ServiceState;

  constructor(private readonly deps: ServiceDeps) {
    const { config } = deps;
    this.state = { running: false, lastRun: null, nextRunAt: () => nextRun(config.cron, config.timeZone, new Date()).toISOString() };
  }

  start(): Service {
    const { db, config, log } = this.deps;
    const weekly = cron.schedule(
      config.cron,
      async () => {
        const week = weekForRun(new Date(), config.timeZone).id;
        if ((await findDigest(db, week))?.status === 'sent') return log.debug({ week }, 'scheduled run: already sent');
        await this.run(week, 'scheduled');
      },
      { timezone: config.timeZone, noOverlap: true, name: 'weekly-digest' },
    );
    this.tasks.push(weekly);
    // Besides before each build: new articles reach the store (and the editors' preview) during the week,
    // and a feed that broke shows in `digest status` before the build needs it.
    if (config.fetchCron) {
      const options = { timezone: config.timeZone, noOverlap: true, name: 'fetch-sources' };
      this.tasks.push(cron.schedule(config.fetchCron, () => this.fetchSources('FETCH_CRON', 0), options));
    }
    this.catchUp().catch((error: unknown) => log.error({ err: error }, 'catch-up failed'));
    return { state: this.state, stop: () => this.stop() };
  }

  /** First any send left half-finished (any week), then the most recent scheduled run. */
  private async catchUp(): Promise<void> {
    const { db, config, log } = this.deps;
    for (const week of await weeksBeingSent(db)) await this.run(week, 'resume an interrupted send');
    const now = new Date();
    const scheduledAt = previousRun(config.cron, config.timeZone, now);
    const week = weekForRun(scheduledAt, config.timeZone).id;
    const digest = await findDigest(db, week);
    const decision = catchUpDecision({ now, scheduledAt, week, digestStatus: digest?.status ?? null, windowMs: config.catchUpWindowMs });
    if (decision.action === 'send' || decision.action === 'resume') await this.run(week, decision.reason);
    else if (decision.action === 'too-late') log.warn({ week, scheduledAt: scheduledAt.toISOString() }, decision.reason);
    else log.info({ week }, `catch-up: ${decision.reason}`);
  }

  /** Comes back to a week at `at` (ms since the epoch), unless stopping; one pending retry at a time. */
  private retryAt(weekId: string, at: number, why: string): void {
    if (this.shutdown.signal.aborted) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.run(weekId, why), Math.max(0, at - Date.now()) + 100);
  }

  /**
   * Fetches the sources, or joins the fetch this process already runs: the
   * FETCH_CRON job never overlaps itself or the fetch before a build. Never
   * rejects: a failing source, or the store, must not stop the build after it.
   */
  private fetchSources(why: string, waitMs: number): Promise<void> {
    const { db, config, log } = this.deps;
    this.fetching ??= runSourceFetch({ db, config, log }, { owner: this.owner, why, waitMs, signal: this.shutdown.signal })
      .then(
        () => undefined,
        (error: unknown) => log.error({ err: error, why }, 'source fetch failed'),
      )
      .finally(() => {
        this.fetching = null;
      });
    return this.fetching;
  }

  /** One run for a week, unless one is in progress: fetch, build, send; its outcome in the state and the log. */
  private run(weekId: string, why: string): Promise<void> {
    const { config, log } = this.deps;
    if (this.current || this.shutdown.signal.aborted) {
      log.info({ week: weekId, why }, 'run skipped: a run is already in progress');
      return this.current ?? Promise.resolve();
    }
    const started = Date.now();
    this.state.running = true;
    this.state.lastRun = { week: weekId, startedAt: new Date(started).toISOString(), finishedAt: null, result: 'running', durationSeconds: null };
    log.info({ week: weekId, why }, 'run start');
    const send = this.deps.worker ? runWorkerSend : runWeeklySend;
    const beforeBuild = () => this.fetchSources('before the weekly build', WAIT_FOR_OTHER_FETCH_MS);
    const options = { owner: this.owner, signal: this.shutdown.signal, compiler: this.deps.compiler, beforeBuild };
    this.current = send(this.deps, weekOf(weekId, config.timeZone), options)
      .then((result) => this.finished(weekId, result))
      .catch((error: unknown) => this.failed(weekId, error))
      .finally(() => {
        const finished = Date.now();
        this.state.lastRun = { ...this.state.lastRun!, finishedAt: new Date(finished).toISOString(), durationSeconds: (finished - started) / 1000 };
        this.state.running = false;
        this.current = null;
        log.info({ week: weekId, result: this.state.lastRun.result, durationSeconds: this.state.lastRun.durationSeconds }, 'run end');
      });
    return this.current;
  }

  private finished(weekId: string, result: JobResult): void {
    const { log } = this.deps;
    this.state.lastRun = { ...this.state.lastRun!, result: describe(result) };
    if (result.outcome === 'awaiting-approval') this.awaitApproval(result);
    if (result.outcome !== 'sent') return;
    const { sent, deferred, failed, skipped, counts, nextRetryAt, halted, serverDownSince, serverDownReason } = result.summary;
    log.info({ week: weekId, sent, deferred, failed, skipped, counts, nextRetryAt }, 'send summary');
    // A wrong password or a refused sender does not pass on its own: an operator must fix the
    // configuration and restart, which resumes the send (catch-up).
    if (halted) log.error({ week: weekId, reason: halted }, `send halted: ${halted}`);
    else if (serverDownSince) {
      log.error(
        { week: weekId, since: serverDownSince, reason: serverDownReason },
        'send paused: the SMTP server stayed unavailable; trying again in 5 minutes',
      );
      this.retryAt(weekId, Date.now() + RETRY_UNAVAILABLE_MS, 'the SMTP server was unavailable');
    }
    // Deferred deliveries: come back when the first falls due, not next week.
    else if (nextRetryAt) this.retryAt(weekId, Date.parse(nextRetryAt), 'deferred retries due');
  }

  /** Says what the run did for the approval, alerts once past the deadline, and looks again in a minute. */
  private awaitApproval(result: AwaitingApproval): void {
    const { log } = this.deps;
    const { week, status, reviewedTo, reviewFailed } = result;
    if (reviewedTo.length > 0) log.info({ week, to: reviewedTo, deadline: status.deadline }, 'review copy sent: the issue awaits approval');
    if (reviewFailed.length > 0) log.error({ week, failed: reviewFailed }, 'review copy not sent; trying again');
    if (status.overdue && !this.overdueReported.has(week)) {
      this.overdueReported.add(week);
      log.error({ week, deadline: status.deadline }, `approval deadline passed: the ${week} issue is held until approved (digest approve --week ${week})`);
    }
    this.retryAt(week, Date.now() + APPROVAL_POLL_MS, 'waiting for approval');
  }

  private failed(weekId: string, error: unknown): void {
    this.state.lastRun = { ...this.state.lastRun!, result: `error: ${(error as Error).message}` };
    this.deps.log.error({ week: weekId, err: error }, 'run failed');
    // The store stayed away past the send's patience: nothing was lost, so try again later.
    if (error instanceof StoreUnavailableError) this.retryAt(weekId, Date.now() + RETRY_UNAVAILABLE_MS, 'the database was unavailable');
  }

  /** Stops ticking, lets a running send finish its messages in flight (up to SHUTDOWN_TIMEOUT), releases the lease. */
  private async stop(): Promise<void> {
    for (const task of this.tasks) await task.stop();
    clearTimeout(this.retryTimer);
    this.shutdown.abort();
    // A send finishes its messages in flight; a fetch, the source it is importing.
    const running = [this.current, this.fetching].filter((work) => work !== null);
    if (running.length > 0) {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.deps.config.shutdownTimeoutMs).unref());
      await Promise.race([Promise.all(running), timeout]);
    }
  }
}
