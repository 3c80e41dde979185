import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { Week } from '../week.ts';
import type { RenderedDigest } from '../personalize/personalize.ts';
import type { SegmentKey } from '../digests/segments.ts';
import type { OutgoingMessage, Transport } from '../domain.ts';
import { composeDigestMessage, digestMessageId } from '../personalize/compose-message.ts';
import {
  type ClaimedDelivery,
  beginAttempt,
  cancelAttempt,
  clearBounces,
  markAttemptFailed,
  markSent,
  markSkipped,
  recordHardBounce,
  reopenDeliveries,
} from './delivery-store.ts';
import type { FailureStreak, HeldFailure } from './failure-streak.ts';
import { HeaderValueError } from '../personalize/header-fields.ts';
import type { MessageBuffers } from '../personalize/message-buffers.ts';
import { NO_MATCHING_TOPICS } from './plan-store.ts';
import type { Recipient } from '../personalize/recipient-values.ts';
import { type FailureVerdict, classifyFailure, retryDelaySeconds } from './retry-policy.ts';
import type { SendPacer } from './send-pacer.ts';

export interface SendProgress {
  /** Deliveries open when this run started (pending, uncertain, deferred). */
  total: number;
  sent: number;
  deferred: number;
  failed: number;
  skipped: number;
  /** Set while the run waits: for the SMTP server, the store, the hourly limit, a retry or other senders. */
  waiting: { reason: WaitReason; until: string } | null;
}

export type WaitReason = 'server-down' | 'smtp-session' | 'store-down' | 'hourly-limit' | 'retry' | 'other-senders';

/** What the workers of one send share: its progress, and why it must wait or stop. */
export interface RunState {
  progress: SendProgress;
  report(): void;
  /** Set by the first message that finds the SMTP server away, or a session failure that may pass: the send waits, then goes on. */
  pause: { since: number; reason: string; kind: 'server-down' | 'smtp-session' } | null;
  /** Set by a failure that will not pass without a fix (a wrong password, the breaker): the send stops; one line for the operator. */
  halt: string | null;
  /** Subscribers this run marked bounced. */
  bounced: number;
}

/** Everything the per-recipient step needs; made once per send. */
export interface DeliveryContext {
  db: Db;
  config: Config;
  transport: Transport;
  week: Week;
  owner: string;
  now: () => Date;
  signal?: AbortSignal;
  pacer: SendPacer;
  /** Runs a store operation through the send's StorePatience: a busy or restarting store is waited out. */
  store<T>(operation: () => Promise<T>): Promise<T>;
  streak: FailureStreak;
  buffers: MessageBuffers;
  segmentOf(topics: string): SegmentKey | null;
  renderSegment(key: SegmentKey): Promise<RenderedDigest>;
  state: RunState;
}

/**
 * One recipient's turn: skip, or begin the attempt, wait for a rate slot,
 * put the message on the wire and record what the server said. Only the
 * wire call is in the `try`: a store error while recording is the store's
 * (StorePatience waits it out), never the message's, so a message the
 * server accepted is never recorded as failed.
 */
export async function deliverOne(ctx: DeliveryContext, row: ClaimedDelivery): Promise<void> {
  const { db, state, store } = ctx;
  if (ctx.signal?.aborted || state.pause || state.halt) return;
  const segment = ctx.segmentOf(row.topics ?? '[]');
  if (row.subscriberId === null || row.email === null || row.subscriberStatus !== 'active' || segment === null) {
    const reason = segment === null && row.subscriberStatus === 'active' ? NO_MATCHING_TOPICS : `subscriber is ${row.subscriberStatus ?? 'erased'}`;
    await store(() => markSkipped(db, row.id, reason, ctx.now()));
    state.progress.skipped++;
    return state.report();
  }
  const rendered = await ctx.renderSegment(segment);
  const recipient: Recipient = { id: row.subscriberId, email: row.email, name: row.name ?? '' };
  // False when this sender stalled past its claim and another took the row: it is theirs to send now.
  if (!(await store(() => beginAttempt(db, row.id, ctx.owner, ctx.now())))) return;
  // The rate slot is taken last, right before the wire, so the limit holds at the server.
  if (!(await ctx.pacer.acquire(ctx.signal)) || state.pause || state.halt) return store(() => cancelAttempt(db, row.id, row.status, ctx.now()));
  let message: OutgoingMessage;
  try {
    message = composeDigestMessage(ctx.config, rendered, ctx.week.id, recipient, ctx.now(), ctx.buffers);
  } catch (error) {
    // An address stored before today's checks that no header may carry: this reader's delivery fails, nobody else's.
    if (!(error instanceof HeaderValueError && error.code === 'EADDRESS')) throw error;
    return recordFailure(ctx, row, recipient, { kind: 'refused', reason: error.message });
  }
  let response: string;
  try {
    response = (await ctx.transport.send(message)).response;
  } catch (error) {
    return recordFailure(ctx, row, recipient, classifyFailure(error));
  }
  // Accepted: every byte was written, so the memory can carry the next message. (After a failure the socket may still hold it.)
  ctx.buffers.giveBack(message.raw!);
  await store(() => markSent(db, row.id, { messageId: message.messageId, response, now: ctx.now() }));
  if (row.bounceCount > 0) await store(() => clearBounces(db, recipient.id));
  state.progress.sent++;
  for (const held of ctx.streak.success()) await countBounce(ctx, held);
  state.report();
}

/** Records a failed attempt by whose fault it was (see retry-policy.ts). */
async function recordFailure(ctx: DeliveryContext, row: ClaimedDelivery, recipient: Recipient, verdict: FailureVerdict): Promise<void> {
  const { db, config, state, store } = ctx;
  if (verdict.kind === 'unreachable' || verdict.kind === 'session') {
    // Not this reader's fault: the attempt did not happen. Pause, or stop, the whole send.
    await store(() => cancelAttempt(db, row.id, row.status, ctx.now()));
    if (verdict.kind === 'session' && verdict.lasting) state.halt ??= verdict.reason;
    else state.pause ??= { since: Date.now(), reason: verdict.reason, kind: verdict.kind === 'unreachable' ? 'server-down' : 'smtp-session' };
    return;
  }
  const messageId = digestMessageId(config, ctx.week.id, recipient.id);
  if (verdict.kind === 'transient') {
    const attempt = row.attempts + 1;
    const retryAt = attempt < config.maxAttempts ? new Date(ctx.now().getTime() + retryDelaySeconds(attempt, config.retryBaseSeconds) * 1000) : null;
    await store(() => markAttemptFailed(db, row.id, { error: verdict.reason, messageId, retryAt, now: ctx.now() }));
    if (retryAt) state.progress.deferred++;
    else state.progress.failed++;
    return state.report();
  }
  await store(() => markAttemptFailed(db, row.id, { error: verdict.reason, messageId, retryAt: null, now: ctx.now() }));
  state.progress.failed++;
  // Refused, but not by a reply about the address: no bounce to hold or count, and no part of a streak.
  if (verdict.kind === 'refused') return state.report();
  const { count, undo } = ctx.streak.failure({ deliveryId: row.id, subscriberId: recipient.id, previous: row.status }, verdict.reason);
  for (const held of count) await countBounce(ctx, held);
  if (undo.length > 0) {
    await store(() => reopenDeliveries(db, undo, ctx.now()));
    state.progress.failed -= undo.length;
    state.halt ??=
      `${config.consecutiveFailureLimit} readers in a row were refused with the same reply (${verdict.reason}): that is the server or the sender, not the addresses. ` +
      'Stopped; none of them counts as a bounce and their deliveries are open again. Fix the cause and run `digest send` again (CONSECUTIVE_FAILURE_LIMIT sets how many)';
  }
  state.report();
}

/** A permanent refusal of the reader's address counts against it; at HARD_BOUNCE_LIMIT they are `bounced`. */
export async function countBounce(ctx: DeliveryContext, held: HeldFailure): Promise<void> {
  if (await ctx.store(() => recordHardBounce(ctx.db, held.subscriberId, ctx.config.hardBounceLimit, ctx.now()))) ctx.state.bounced++;
}
