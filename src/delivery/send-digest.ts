import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { DigestRow } from '../db/schema.ts';
import type { Week } from '../week.ts';
import { markDigestSending, markDigestSent } from '../digests/digest-store.ts';
import { loadDigestContent } from '../digests/find-digest.ts';
import type { CompiledDigest } from '../render/rendered-digest.ts';
import type { DigestContent } from '../digests/digest-content.ts';
import { type RenderedDigest, withMime } from '../personalize/personalize.ts';
import { type SegmentCompiler, compileInProcess } from '../render/segment-compiler.ts';
import { ALL, type SegmentKey, segmentFor } from '../digests/segments.ts';
import type { Transport } from '../domain.ts';
import { type DeliveryContext, type RunState, type SendProgress, type WaitReason, countBounce, deliverOne } from './deliver-one.ts';
import {
  type ClaimedDelivery,
  type DeliveryCounts,
  claimDueDeliveries,
  countDeliveries,
  heldByOthers,
  nextDeferredAt,
  openTopicChoices,
  recoverInterrupted,
  releaseClaims,
  renewClaims,
} from './delivery-store.ts';
import { FailureStreak } from './failure-streak.ts';
import { MessageBuffers } from '../personalize/message-buffers.ts';
import { newOwner } from './owner.ts';
import { storeLimits } from './limits-store.ts';
import { planDeliveries } from './plan-store.ts';
import { reconnectDelayMs } from './retry-policy.ts';
import { runPool, sleepUnlessAborted } from './run-pool.ts';
import { SendPacer } from './send-pacer.ts';
import { StorePatience, StoreUnavailableError } from './store-patience.ts';

export type { SendProgress, WaitReason } from './deliver-one.ts';

export interface SendDeps {
  db: Db;
  config: Config;
  transport: Transport;
  now?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface SendOptions {
  /** Resend deliveries left `uncertain` by a crash (default true; their Message-ID lets providers fold duplicates). */
  resendUncertain?: boolean;
  /** Keep running while a deferred delivery falls due within this many seconds (default 180). */
  waitForDeferredSeconds?: number;
  /** Give up (for this run) after the SMTP server, or the store, was unavailable this long (default 600 s). */
  maxOutageSeconds?: number;
  batchSize?: number;
  /** How long a claim on a batch lasts without renewal; a dead sender's claims return to the pool after it (default 120 s). */
  claimSeconds?: number;
  /** Names this sender in its claims (default host:pid:random). */
  owner?: string;
  /** Aborting stops claiming new work; messages in flight finish and are recorded. */
  signal?: AbortSignal;
  onProgress?: (progress: SendProgress) => void;
  /** Where the digest is compiled (default: in this process). */
  compiler?: SegmentCompiler;
  /** The full digest as the build just compiled it, so the send does not compile it again. */
  compiledAll?: CompiledDigest;
}

export interface SendSummary extends SendProgress {
  week: string;
  /** Delivery rows created by this run (new active subscribers). */
  planned: number;
  /** Rows found in `sending`, left by a process that died mid-flight. */
  uncertainFound: number;
  /** Subscribers marked bounced by this run. */
  bounced: number;
  counts: DeliveryCounts;
  /** True when every delivery of the digest reached a final state. */
  finished: boolean;
  stopped: boolean;
  /** Set when the run gave up because the SMTP server stayed unreachable (or kept deferring the session). */
  serverDownSince: string | null;
  /** Why the server was away, as it said (with serverDownSince). */
  serverDownReason: string | null;
  /**
   * Set when the run stopped on a failure that will not pass without a fix: the session or the sender
   * (authentication, TLS, the sender address) or the breaker. One line for the operator; every
   * delivery it touched is left open, with no attempt used.
   */
  halted: string | null;
  nextRetryAt: string | null;
  elapsedMs: number;
}

/**
 * Sends a built digest to every active subscriber who has not had it yet,
 * recording each recipient's state in the database as it goes: `sent` only
 * after the transport accepted the message. Safe to run again at any time,
 * including after a crash. A busy or restarting store pauses it (up to
 * `maxOutageSeconds`, then StoreUnavailableError); it never records a
 * message the server accepted as failed.
 *
 * @example
 * const summary = await sendDigest({ db, config, transport }, digest, week);
 */
export async function sendDigest(deps: SendDeps, digest: DigestRow, week: Week, options: SendOptions = {}): Promise<SendSummary> {
  const run = new SendRun(deps, digest, week, options);
  const planned = await run.prepare();
  await run.deliverAll();
  return run.summary(planned);
}

/**
 * One run of a send, in the order it happens: prepare (recover, plan,
 * compile, freeze) → deliver all (claim a batch → `deliverOne(row)` for each
 * → release, until nothing is left or due) → summary. Every pause goes
 * through `waitFor(reason, until)`, so progress always says why it waits.
 */
class SendRun {
  private readonly db: Db;
  private readonly config: Config;
  private readonly now: () => Date;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly signal: AbortSignal | undefined;
  private readonly started = Date.now();
  private readonly owner: string;
  private readonly claimSeconds: number;
  private readonly resendUncertain: boolean;
  private readonly maxOutageMs: number;
  private readonly state: RunState;
  private readonly store: <T>(operation: () => Promise<T>) => Promise<T>;
  /** Compiled once per segment (set of categories) for the whole run, never per subscriber. */
  private readonly segments = new Map<SegmentKey, Promise<RenderedDigest>>();
  private content!: DigestContent;
  private categories: string[] = [];
  private ctx!: DeliveryContext;
  private uncertainFound = 0;
  /** Since when the SMTP server (or session) has been away, across consecutive pauses. */
  private pausedSince: number | null = null;
  private pauses = 0;
  /** A store that stayed away past maxOutageMs: the workers stop taking rows; thrown once they settled. */
  private storeGone: StoreUnavailableError | null = null;

  constructor(
    private readonly deps: SendDeps,
    private readonly digest: DigestRow,
    private readonly week: Week,
    private readonly options: SendOptions,
  ) {
    this.db = deps.db;
    this.config = deps.config;
    this.now = deps.now ?? (() => new Date());
    this.sleep = deps.sleep ?? sleepUnlessAborted;
    this.signal = options.signal;
    this.owner = options.owner ?? newOwner();
    this.claimSeconds = options.claimSeconds ?? 120;
    this.resendUncertain = options.resendUncertain ?? true;
    this.maxOutageMs = (options.maxOutageSeconds ?? 600) * 1000;
    this.state = {
      progress: { total: 0, sent: 0, deferred: 0, failed: 0, skipped: 0, waiting: null },
      report: () => options.onProgress?.({ ...this.state.progress }),
      pause: null,
      halt: null,
      bounced: 0,
    };
    const patience = new StorePatience({
      maxOutageMs: this.maxOutageMs,
      sleep: (ms) => this.sleep(ms),
      onOutage: (outage) => this.setWaiting(outage ? { reason: 'store-down', until: new Date(outage.retryAt).toISOString() } : null),
    });
    this.store = (operation) => patience.run(operation);
    if (options.compiledAll) this.segments.set(ALL, Promise.resolve(withMime(this.config, options.compiledAll)));
  }

  /** Recovers, plans and compiles what the open deliveries need, then freezes the digest. Returns the rows planned. */
  async prepare(): Promise<number> {
    const { db, digest, store } = this;
    this.content = await store(() => loadDigestContent(db, digest, this.week));
    this.categories = this.content.articles.map((a) => a.category);
    this.uncertainFound = await store(() => recoverInterrupted(db, digest.id, this.now()));
    // A worker joining a send that others are working on has nothing to plan: the one that started it
    // did (re-checking every subscriber took 1.4–2.7 s at 1,000,000). A resumed send plans again, to
    // include anyone who subscribed since.
    const joining = digest.status === 'sending' && (await store(() => heldByOthers(db, digest.id, this.owner))) > 0;
    const planned = digest.status === 'sent' || joining ? 0 : await store(() => planDeliveries(db, digest.id, this.categories, this.now()));
    // Every segment the open deliveries need, in one go, before sending starts; none when nothing is open
    // (a send run again after it finished compiles nothing).
    const topicChoices = await store(() => openTopicChoices(db, digest.id));
    const needed = new Set(topicChoices.length === 0 ? [] : [ALL, ...topicChoices.flatMap((topics) => segmentFor(topics, this.categories) ?? [])]);
    const missing = [...needed].filter((key) => !this.segments.has(key));
    if (missing.length > 0) await this.compile(missing);
    // Only now, with everything compiled, is the digest frozen for good.
    if (digest.status === 'draft') await store(() => markDigestSending(db, digest.id, this.now()));
    const atStart = await store(() => countDeliveries(db, digest.id));
    this.state.progress.total = atStart.pending + atStart.deferred + (this.resendUncertain ? atStart.uncertain : 0);
    this.ctx = this.deliveryContext();
    return planned;
  }

  /** Claims and delivers batches until nothing is left, nothing falls due soon, or the run must stop. */
  async deliverAll(): Promise<void> {
    const { db, owner, claimSeconds } = this;
    // Claims outlive a long batch (a slow server, a low SEND_RATE) as long as this sender is alive.
    const renewal = setInterval(() => void renewClaims(db, owner, claimSeconds, this.now()).catch(() => {}), (claimSeconds * 1000) / 3);
    renewal.unref();
    try {
      while (!this.signal?.aborted && !this.state.halt && !this.storeGone) {
        if (this.state.pause) {
          if (!(await this.waitOutPause())) break;
          continue;
        }
        const batch = await this.claim();
        if (batch.length > 0) await this.deliverBatch(batch);
        else if (!(await this.waitForMoreWork())) break;
      }
      // A streak short of the breaker's limit was the addresses after all: their bounces count.
      if (!this.storeGone) for (const held of this.ctx.streak.drain()) await countBounce(this.ctx, held);
    } finally {
      clearInterval(renewal);
      // With the store gone, what this sender holds is freed by the next run (or by claim expiry).
      if (!this.storeGone) await this.store(() => releaseClaims(db, this.digest.id, owner));
    }
    if (this.storeGone) throw this.storeGone;
  }

  /** Counts what is left, marks the digest sent when nothing is, and says how the run went. */
  async summary(planned: number): Promise<SendSummary> {
    const { db, digest, store, state, signal } = this;
    const counts = await store(() => countDeliveries(db, digest.id));
    const open = counts.pending + counts.sending + counts.deferred + (this.resendUncertain ? counts.uncertain : 0);
    const finished = open === 0 && !signal?.aborted;
    if (finished && digest.status !== 'sent') await store(() => markDigestSent(db, digest.id, this.now()));
    // A stop (Ctrl-C, SIGTERM) during a pause is a stop, not a server that stayed away.
    const serverDown = !finished && !state.halt && !signal?.aborted && this.pausedSince !== null;
    return {
      week: this.week.id,
      ...state.progress,
      waiting: null,
      planned,
      uncertainFound: this.uncertainFound,
      bounced: state.bounced,
      counts,
      finished,
      stopped: Boolean(signal?.aborted),
      serverDownSince: serverDown ? new Date(this.pausedSince!).toISOString() : null,
      serverDownReason: serverDown ? (state.pause?.reason ?? null) : null,
      halted: state.halt,
      nextRetryAt: counts.deferred > 0 ? await store(() => nextDeferredAt(db, digest.id)) : null,
      elapsedMs: Date.now() - this.started,
    };
  }

  private claim(): Promise<ClaimedDelivery[]> {
    const { owner, resendUncertain, claimSeconds } = this;
    const limit = this.options.batchSize ?? this.config.sendBatchSize;
    return this.store(() => claimDueDeliveries(this.db, this.digest.id, { limit, owner, resendUncertain, claimSeconds, now: this.now() }));
  }

  private async deliverBatch(batch: ClaimedDelivery[]): Promise<void> {
    await runPool(batch, this.config.sendConcurrency, (row) => this.deliver(row));
    if (this.storeGone) return;
    await this.store(() => releaseClaims(this.db, this.digest.id, this.owner));
    if (!this.state.pause) {
      this.pausedSince = null;
      this.pauses = 0;
    }
  }

  private deliver(row: ClaimedDelivery): Promise<void> {
    if (this.storeGone) return Promise.resolve();
    return deliverOne(this.ctx, row).catch((error: unknown) => {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.storeGone ??= error;
    });
  }

  /** The SMTP server (or session) is away: wait, backing off, unless it has been away too long. False: give up. */
  private async waitOutPause(): Promise<boolean> {
    const pause = this.state.pause!;
    this.pausedSince ??= pause.since;
    if (Date.now() - this.pausedSince > this.maxOutageMs) return false;
    await this.waitFor(pause.kind, this.now().getTime() + reconnectDelayMs(++this.pauses));
    this.state.pause = null;
    // The loop checks again before claiming: a stop during the wait claims nothing more.
    return true;
  }

  /**
   * Nothing left to claim. Other senders may still hold rows: wait while they work, and take back
   * what a dead one held (at once for a process gone from this machine, else at claim expiry).
   * Then wait for the next deferred retry if it falls due soon. False: the run is done.
   */
  private async waitForMoreWork(): Promise<boolean> {
    const { db, digest, store } = this;
    this.uncertainFound += await store(() => recoverInterrupted(db, digest.id, this.now()));
    if ((await store(() => heldByOthers(db, digest.id, this.owner))) > 0) {
      await this.waitFor('other-senders', this.now().getTime() + 1000);
      return true;
    }
    const next = await store(() => nextDeferredAt(db, digest.id));
    if (!next) return false;
    const waitMs = (this.options.waitForDeferredSeconds ?? 180) * 1000;
    if (Date.parse(next) - this.now().getTime() > waitMs) return false;
    await this.waitFor('retry', Date.parse(next) + 50);
    return true;
  }

  /** The one way the run waits: until `until` (epoch ms) for `reason`, saying so in its progress. */
  private async waitFor(reason: WaitReason, until: number): Promise<void> {
    this.setWaiting({ reason, until: new Date(until).toISOString() });
    await this.sleep(until - this.now().getTime(), this.signal);
    this.state.progress.waiting = null;
  }

  private setWaiting(waiting: SendProgress['waiting']): void {
    this.state.progress.waiting = waiting;
    this.state.report();
  }

  private async compile(keys: SegmentKey[]): Promise<void> {
    const compiler = this.options.compiler ?? compileInProcess;
    // The compiler may keep its result in the store: a store error there is waited out like any other.
    const compiled = this.store(() => compiler(this.content, keys, this.config));
    for (const key of keys)
      this.segments.set(
        key,
        compiled.then((all) => withMime(this.config, all.get(key)!)),
      );
    await compiled;
  }

  /** What each recipient's turn needs, made once per run. */
  private deliveryContext(): DeliveryContext {
    const { db, config, store } = this;
    // Subscribers share a handful of topic choices: work out each one's segment once, not per subscriber.
    const segmentOfTopics = new Map<string, SegmentKey | null>();
    const limits = storeLimits(db);
    return {
      db,
      config,
      transport: this.deps.transport,
      week: this.week,
      owner: this.owner,
      now: this.now,
      signal: this.signal,
      store,
      state: this.state,
      streak: new FailureStreak(config.consecutiveFailureLimit),
      // As many as there are messages in flight, reused for the whole send.
      buffers: new MessageBuffers(),
      pacer: new SendPacer({
        perSecond: config.sendRate,
        perHour: config.sendHourlyLimit,
        // The limits are the publication's totals: every sender sharing the store takes its slots from there.
        shared: {
          secondSlot: (at, interval) => store(() => limits.secondSlot(at, interval)),
          hourSlot: (at, perHour) => store(() => limits.hourSlot(at, perHour)),
        },
        now: () => this.now().getTime(),
        // Only the hourly limit is a pause worth reporting; SEND_RATE's spacing is the normal pace.
        sleep: (ms, s, limit) => (limit === 'per-hour' ? this.waitFor('hourly-limit', this.now().getTime() + ms) : this.sleep(ms, s)),
      }),
      segmentOf: (topics) => {
        if (!segmentOfTopics.has(topics)) segmentOfTopics.set(topics, segmentFor(JSON.parse(topics) as string[], this.categories));
        return segmentOfTopics.get(topics)!;
      },
      // A subscriber who changed topics during the send may need one more.
      renderSegment: async (key) => {
        if (!this.segments.has(key)) await this.compile([key]);
        return this.segments.get(key)!;
      },
    };
  }
}
