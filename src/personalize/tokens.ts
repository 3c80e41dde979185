import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a token lets its bearer do; a token for one purpose is useless for
 * another. `test` stands in every personal link of an editor's test copy: it
 * names no subscriber and the app answers it with an explanation, so a click
 * in a test copy never changes a real reader.
 */
export type TokenPurpose = 'unsubscribe' | 'preferences' | 'confirm' | 'test';

const PURPOSES: readonly TokenPurpose[] = ['unsubscribe', 'preferences', 'confirm', 'test'];

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest().subarray(0, 16);
}

/**
 * A URL-safe token naming a purpose and a subscriber, signed with APP_SECRET.
 * With `issuedAt`, it also carries when it was made, for links that expire
 * (confirmation).
 *
 * @example
 * signToken(secret, 'unsubscribe', 42) // 'dW5zdWJzY3JpYmUuNDI.3q2-7w...'
 */
export function signToken(secret: string, purpose: TokenPurpose, subscriberId: number, issuedAt?: Date): string {
  const payload = issuedAt ? `${purpose}.${subscriberId}.${Math.floor(issuedAt.getTime() / 1000)}` : `${purpose}.${subscriberId}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(secret, payload).toString('base64url')}`;
}

/** A genuine token: whom it names, and when it was made (null for a token that does not say). */
export interface TokenClaims {
  subscriberId: number;
  issuedAt: Date | null;
}

/**
 * The bytes `part` spells when it is exactly what `toString('base64url')`
 * writes for them; null otherwise. Node's decoder is lenient: it skips `=`
 * and anything after it, characters outside the alphabet, a trailing NUL,
 * and the unused low bits of the last character, so many spellings decode
 * to the bytes of one genuine token. A link is accepted in one spelling only.
 */
function canonicalBase64url(part: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return null;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : null;
}

/** The token's claims when it is genuine and for `purpose`; null otherwise. Constant-time compare. */
export function readToken(secret: string, token: string, purpose: TokenPurpose): TokenClaims | null {
  const [encoded, signature, extra] = token.split('.');
  if (!encoded || !signature || extra !== undefined) return null;
  const payloadBytes = canonicalBase64url(encoded);
  const given = canonicalBase64url(signature);
  if (!payloadBytes || !given) return null;
  const payload = payloadBytes.toString('utf8');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const match = /^([a-z]+)\.(\d+)(?:\.(\d+))?$/.exec(payload);
  if (!match || match[1] !== purpose || !PURPOSES.includes(match[1] as TokenPurpose)) return null;
  return { subscriberId: Number(match[2]), issuedAt: match[3] === undefined ? null : new Date(Number(match[3]) * 1000) };
}

/** The subscriber id when the token is genuine and for `purpose`; null otherwise. */
export function verifyToken(secret: string, token: string, purpose: TokenPurpose): number | null {
  return readToken(secret, token, purpose)?.subscriberId ?? null;
}
