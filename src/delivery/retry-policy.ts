/** What to do with a delivery whose send failed. */
export type FailureVerdict =
  | { kind: 'permanent'; reason: string }
  | { kind: 'transient'; reason: string };

/** Network-level codes from nodemailer and Node: the message may be fine, the path was not. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EDNS', 'EAI_AGAIN', 'EPROTOCOL']);

interface MailError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * 5xx replies are permanent (RFC 5321 §4.2.1): the address or the message is
 * refused. 4xx replies and connection trouble are transient: try again later.
 */
export function classifyFailure(error: unknown): FailureVerdict {
  const e = (error ?? {}) as MailError;
  const reason = (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').slice(0, 500);
  if (typeof e.responseCode === 'number') {
    return e.responseCode >= 500 ? { kind: 'permanent', reason } : { kind: 'transient', reason };
  }
  if (e.code && TRANSIENT_CODES.has(e.code)) return { kind: 'transient', reason };
  return { kind: 'permanent', reason };
}

/**
 * Exponential backoff with jitter: attempt n waits between half and all of
 * base * 2^(n-1) seconds, so many deferred recipients do not return at once.
 */
export function retryDelaySeconds(attempt: number, baseSeconds: number, random: () => number = Math.random): number {
  const ceiling = baseSeconds * 2 ** Math.max(0, attempt - 1);
  return Math.round(ceiling * (0.5 + random() * 0.5)) || 1;
}
