import { describe, expect, it } from 'vitest';
import { readToken, signToken, verifyToken } from './tokens.ts';

const SECRET = 'test-secret-0123456789abcdef';

describe('signed tokens', () => {
  it('carry their date when asked, to the second, under the signature', () => {
    const issuedAt = new Date('2026-11-28T10:00:00.750Z');
    const token = signToken(SECRET, 'confirm', 42, issuedAt);
    expect(readToken(SECRET, token, 'confirm')).toEqual({ subscriberId: 42, issuedAt: new Date('2026-11-28T10:00:00.000Z') });
    expect(readToken(SECRET, signToken(SECRET, 'unsubscribe', 42), 'unsubscribe')).toEqual({ subscriberId: 42, issuedAt: null });
    // A later date with the old signature: refused, so nobody can extend a link.
    const [, signature] = token.split('.');
    const later = `${Buffer.from(`confirm.42.${Math.floor(Date.now() / 1000)}`).toString('base64url')}.${signature}`;
    expect(readToken(SECRET, later, 'confirm')).toBeNull();
    expect(verifyToken(SECRET, token, 'unsubscribe')).toBeNull();
  });

  it('a test copy’s token works for nothing but saying so', () => {
    const token = signToken(SECRET, 'test', 0);
    expect(readToken(SECRET, token, 'test')).toEqual({ subscriberId: 0, issuedAt: null });
    for (const purpose of ['unsubscribe', 'preferences', 'confirm'] as const) {
      expect(readToken(SECRET, token, purpose)).toBeNull();
      expect(readToken(SECRET, signToken(SECRET, purpose, 42), 'test')).toBeNull();
    }
  });
});
