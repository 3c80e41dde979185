import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { DigestRow } from '../db/schema.ts';
import type { Week } from '../week.ts';
import { markDigestSending, markDigestSent } from '../digests/digest-status.ts';
import { loadDigestContent } from '../digests/find-digest.ts';
import { type CompiledDigest } from '../render/rendered-digest.ts';
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
import { storeLimits } from './shared-limits.ts';
import { planDeliveries } from './plan-deliveries.ts';
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
  const { db, config, transport } = deps;
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? sleepUnlessAborted;
  const signal = options.signal;
  const started = Date.now();
  const owner = options.owner ?? newOwner();
  const claimSeconds = options.claimSeconds ?? 120;
  const resendUncertain = options.resendUncertain ?? true;
  const waitMs = (options.waitForDeferredSeconds ?? 180) * 1000;
  const maxOutageMs = (options.maxOutageSeconds ?? 600) * 1000;

  const state: RunState = {
    progress: { total: 0, sent: 0, deferred: 0, failed: 0, skipped: 0, waiting: null },
    report: () => options.onProgress?.({ ...state.progress }),
    pause: null,
    halt: null,
    bounced: 0,
  };
  const patience = new StorePatience({
    maxOutageMs,
    sleep: (ms) => sleep(ms),
    onOutage: (outage) => {
      state.progress.waiting = outage ? { reason: 'store-down', until: new Date(outage.retryAt).toISOString() } : null;
      state.report();
    },
  });
  const store = <T>(operation: () => Promise<T>) => patience.run(operation);
  /** The run waits `ms` for `reason`, and says so. */
  const waitFor = async (reason: WaitReason, ms: number) => {
    state.progress.waiting = { reason, until: new Date(now().getTime() + ms).toISOString() };
    state.report();
    await sleep(ms, signal);
    state.progress.waiting = null;
  };

  const content = await store(() => loadDigestContent(db, digest, week));
  const categories = content.articles.map((a) => a.category);
  let uncertainFound = await store(() => recoverInterrupted(db, digest.id, now()));
  // A worker joining a send that others are working on has nothing to plan: the one that started it
  // did (re-checking every subscriber took 1.4–2.7 s at 1,000,000). A resumed send plans again, to
  // include anyone who subscribed since.
  const joining = digest.status === 'sending' && (await store(() => heldByOthers(db, digest.id, owner))) > 0;
  const planned = digest.status === 'sent' || joining ? 0 : await store(() => planDeliveries(db, digest.id, categories, now()));
  // Compiled once per segment (set of categories) for the whole run, never per subscriber:
  // every segment the open deliveries need, in one go, before sending starts.
  const compiler = options.compiler ?? compileInProcess;
  const segments = new Map<SegmentKey, Promise<RenderedDigest>>();
  if (options.compiledAll) segments.set(ALL, Promise.resolve(withMime(config, options.compiledAll)));
  const compile = async (keys: SegmentKey[]) => {
    // The compiler may keep its result in the store: a store error there is waited out like any other.
    const compiled = store(() => compiler(content, keys, config));
    for (const key of keys)
      segments.set(
        key,
        compiled.then((all) => withMime(config, all.get(key)!)),
      );
    await compiled;
  };
  const topicChoices = await store(() => openTopicChoices(db, digest.id));
  const needed = new Set([ALL, ...topicChoices.flatMap((topics) => segmentFor(topics, categories) ?? [])]);
  const missing = [...needed].filter((key) => !segments.has(key));
  if (missing.length > 0) await compile(missing);
  // Only now, with everything compiled, is the digest frozen for good.
  if (digest.status === 'draft') await store(() => markDigestSending(db, digest.id, now()));
  const atStart = await store(() => countDeliveries(db, digest.id));
  state.progress.total = atStart.pending + atStart.deferred + (resendUncertain ? atStart.uncertain : 0);

  // Subscribers share a handful of topic choices: work out each one's segment once, not per subscriber.
  const segmentOfTopics = new Map<string, SegmentKey | null>();
  const limits = storeLimits(db);
  const ctx: DeliveryContext = {
    db,
    config,
    transport,
    week,
    owner,
    now,
    signal,
    store,
    state,
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
      now: () => now().getTime(),
      // Only the hourly limit is a pause worth reporting; SEND_RATE's spacing is the normal pace.
      sleep: (ms, s, limit) => (limit === 'per-hour' ? waitFor('hourly-limit', ms) : sleep(ms, s)),
    }),
    segmentOf(topics) {
      if (!segmentOfTopics.has(topics)) segmentOfTopics.set(topics, segmentFor(JSON.parse(topics) as string[], categories));
      return segmentOfTopics.get(topics)!;
    },
    // A subscriber who changed topics during the send may need one more.
    async renderSegment(key) {
      if (!segments.has(key)) await compile([key]);
      return segments.get(key)!;
    },
  };
  // A store that stays away past maxOutageMs: the workers stop taking rows, the error is thrown once they settled.
  let storeGone: StoreUnavailableError | null = null;
  const deliver = (row: ClaimedDelivery) =>
    storeGone
      ? Promise.resolve()
      : deliverOne(ctx, row).catch((error: unknown) => {
          if (!(error instanceof StoreUnavailableError)) throw error;
          storeGone ??= error;
        });

  let pausedSince: number | null = null;
  let pauses = 0;
  // Claims outlive a long batch (a slow server, a low SEND_RATE) as long as this sender is alive.
  const renewal = setInterval(() => void renewClaims(db, owner, claimSeconds, now()).catch(() => {}), (claimSeconds * 1000) / 3);
  renewal.unref();
  try {
    while (!signal?.aborted && !state.halt && !storeGone) {
      if (state.pause) {
        pausedSince ??= state.pause.since;
        if (Date.now() - pausedSince > maxOutageMs) break;
        await waitFor(state.pause.kind, reconnectDelayMs(++pauses));
        state.pause = null;
        // Checked again before claiming: a stop during the wait claims nothing more.
        continue;
      }
      const batch = await store(() =>
        claimDueDeliveries(db, digest.id, { limit: options.batchSize ?? config.sendBatchSize, owner, resendUncertain, claimSeconds, now: now() }),
      );
      if (batch.length > 0) {
        await runPool(batch, config.sendConcurrency, deliver);
        if (storeGone) break;
        await store(() => releaseClaims(db, digest.id, owner));
        if (!state.pause) {
          pausedSince = null;
          pauses = 0;
        }
        continue;
      }
      // Nothing left to claim. Other senders may still hold rows: wait while they work, and take
      // back what a dead one held (at once for a process gone from this machine, else at claim expiry).
      uncertainFound += await store(() => recoverInterrupted(db, digest.id, now()));
      if ((await store(() => heldByOthers(db, digest.id, owner))) > 0) {
        await waitFor('other-senders', 1000);
        continue;
      }
      const next = await store(() => nextDeferredAt(db, digest.id));
      if (!next) break;
      const wait = Date.parse(next) - now().getTime();
      if (wait > waitMs) break;
      await waitFor('retry', wait + 50);
    }
    // A streak short of the breaker's limit was the addresses after all: their bounces count.
    if (!storeGone) for (const held of ctx.streak.drain()) await countBounce(ctx, held);
  } finally {
    clearInterval(renewal);
    // With the store gone, what this sender holds is freed by the next run (or by claim expiry).
    if (!storeGone) await store(() => releaseClaims(db, digest.id, owner));
  }
  if (storeGone) throw storeGone;

  const counts = await store(() => countDeliveries(db, digest.id));
  const open = counts.pending + counts.sending + counts.deferred + (resendUncertain ? counts.uncertain : 0);
  const finished = open === 0 && !signal?.aborted;
  if (finished && digest.status !== 'sent') await store(() => markDigestSent(db, digest.id, now()));
  // A stop (Ctrl-C, SIGTERM) during a pause is a stop, not a server that stayed away.
  const serverDown = !finished && !state.halt && !signal?.aborted && pausedSince !== null;
  return {
    week: week.id,
    ...state.progress,
    waiting: null,
    planned,
    uncertainFound,
    bounced: state.bounced,
    counts,
    finished,
    stopped: Boolean(signal?.aborted),
    serverDownSince: serverDown ? new Date(pausedSince!).toISOString() : null,
    serverDownReason: serverDown ? (state.pause?.reason ?? null) : null,
    halted: state.halt,
    nextRetryAt: counts.deferred > 0 ? await store(() => nextDeferredAt(db, digest.id)) : null,
    elapsedMs: Date.now() - started,
  };
}
