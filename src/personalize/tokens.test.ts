import { describe, expect, it } from 'vitest';
import { type TokenPurpose, readToken, signToken, verifyToken } from './tokens.ts';

const SECRET = 'test-secret-0123456789abcdef';

/** Spellings of `part` that Node's lenient decoder reads as the same bytes: other values of the last character's unused bits. */
function sameBytesOtherSpellings(part: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const bytes = Buffer.from(part, 'base64url');
  return [...alphabet].map((c) => part.slice(0, -1) + c).filter((spelling) => spelling !== part && Buffer.from(spelling, 'base64url').equals(bytes));
}

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

  // Issue 14: Node's base64url decoder read padding, `=junk`, stray characters, a trailing NUL, the
  // standard alphabet and unused trailing bits as the genuine token, so one link had many spellings.
  it('are accepted in exactly one spelling: the one signToken writes', () => {
    // A subscriber whose signature has a `-` or `_` (to spell in the standard alphabet); `unsubscribe.NNN`
    // is 15 bytes, 20 characters with 4 unused bits in the last one, so every alteration below applies.
    const id = Array.from({ length: 900 }, (_, i) => i + 100).find((n) => /[-_]/.test(signToken(SECRET, 'unsubscribe', n).split('.')[1]!))!;
    const token = signToken(SECRET, 'unsubscribe', id);
    const [encoded, signature] = token.split('.') as [string, string];
    expect(readToken(SECRET, token, 'unsubscribe')).toEqual({ subscriberId: id, issuedAt: null });

    const standardAlphabet = (part: string) => part.replace(/-/g, '+').replace(/_/g, '/');
    const altered: Record<string, string[]> = {
      padding: [`${encoded}=.${signature}`, `${token}=`, `${token}==`],
      '=junk': [`${token}=junk`, `${encoded}=junk.${signature}`, `${encoded}=.${signature}=x`],
      'inserted character': [
        `${encoded}.${signature.slice(0, 5)}!${signature.slice(5)}`,
        `${encoded.slice(0, 3)} ${encoded.slice(3)}.${signature}`,
        `${encoded}.${signature}*`,
        `${encoded}.\n${signature}`,
      ],
      'trailing NUL': [`${token}\0`, `${encoded}\0.${signature}`],
      // What `?token=…%00` becomes once the query is decoded.
      '%00': [new URLSearchParams(`token=${token}%00`).get('token')!],
      'standard alphabet': [`${encoded}.${standardAlphabet(signature)}`],
      'changed trailing bits': [
        ...sameBytesOtherSpellings(encoded).map((e) => `${e}.${signature}`),
        ...sameBytesOtherSpellings(signature).map((s) => `${encoded}.${s}`),
      ],
    };
    expect(altered['changed trailing bits']!.length).toBeGreaterThan(2);
    for (const [how, spellings] of Object.entries(altered)) {
      for (const spelling of spellings) {
        expect(spelling, how).not.toBe(token);
        expect(readToken(SECRET, spelling, 'unsubscribe'), `${how}: ${JSON.stringify(spelling)}`).toBeNull();
      }
    }
    // The purpose is matched exactly too.
    for (const purpose of ['UNSUBSCRIBE', 'Unsubscribe'] as unknown as TokenPurpose[]) expect(readToken(SECRET, token, purpose)).toBeNull();
    const upperPurpose = `${Buffer.from(`UNSUBSCRIBE.${id}`).toString('base64url')}.${signature}`;
    expect(readToken(SECRET, upperPurpose, 'unsubscribe')).toBeNull();
  });
});
