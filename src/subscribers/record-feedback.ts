import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { SubscriberRow } from '../db/schema.ts';
import { recordHardBounce } from '../delivery/delivery-store.ts';
import type { FeedbackReport } from './feedback-report.ts';
import { inTransaction } from '../db/transaction.ts';
import { insertFeedbackReport, reportImported } from './feedback-store.ts';
import { findSubscriberByEmail, findSubscriberById, markComplained } from './subscriber-store.ts';

export interface FeedbackOutcome {
  kind: FeedbackReport['feedback']['kind'] | 'duplicate';
  /** One line for the operator. */
  detail: string;
}

/**
 * Acts on one report, in one transaction with the record that it was
 * imported: a spam complaint makes the subscriber `complained` (no digest
 * goes to them again, as Gmail and Yahoo require); a permanent bounce counts
 * like a 5xx at send time, and at HARD_BOUNCE_LIMIT makes them `bounced`.
 */
export async function recordFeedback(db: Db, config: Config, report: FeedbackReport, now = new Date()): Promise<FeedbackOutcome> {
  const stamp = now.toISOString();
  return inTransaction(db, async (trx) => {
    if (await reportImported(trx, report.key)) return { kind: 'duplicate', detail: `already imported (${report.key})` };
    const { feedback } = report;
    let subscriber: SubscriberRow | undefined;
    let detail: string;
    if (feedback.kind === 'ignored') {
      detail = `ignored: ${feedback.reason}`;
    } else {
      subscriber = feedback.subscriberId !== null ? await findSubscriberById(trx, feedback.subscriberId) : undefined;
      subscriber ??= feedback.address ? await findSubscriberByEmail(trx, feedback.address) : undefined;
      if (!subscriber) {
        detail = `${feedback.kind} about ${feedback.address ?? 'an unknown address'}: no subscriber matches, nothing changed`;
      } else if (feedback.kind === 'complaint') {
        detail = (await markComplained(trx, subscriber.id, stamp))
          ? `complaint from ${subscriber.email}: marked complained, no more digests`
          : `complaint from ${subscriber.email}: already complained`;
      } else {
        await recordHardBounce(trx, subscriber.id, config.hardBounceLimit, now);
        const after = (await findSubscriberById(trx, subscriber.id))!;
        detail = `bounce ${feedback.status} for ${subscriber.email}${feedback.diagnostic ? ` (${feedback.diagnostic})` : ''}: hard bounce ${after.bounce_count} of ${config.hardBounceLimit}${
          after.status === 'bounced' ? ', bounced: no more digests' : ''
        }`;
      }
    }
    await insertFeedbackReport(trx, {
      report_key: report.key,
      kind: feedback.kind,
      subscriber_id: subscriber?.id ?? null,
      week: feedback.kind === 'ignored' ? null : feedback.weekId,
      detail,
      imported_at: stamp,
    });
    return { kind: feedback.kind, detail };
  });
}
