/** What to do with a delivery whose send failed. */
export type FailureVerdict =
  /** 5xx: the address or the message is refused for good (RFC 5321 §4.2.1). */
  | { kind: 'permanent'; reason: string; responseCode: number | null }
  /** 4xx, a reset or a timeout during the transaction: try this recipient again later. */
  | { kind: 'transient'; reason: string; responseCode: number | null }
  /** The server could not be reached at all: not this recipient's fault; pause the send. */
  | { kind: 'unreachable'; reason: string; responseCode: null };

/** Network-level codes from nodemailer and Node: the message may be fine, the path was not. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EDNS', 'EAI_AGAIN', 'EPROTOCOL', 'ESTREAM']);

interface MailError {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Failures to open a session at all: no recipient was tried. */
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|connect ETIMEDOUT|Greeting never received/;

/**
 * Sorts a failed send by what should happen next. nodemailer also labels a
 * connection dropped mid-DATA with `command: 'CONN'`, so "could not connect"
 * is told apart by the socket error itself, or by a reply to the greeting
 * (421 service not available).
 */
export function classifyFailure(error: unknown): FailureVerdict {
  const e = (error ?? {}) as MailError;
  const reason = (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').slice(0, 500);
  if (UNREACHABLE.test(e.message ?? '') || (e.command === 'CONN' && typeof e.responseCode === 'number')) {
    return { kind: 'unreachable', reason, responseCode: null };
  }
  if (typeof e.responseCode === 'number') {
    return e.responseCode >= 500 ? { kind: 'permanent', reason, responseCode: e.responseCode } : { kind: 'transient', reason, responseCode: e.responseCode };
  }
  if (e.code && TRANSIENT_CODES.has(e.code)) return { kind: 'transient', reason, responseCode: null };
  return { kind: 'permanent', reason, responseCode: null };
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
