import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { DigestRow } from '../db/schema.ts';
import type { Week } from '../articles/week.ts';
import { loadDigestContent } from '../digests/find-digest.ts';
import { renderDigest } from '../render/render-digest.ts';
import type { Transport } from '../transport/transport.ts';
import { composeDigestMessage, digestMessageId } from './compose-message.ts';
import {
  type ClaimedDelivery,
  type DeliveryCounts,
  beginAttempt,
  claimDueDeliveries,
  countDeliveries,
  markAttemptFailed,
  markInterruptedUncertain,
  markSent,
  markSkipped,
  nextDeferredAt,
  releaseClaims,
} from './delivery-store.ts';
import { planDeliveries } from './plan-deliveries.ts';
import { classifyFailure, retryDelaySeconds } from './retry-policy.ts';
import { runPool } from './run-pool.ts';

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
  batchSize?: number;
  /** Aborting stops claiming new work; messages in flight finish and are recorded. */
  signal?: AbortSignal;
  onProgress?: (progress: SendProgress) => void;
}

export interface SendProgress {
  sent: number;
  deferred: number;
  failed: number;
  skipped: number;
}

export interface SendSummary extends SendProgress {
  week: string;
  /** Delivery rows created by this run (new active subscribers). */
  planned: number;
  /** Rows found in `sending`, left by a process that died mid-flight. */
  uncertainFound: number;
  counts: DeliveryCounts;
  /** True when every delivery of the digest reached a final state. */
  finished: boolean;
  stopped: boolean;
  nextRetryAt: string | null;
  elapsedMs: number;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Sends a built digest to every active subscriber who has not had it yet,
 * recording each recipient's state in the database as it goes: `sent` only
 * after the transport accepted the message. Safe to run again at any time.
 *
 * @example
 * const summary = await sendDigest({ db, config, transport }, digest, week);
 */
export async function sendDigest(deps: SendDeps, digest: DigestRow, week: Week, options: SendOptions = {}): Promise<SendSummary> {
  const { db, config, transport } = deps;
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? defaultSleep;
  const started = Date.now();
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const resendUncertain = options.resendUncertain ?? true;
  const waitMs = (options.waitForDeferredSeconds ?? 180) * 1000;
  const progress: SendProgress = { sent: 0, deferred: 0, failed: 0, skipped: 0 };

  const rendered = await renderDigest(await loadDigestContent(db, digest, week), config);
  const uncertainFound = await markInterruptedUncertain(db, digest.id, now());
  const planned = digest.status === 'sent' ? 0 : await planDeliveries(db, digest.id, now());
  if (digest.status === 'draft') {
    await db.updateTable('digests').set({ status: 'sending', started_at: now().toISOString() }).where('id', '=', digest.id).execute();
  }

  const deliver = async (row: ClaimedDelivery) => {
    if (options.signal?.aborted) return;
    if (row.subscriberId === null || row.email === null || row.subscriberStatus !== 'active') {
      await markSkipped(db, row.id, `subscriber is ${row.subscriberStatus ?? 'erased'}`, now());
      progress.skipped++;
      return;
    }
    const recipient = { id: row.subscriberId, email: row.email, name: row.name ?? '' };
    const message = composeDigestMessage(config, rendered, week.id, recipient, now());
    await beginAttempt(db, row.id, now());
    try {
      const result = await transport.send(message);
      await markSent(db, row.id, { messageId: message.messageId, response: result.response, now: now() });
      progress.sent++;
    } catch (error) {
      const verdict = classifyFailure(error);
      const attempt = row.attempts + 1;
      const retry = verdict.kind === 'transient' && attempt < config.maxAttempts;
      const retryAt = retry ? new Date(now().getTime() + retryDelaySeconds(attempt, config.retryBaseSeconds) * 1000) : null;
      await markAttemptFailed(db, row.id, { error: verdict.reason, messageId: digestMessageId(config, week.id, recipient.id), retryAt, now: now() });
      if (retry) progress.deferred++;
      else progress.failed++;
    }
    options.onProgress?.({ ...progress });
  };

  let nextRetryAt: string | null = null;
  try {
    while (!options.signal?.aborted) {
      const batch = await claimDueDeliveries(db, digest.id, {
        limit: options.batchSize ?? 500,
        owner,
        resendUncertain,
        now: now(),
      });
      if (batch.length > 0) {
        await runPool(batch, config.sendConcurrency, deliver);
        continue;
      }
      nextRetryAt = await nextDeferredAt(db, digest.id);
      if (!nextRetryAt) break;
      const wait = Date.parse(nextRetryAt) - now().getTime();
      if (wait > waitMs) break;
      await sleep(Math.max(wait, 0) + 50, options.signal);
    }
  } finally {
    await releaseClaims(db, digest.id, owner);
  }

  const counts = await countDeliveries(db, digest.id);
  const open = counts.pending + counts.sending + counts.deferred + (resendUncertain ? counts.uncertain : 0);
  const finished = open === 0 && !options.signal?.aborted;
  if (finished && digest.status !== 'sent') {
    await db.updateTable('digests').set({ status: 'sent', finished_at: now().toISOString() }).where('id', '=', digest.id).execute();
  }
  return {
    week: week.id,
    ...progress,
    planned,
    uncertainFound,
    counts,
    finished,
    stopped: Boolean(options.signal?.aborted),
    nextRetryAt: counts.deferred > 0 ? await nextDeferredAt(db, digest.id) : null,
    elapsedMs: Date.now() - started,
  };
}
