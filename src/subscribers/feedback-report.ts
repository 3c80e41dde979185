import { createHash } from 'node:crypto';
import type { Config } from '../config/config.ts';
import { digestMessageIdsIn } from '../personalize/compose-message.ts';
import { type MimePart, contentTypeOf, decodedBody, leafParts, parseHeaders, readPart } from './mime-parts.ts';

/*
 * Reports mailbox providers send back about a digest after they accepted it:
 * spam complaints through their feedback loops (ARF, RFC 5965) and bounces
 * that come later than the SMTP answer (DSN, RFC 3464). Both are
 * `multipart/report` messages carrying the original message or its headers.
 */

/** What a report says, and about whom: the subscriber from our Message-ID (its tag checked), else the address it names. */
export type Feedback =
  | { kind: 'complaint'; feedbackType: string; subscriberId: number | null; address: string | null; weekId: string | null }
  | { kind: 'bounce'; status: string; diagnostic: string; subscriberId: number | null; address: string | null; weekId: string | null }
  | { kind: 'ignored'; reason: string };

export interface FeedbackReport {
  /** The report's own Message-ID (else a hash of its bytes): importing it twice counts it once. */
  key: string;
  feedback: Feedback;
}

const ORIGINAL_PARTS = ['message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers'];

/** `Name: value` field blocks, separated by empty lines (RFC 3464 §2.1, RFC 5965 §3.1). */
function fieldBlocks(text: string): Map<string, string>[] {
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .map(parseHeaders)
    .filter((fields) => fields.size > 0);
}

/** The address of `rfc822; ada@example.org` or `<ada@example.org>`. */
function addressOf(value: string | undefined): string | null {
  const address = value
    ?.replace(/^rfc822\s*;/i, '')
    .trim()
    .replace(/^<|>$/g, '');
  return address?.includes('@') ? address : null;
}

const partsText = (parts: MimePart[], types: string[]) =>
  parts
    .filter((part) => types.includes(contentTypeOf(part).type))
    .map(decodedBody)
    .join('\n\n');

/**
 * Reads one report. Anything that is not a spam complaint or a permanent
 * failure (an auto-reply, a delay notice, a "not spam" report) is `ignored`,
 * with the reason.
 */
export function readFeedbackReport(config: Config, raw: Buffer): FeedbackReport {
  const message = readPart(raw.toString('utf8'));
  const key = message.headers.get('message-id') || `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const { type, params } = contentTypeOf(message);
  const reportType = type === 'multipart/report' ? (params['report-type'] ?? '').toLowerCase() : null;
  if (reportType !== 'feedback-report' && reportType !== 'delivery-status') {
    return { key, feedback: { kind: 'ignored', reason: `not a complaint or bounce report (${type}${reportType ? `; report-type=${reportType}` : ''})` } };
  }
  const parts = leafParts(message);
  const digest = digestMessageIdsIn(config, partsText(parts, ORIGINAL_PARTS))[0];
  const subscriberId = digest?.subscriberId ?? null;
  const weekId = digest?.weekId ?? null;

  if (reportType === 'feedback-report') {
    const fields = fieldBlocks(partsText(parts, ['message/feedback-report']))[0] ?? new Map<string, string>();
    const feedbackType = (fields.get('feedback-type') ?? '').toLowerCase();
    // abuse is the spam button; not-spam, fraud, virus and the rest are not a reader asking to stop.
    if (feedbackType !== 'abuse') return { key, feedback: { kind: 'ignored', reason: `feedback type "${feedbackType || 'none'}" is not a spam complaint` } };
    return { key, feedback: { kind: 'complaint', feedbackType, subscriberId, address: addressOf(fields.get('original-rcpt-to')), weekId } };
  }

  const recipients = fieldBlocks(partsText(parts, ['message/delivery-status', 'message/global-delivery-status'])).filter((f) => f.has('action'));
  const failed = recipients.find((f) => f.get('action')!.toLowerCase() === 'failed' && /^5\./.test(f.get('status') ?? ''));
  if (!failed) {
    const seen = recipients.map((f) => `${f.get('action')} ${f.get('status') ?? ''}`.trim()).join(', ');
    return { key, feedback: { kind: 'ignored', reason: `no permanent failure (${seen || 'no recipient fields'})` } };
  }
  return {
    key,
    feedback: {
      kind: 'bounce',
      status: failed.get('status')!,
      diagnostic: (failed.get('diagnostic-code') ?? '').replace(/^smtp\s*;\s*/i, '').slice(0, 300),
      subscriberId,
      address: addressOf(failed.get('final-recipient') ?? failed.get('original-recipient')),
      weekId,
    },
  };
}
