/**
 * The words of this codebase, and the types every layer may use. This is the
 * bottom layer: it imports nothing of ours but addresses.
 *
 * - article: one story the publication wrote, reporting on an original source.
 * - source: a feed the operator added (`digest sources add`), fetched before each weekly build.
 * - week: an ISO week (`2026-W48`), Monday 00:00 to next Monday 00:00 in DIGEST_TZ (src/week.ts).
 * - digest: the email for one week; its article list and subject are frozen when built.
 * - segment: one version of a week's digest, for readers who chose the same topics (`all` is the whole issue).
 * - slot: a placeholder in a compiled segment (greeting, address, signed links), filled per reader.
 * - recipient: whom one copy is for: a subscriber, or an editor's test copy (inert links).
 * - delivery: one digest to one subscriber, with its own state machine.
 * - lease: a named lock with an owner and an expiry, so one sender runs at a time.
 * - claim: a worker's hold on a delivery (claimed_by, claimed_until), so no two send it.
 * - transport: anything that puts a message on the wire (the SMTP pool, the .eml outbox).
 *
 * Times are UTC ISO-8601 strings (`2026-11-23T08:00:00.000Z`), which sort as text.
 */
import type { Mailbox } from './mailbox.ts';

export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'bounced' | 'complained';
export type DigestStatus = 'draft' | 'sending' | 'sent';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'deferred' | 'failed' | 'skipped' | 'uncertain';

/** A message ready for the wire: personalised bodies and every header we set. */
export interface OutgoingMessage {
  /** Filename-safe key of the (digest, subscriber) pair, e.g. `2026-W47/42-ada@example.com`; the outbox names files by it. */
  key: string;
  from: Mailbox;
  to: Mailbox;
  replyTo?: Mailbox;
  subject: string;
  text: string;
  html: string;
  /** With angle brackets: `<2026-W47.42.9f1c2a@harmledger.example>` */
  messageId: string;
  date: Date;
  headers: Record<string, string>;
  /**
   * The complete message, already encoded (digests: see personalize/mime-message.ts).
   * When set, transports send these bytes as they are; the fields above describe them.
   */
  raw?: Buffer;
}

export interface SendResult {
  /** The server's reply to DATA (`250 2.0.0 Ok: queued as ...`) or where the file went. */
  response: string;
}

/**
 * Anything that can deliver a message: the SMTP pool or the .eml outbox,
 * chosen once from config. Failures are errors with a `code`
 * (ECONNECTION, ETIMEDOUT, EENVELOPE, EMESSAGE...) and, for SMTP replies,
 * a numeric `responseCode`, so callers branch on codes, not on text.
 */
export interface Transport {
  /** For people: `SMTP smtp://mail.example.com:587` or `outbox data/outbox`. */
  readonly description: string;
  send(message: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}
