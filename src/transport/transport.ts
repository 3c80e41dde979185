import type { Mailbox } from '../mailbox.ts';

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

/** nodemailer's mail options for a message (shared by both transports). */
export function toMailOptions(message: OutgoingMessage) {
  if (message.raw !== undefined) {
    return { envelope: { from: message.from.address, to: [message.to.address] }, raw: message.raw, messageId: message.messageId };
  }
  return {
    // As config parsed them, not re-read by nodemailer's lenient address parser.
    from: message.from,
    to: message.to,
    replyTo: message.replyTo,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    date: message.date,
    headers: message.headers,
  };
}
