import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { DigestRow } from '../db/schema.ts';
import type { Week } from '../articles/week.ts';
import { loadDigestContent } from '../digests/find-digest.ts';
import { type CompiledDigest, type RenderedDigest, withMime } from '../render/rendered-digest.ts';
import { type SegmentCompiler, compileInProcess } from '../render/segment-compiler.ts';
import { ALL, type SegmentKey, segmentFor } from '../digests/segments.ts';
import type { Transport } from '../transport/transport.ts';
import { composeDigestMessage, digestMessageId } from './compose-message.ts';
import {
  type ClaimedDelivery,
  type DeliveryCounts,
  beginAttempt,
  cancelAttempt,
  claimDueDeliveries,
  clearBounces,
  countDeliveries,
  heldByOthers,
  markAttemptFailed,
  recoverInterrupted,
  markSent,
  markSkipped,
  nextDeferredAt,
  recordHardBounce,
  releaseClaims,
  renewClaims,
} from './delivery-store.ts';
import { MessageBuffers } from './message-buffers.ts';
import { newOwner } from './owner.ts';
import { storeLimits } from './shared-limits.ts';
import { NO_MATCHING_TOPICS, planDeliveries } from './plan-deliveries.ts';
import { classifyFailure, reconnectDelayMs, retryDelaySeconds } from './retry-policy.ts';
import { runPool, sleepUnlessAborted } from './run-pool.ts';
import { SendPacer } from './send-pacer.ts';

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
  /** Give up (for this run) after the SMTP server was unreachable this long (default 600 s). */
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

export interface SendProgress {
  /** Deliveries open when this run started (pending, uncertain, deferred). */
  total: number;
  sent: number;
  deferred: number;
  failed: number;
  skipped: number;
  /** Set while the run waits: for the SMTP server, the hourly limit or a retry. */
  waiting: { reason: 'server-down' | 'hourly-limit' | 'retry' | 'other-senders'; until: string } | null;
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
  /** Set when the run gave up because the SMTP server stayed unreachable. */
  serverDownSince: string | null;
  nextRetryAt: string | null;
  elapsedMs: number;
}

/** The segments the open deliveries of a digest need, from their subscribers' distinct topic choices. */
async function segmentsNeeded(db: Db, digestId: number, categories: string[]): Promise<SegmentKey[]> {
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('subscribers as s', 's.id', 'd.subscriber_id')
    .select('s.topics')
    .distinct()
    .where('d.digest_id', '=', digestId)
    .where('d.status', 'in', ['pending', 'uncertain', 'deferred'])
    .execute();
  return rows.flatMap((r) => segmentFor(JSON.parse(r.topics) as string[], categories) ?? []);
}

/**
 * Sends a built digest to every active subscriber who has not had it yet,
 * recording each recipient's state in the database as it goes: `sent` only
 * after the transport accepted the message. Safe to run again at any time,
 * including after a crash.
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

  const content = await loadDigestContent(db, digest, week);
  const categories = content.articles.map((a) => a.category);
  let uncertainFound = await recoverInterrupted(db, digest.id, now());
  // A worker joining a send that others are working on has nothing to plan: the one that started it
  // did (re-checking every subscriber took 1.4–2.7 s at 1,000,000). A resumed send plans again, to
  // include anyone who subscribed since.
  const joining = digest.status === 'sending' && (await heldByOthers(db, digest.id, owner)) > 0;
  const planned = digest.status === 'sent' || joining ? 0 : await planDeliveries(db, digest.id, categories, now());
  // Compiled once per segment (set of categories) for the whole run, never per subscriber:
  // every segment the open deliveries need, in one go, before sending starts.
  const compiler = options.compiler ?? compileInProcess;
  const segments = new Map<SegmentKey, Promise<RenderedDigest>>();
  if (options.compiledAll) segments.set(ALL, Promise.resolve(withMime(config, options.compiledAll)));
  const compile = async (keys: SegmentKey[]) => {
    const compiled = compiler(content, keys, config);
    for (const key of keys) segments.set(key, compiled.then((all) => withMime(config, all.get(key)!)));
    await compiled;
  };
  const needed = new Set([ALL, ...(await segmentsNeeded(db, digest.id, categories))]);
  const missing = [...needed].filter((key) => !segments.has(key));
  if (missing.length > 0) await compile(missing);
  // A subscriber who changed topics during the send may need one more.
  const renderSegment = async (key: SegmentKey) => {
    if (!segments.has(key)) await compile([key]);
    return segments.get(key)!;
  };
  // Only now, with everything compiled, is the digest frozen for good.
  if (digest.status === 'draft') {
    await db.updateTable('digests').set({ status: 'sending', started_at: now().toISOString() }).where('id', '=', digest.id).execute();
  }
  const atStart = await countDeliveries(db, digest.id);
  const progress: SendProgress = {
    total: atStart.pending + atStart.deferred + (resendUncertain ? atStart.uncertain : 0),
    sent: 0,
    deferred: 0,
    failed: 0,
    skipped: 0,
    waiting: null,
  };
  const report = () => options.onProgress?.({ ...progress });
  const pacer = new SendPacer({
    perSecond: config.sendRate,
    perHour: config.sendHourlyLimit,
    // The limits are the publication's totals: every sender sharing the store takes its slots from there.
    shared: storeLimits(db),
    now: () => now().getTime(),
    sleep: async (ms, s, limit) => {
      // Only the hourly limit is a pause worth reporting; SEND_RATE's spacing is the normal pace.
      if (limit !== 'per-hour') return sleep(ms, s);
      progress.waiting = { reason: 'hourly-limit', until: new Date(now().getTime() + ms).toISOString() };
      report();
      await sleep(ms, s);
      progress.waiting = null;
    },
  });
  let bounced = 0;
  let serverDownSince: string | null = null;
  // Shared by the pool's workers: set by the first one that cannot reach the server.
  const outage: { current: { since: number; reason: string } | null; consecutive: number } = { current: null, consecutive: 0 };

  // Subscribers share a handful of topic choices: work out each one's segment once, not per subscriber.
  const segmentOfTopics = new Map<string, SegmentKey | null>();
  const segmentOf = (topics: string) => {
    if (!segmentOfTopics.has(topics)) segmentOfTopics.set(topics, segmentFor(JSON.parse(topics) as string[], categories));
    return segmentOfTopics.get(topics)!;
  };

  // As many as there are messages in flight, reused for the whole send.
  const buffers = new MessageBuffers();
  const deliver = async (row: ClaimedDelivery) => {
    if (signal?.aborted || outage.current) return;
    const segment = segmentOf(row.topics ?? '[]');
    if (row.subscriberId === null || row.email === null || row.subscriberStatus !== 'active' || segment === null) {
      const reason = segment === null && row.subscriberStatus === 'active' ? NO_MATCHING_TOPICS : `subscriber is ${row.subscriberStatus ?? 'erased'}`;
      await markSkipped(db, row.id, reason, now());
      progress.skipped++;
      return report();
    }
    const rendered = await renderSegment(segment);
    const recipient = { id: row.subscriberId, email: row.email, name: row.name ?? '' };
    // False when this sender stalled past its claim and another took the row: it is theirs to send now.
    if (!(await beginAttempt(db, row.id, owner, now()))) return;
    // The rate slot is taken last, right before the wire, so the limit holds at the server.
    if (!(await pacer.acquire(signal)) || outage.current) return cancelAttempt(db, row.id, row.status, now());
    const message = composeDigestMessage(config, rendered, week.id, recipient, now(), buffers);
    try {
      const result = await transport.send(message);
      // Accepted: every byte was written, so the memory can carry the next message. (After a failure the socket may still hold it.)
      buffers.giveBack(message.raw!);
      await markSent(db, row.id, { messageId: message.messageId, response: result.response, now: now() });
      if (row.bounceCount > 0) await clearBounces(db, recipient.id);
      progress.sent++;
      if (outage.current === null) outage.consecutive = 0;
    } catch (error) {
      const verdict = classifyFailure(error);
      if (verdict.kind === 'unreachable') {
        // Not this recipient's fault: the attempt did not happen. Pause the whole send.
        await cancelAttempt(db, row.id, row.status, now());
        outage.current ??= { since: Date.now(), reason: verdict.reason };
        return;
      }
      const attempt = row.attempts + 1;
      const retry = verdict.kind === 'transient' && attempt < config.maxAttempts;
      const retryAt = retry ? new Date(now().getTime() + retryDelaySeconds(attempt, config.retryBaseSeconds) * 1000) : null;
      await markAttemptFailed(db, row.id, { error: verdict.reason, messageId: digestMessageId(config, week.id, recipient.id), retryAt, now: now() });
      if (verdict.kind === 'permanent' && verdict.responseCode !== null && (await recordHardBounce(db, recipient.id, config.hardBounceLimit, now()))) bounced++;
      if (retry) progress.deferred++;
      else progress.failed++;
    }
    report();
  };

  let outageStarted: number | null = null;
  // Claims outlive a long batch (a slow server, a low SEND_RATE) as long as this sender is alive.
  const renewal = setInterval(() => void renewClaims(db, owner, claimSeconds, now()).catch(() => {}), (claimSeconds * 1000) / 3);
  renewal.unref();
  try {
    while (!signal?.aborted) {
      if (outage.current) {
        outageStarted ??= outage.current.since;
        serverDownSince = new Date(outageStarted).toISOString();
        if (Date.now() - outageStarted > maxOutageMs) break;
        outage.consecutive++;
        const delay = reconnectDelayMs(outage.consecutive);
        progress.waiting = { reason: 'server-down', until: new Date(now().getTime() + delay).toISOString() };
        report();
        await sleep(delay, signal);
        progress.waiting = null;
        outage.current = null;
      }
      const batch = await claimDueDeliveries(db, digest.id, { limit: options.batchSize ?? config.sendBatchSize, owner, resendUncertain, claimSeconds, now: now() });
      if (batch.length > 0) {
        await runPool(batch, config.sendConcurrency, deliver);
        await releaseClaims(db, digest.id, owner);
        if (!outage.current) {
          outageStarted = null;
          serverDownSince = null;
        }
        continue;
      }
      // Nothing left to claim. Other senders may still hold rows: wait while they work, and take
      // back what a dead one held (at once for a process gone from this machine, else at claim expiry).
      uncertainFound += await recoverInterrupted(db, digest.id, now());
      if ((await heldByOthers(db, digest.id, owner)) > 0) {
        progress.waiting = { reason: 'other-senders', until: new Date(now().getTime() + 1000).toISOString() };
        report();
        await sleep(1000, signal);
        progress.waiting = null;
        continue;
      }
      const next = await nextDeferredAt(db, digest.id);
      if (!next) break;
      const wait = Date.parse(next) - now().getTime();
      if (wait > waitMs) break;
      progress.waiting = { reason: 'retry', until: next };
      report();
      await sleep(wait + 50, signal);
      progress.waiting = null;
    }
  } finally {
    clearInterval(renewal);
    await releaseClaims(db, digest.id, owner);
  }

  const counts = await countDeliveries(db, digest.id);
  const open = counts.pending + counts.sending + counts.deferred + (resendUncertain ? counts.uncertain : 0);
  const finished = open === 0 && !signal?.aborted;
  if (finished && digest.status !== 'sent') {
    await db.updateTable('digests').set({ status: 'sent', finished_at: now().toISOString() }).where('id', '=', digest.id).execute();
  }
  return {
    week: week.id,
    ...progress,
    waiting: null,
    planned,
    uncertainFound,
    bounced,
    counts,
    finished,
    stopped: Boolean(signal?.aborted),
    serverDownSince: finished ? null : serverDownSince,
    nextRetryAt: counts.deferred > 0 ? await nextDeferredAt(db, digest.id) : null,
    elapsedMs: Date.now() - started,
  };
}
