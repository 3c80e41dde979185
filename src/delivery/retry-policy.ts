/**
 * What to do with a delivery whose send failed, decided by whose fault the
 * failure is. Only a permanent reply to this reader's RCPT TO, or to DATA
 * for this one message, is the reader's bounce; a failure of the session or
 * of the sender (AUTH, TLS, the greeting, EHLO, MAIL FROM) is nobody's among
 * the readers and pauses or stops the whole send with no attempt used.
 */
export type FailureVerdict =
  /** A 5xx reply to this reader's RCPT TO or DATA (RFC 5321 §4.2.1): fails the delivery and counts a hard bounce. */
  | { kind: 'bounce'; reason: string; responseCode: number }
  /** Refused for good, but not by a reply about the address: fails the delivery, counts no bounce. */
  | { kind: 'refused'; reason: string }
  /** 4xx, a reset or a timeout during the transaction: try this reader again later. */
  | { kind: 'transient'; reason: string; responseCode: number | null }
  /** The server could not be reached at all: pause the send and try again. */
  | { kind: 'unreachable'; reason: string }
  /**
   * The session or the sender failed; `reason` is one line for the operator. `lasting` when it will
   * not pass without a fix (a wrong password, a bad certificate): the send stops. Else it pauses.
   */
  | { kind: 'session'; reason: string; lasting: boolean };

interface MailError {
  code?: string;
  originalCode?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Network-level codes from nodemailer and Node: the message may be fine, the path was not. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EDNS', 'EAI_AGAIN', 'EPROTOCOL', 'ESTREAM']);

/** Failures to open a session at all: no recipient was tried. */
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|connect ETIMEDOUT|Greeting never received/;

/** TLS and certificate failures (Node's and OpenSSL's codes): the connection is refused by our own checks. */
const TLS_CODES = /^(ETLS|EREQUIRETLS|CERT_|ERR_TLS_|ERR_SSL_|EPROTO$|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_)/;

/** The outbox's file system failures: nobody's address is at fault, the folder is. */
const OUTBOX_CODES = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS']);

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 500);

/**
 * Sorts a failed send by what should happen next, from nodemailer's error
 * `code`, the SMTP `command` that failed and the server's `responseCode`.
 * nodemailer also labels a connection dropped mid-DATA with `command:
 * 'CONN'`, so "could not connect" is told apart by the socket error itself,
 * or by a reply to the greeting.
 */
export function classifyFailure(error: unknown): FailureVerdict {
  const e = (error ?? {}) as MailError;
  const reply = oneLine(e.response ?? e.message ?? String(error));
  const command = (e.command ?? '').toUpperCase();
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const lasting = code === null || code >= 500;

  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.code === 'EOAUTH2' || command.startsWith('AUTH')) {
    return { kind: 'session', reason: `SMTP authentication failed: ${reply}; check the user and password in SMTP_URL`, lasting };
  }
  // 530 "authentication required", at MAIL FROM or at RCPT TO depending on the server (RFC 4954 §6).
  if (code === 530 || (command === 'MAIL FROM' && /^5\d\d 5\.7\.0 /.test(reply))) {
    return { kind: 'session', reason: `the SMTP server requires authentication: ${reply}; put user:password in SMTP_URL`, lasting: true };
  }
  if (command === 'MAIL FROM') {
    if (code === null) return { kind: 'session', reason: `the SMTP server cannot take the message: ${reply}`, lasting: true };
    return {
      kind: 'session',
      reason: `the SMTP server ${lasting ? 'refused' : 'deferred'} the sender: ${reply}; check MAIL_FROM and that the SMTP_URL account may send as it`,
      lasting,
    };
  }
  if ((e.code && TLS_CODES.test(e.code)) || (e.originalCode && TLS_CODES.test(e.originalCode))) {
    return {
      kind: 'session',
      reason: `SMTP TLS failed: ${reply}; check SMTP_URL (smtps:// is TLS from the start, port 465; smtp:// upgrades with STARTTLS) and the server's certificate`,
      lasting: true,
    };
  }
  if (command === 'EHLO' || command === 'HELO' || command === 'LHLO') {
    return { kind: 'session', reason: `the SMTP server refused our greeting (${command}): ${reply}`, lasting };
  }
  if (command === 'CONN' && code !== null) {
    // A reply to the connection itself: 421 is "busy, come back" (RFC 5321 §3.8); 554 is "no service for you" (§3.1).
    if (code < 500) return { kind: 'unreachable', reason: reply };
    return { kind: 'session', reason: `the SMTP server refuses connections from this host: ${reply}`, lasting: true };
  }
  if (UNREACHABLE.test(e.message ?? '') || (e.originalCode && UNREACHABLE.test(e.originalCode))) return { kind: 'unreachable', reason: reply };
  if (e.code && OUTBOX_CODES.has(e.code)) return { kind: 'session', reason: `cannot write to the outbox: ${reply}; check OUTBOX_DIR`, lasting: true };
  if (code !== null) {
    if (code < 500) return { kind: 'transient', reason: reply, responseCode: code };
    return command === 'RCPT TO' || command === 'DATA' ? { kind: 'bounce', reason: reply, responseCode: code } : { kind: 'refused', reason: reply };
  }
  if (e.code && TRANSIENT_CODES.has(e.code)) return { kind: 'transient', reason: reply, responseCode: null };
  return { kind: 'refused', reason: reply };
}

/**
 * The part of a refusal that stays the same when a server gives every
 * reader the same answer: addresses, queue ids and numbers are taken out, so
 * `550 5.7.1 <ada@x>: Relay access denied` and the same for `<bo@y>` match.
 */
export function replyShape(reason: string): string {
  return reason
    .replace(/<[^>]*>/g, '<>')
    .replace(/\S+@\S+/g, '@')
    .replace(/\b(?=[0-9a-z]*\d)[0-9a-z]{6,}\b/gi, '#')
    .toLowerCase();
}

/**
 * Exponential backoff with jitter: attempt n waits between half and all of
 * base * 2^(n-1) seconds, so many deferred recipients do not return at once.
 */
export function retryDelaySeconds(attempt: number, baseSeconds: number, random: () => number = Math.random): number {
  const ceiling = baseSeconds * 2 ** Math.max(0, attempt - 1);
  return Math.max(1, Math.round(ceiling * (0.5 + random() * 0.5)));
}

/** How long to wait before trying an unreachable server again: 1 s doubling to 30 s. */
export function reconnectDelayMs(consecutiveFailures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, consecutiveFailures - 1));
}
