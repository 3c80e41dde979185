import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import { type DeliveryCounts, claimHolders, commonErrors, countDeliveries, countSentSince, feedbackCounts, nextDeferredAt } from './delivery-store.ts';
import { hourlyResumeAt } from './limits-store.ts';

export interface SendStatus {
  counts: DeliveryCounts;
  /** Messages sent in the last minute. */
  perMinute: number;
  /** Seconds to send what is still open at the current rate; null when nothing moves. */
  etaSeconds: number | null;
  nextRetryAt: string | null;
  /** When SEND_HOURLY_LIMIT lets sending resume; null when it does not hold it back. */
  hourlyResumeAt: string | null;
  topErrors: { error: string; count: number }[];
  /** The senders holding deliveries of this digest right now (`host:pid:id`), and how many each holds. */
  senders: { owner: string; claimed: number }[];
  /** Reports about this digest imported with `digest feedback import`: spam complaints and bounces after acceptance. */
  feedback: { complaints: number; lateBounces: number };
}

/** What an operator needs to watch a send: progress, speed, what is failing and why. */
export async function describeSend(db: Db, config: Config, digestId: number, now = new Date()): Promise<SendStatus> {
  const reports = await feedbackCounts(db, digestId);
  const reported = (kind: string) => reports.get(kind) ?? 0;
  const counts = await countDeliveries(db, digestId);
  const minuteAgo = new Date(now.getTime() - 60_000).toISOString();
  const perMinute = await countSentSince(db, digestId, minuteAgo);
  const open = counts.pending + counts.sending + counts.deferred + counts.uncertain;
  const errors = await commonErrors(db, digestId, 5);
  const resume = config.sendHourlyLimit ? await hourlyResumeAt(db, now, config.sendHourlyLimit) : null;
  // Who is sending: one owner per sender process (several when workers share the send).
  const holders = await claimHolders(db, digestId);
  return {
    counts,
    perMinute,
    etaSeconds: open > 0 && perMinute > 0 ? Math.ceil((open / perMinute) * 60) : null,
    nextRetryAt: counts.deferred > 0 ? await nextDeferredAt(db, digestId) : null,
    hourlyResumeAt: resume?.toISOString() ?? null,
    senders: holders.map(({ owner, claimed }) => ({ owner, claimed })),
    topErrors: errors,
    feedback: { complaints: reported('complaint'), lateBounces: reported('bounce') },
  };
}
