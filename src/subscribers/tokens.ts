import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a token lets its bearer do; a token for one purpose is useless for another. */
export type TokenPurpose = 'unsubscribe' | 'preferences' | 'confirm';

const PURPOSES: readonly TokenPurpose[] = ['unsubscribe', 'preferences', 'confirm'];

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest().subarray(0, 16);
}

/**
 * A URL-safe token naming a purpose and a subscriber, signed with APP_SECRET.
 *
 * @example
 * signToken(secret, 'unsubscribe', 42) // 'dW5zdWJzY3JpYmUuNDI.3q2-7w...'
 */
export function signToken(secret: string, purpose: TokenPurpose, subscriberId: number): string {
  const payload = `${purpose}.${subscriberId}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(secret, payload).toString('base64url')}`;
}

/** The subscriber id when the token is genuine and for `purpose`; null otherwise. Constant-time compare. */
export function verifyToken(secret: string, token: string, purpose: TokenPurpose): number | null {
  const [encoded, signature, extra] = token.split('.');
  if (!encoded || !signature || extra !== undefined) return null;
  const payload = Buffer.from(encoded, 'base64url').toString('utf8');
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const match = /^([a-z]+)\.(\d+)$/.exec(payload);
  if (!match || match[1] !== purpose || !PURPOSES.includes(match[1] as TokenPurpose)) return null;
  return Number(match[2]);
}
