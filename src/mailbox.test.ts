import { describe, expect, it } from 'vitest';
import { HOSTILE } from '../test/helpers/hostile-text.ts';
import { checkAddress, checkMailbox, needsSmtpUtf8 } from './mailbox.ts';

describe('checkAddress', () => {
  it.each([
    ['ada@example.com', 'ada@example.com'],
    ['  Ada.Lovelace+digest@Example.COM ', 'Ada.Lovelace+digest@example.com'],
    // IDN: stored and sent in its ASCII form (RFC 5890), which every server takes.
    ['ada@bücher.example', 'ada@xn--bcher-kva.example'],
    ['ada@BÜCHER.example', 'ada@xn--bcher-kva.example'],
    // RFC 6531: letters beyond ASCII before the @ are taken (sent only where SMTPUTF8 is offered).
    ['zoë@example.com', 'zoë@example.com'],
    ['andré@example.com', 'andré@example.com'],
    // NFC: the e and its combining accent become one character, so one person is one row.
    ['andre\u0301@example.com', 'andré@example.com'],
    ['δοκιμή@παράδειγμα.δοκιμή', 'δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp'],
  ])('takes %j as %j', (value, address) => {
    expect(checkAddress(value)).toEqual({ ok: true, address });
  });

  it.each([
    ['ada@example', 'has a domain without a dot'],
    ['ada.example.com', 'has no @'],
    ['ada@@example.com', 'has more than one @'],
    ['@example.com', 'has nothing before the @'],
    ['ada..l@example.com', 'two dots in a row'],
    ['"ada l"@example.com', 'contains a space (U+0020)'],
    ['ada@[192.0.2.1]', 'has a domain that is not a valid host name'],
    ['ada@-example.com', 'has a domain that is not a valid host name'],
    ['ada,bo@example.com', 'has a character before the @ that an address cannot hold'],
    [`${'a'.repeat(65)}@example.com`, 'has more than 64 bytes before the @'],
    ['ada\u202e@example.com', 'contains an invisible formatting character (U+202E)'],
    ['ada\u200b@example.com', 'contains an invisible formatting character (U+200B)'],
    ['ada\u00a0l@example.com', 'contains a space (U+00A0)'],
  ])('refuses %j: it %s', (value, problem) => {
    const check = checkAddress(value);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problem).toContain(problem);
  });

  for (const [label, chars] of Object.entries(HOSTILE)) {
    if (label === 'U+010D U+010A') continue;
    it(`refuses ${label} anywhere in an address, naming it`, () => {
      // The reproduction, and the character in each place of an address (the domain's
      // included: the URL host parser behind IDN conversion would silently drop CR, LF and tab).
      for (const value of [`ada${chars}Reply-To: attacker@evil.example`, `a${chars}da@example.com`, `ada@exa${chars}mple.com`, `ada@example.com${chars}x`]) {
        const check = checkAddress(value);
        expect(check.ok, JSON.stringify(value)).toBe(false);
        expect(!check.ok && check.problem).toMatch(/^contains (a control character|a line break) \(U\+[0-9A-F]{4}\)$/);
      }
    });
  }

  it('refuses the reproduction with Č Ċ (U+010D U+010A), and keeps those letters, never the bytes CR LF, in an address', () => {
    const check = checkAddress('ada\u010d\u010aReply-To: attacker@evil.example');
    expect(!check.ok && check.problem).toBe('contains a space (U+0020)');
    // Letters of Czech and Maltese: an RFC 6531 address, sent in UTF-8 (C4 8D C4 8A) to an SMTPUTF8 server only.
    expect(checkAddress('ada\u010d\u010aReply-To@example.com')).toEqual({ ok: true, address: 'ada\u010d\u010aReply-To@example.com' });
    expect(needsSmtpUtf8('ada\u010d\u010aReply-To@example.com')).toBe(true);
  });

  it('refuses letters beyond ASCII before the @ where the address must go to every server (the sender)', () => {
    for (const value of ['zoë@example.com', 'andré@example.com']) {
      const check = checkAddress(value, { asciiOnly: true });
      expect(!check.ok && check.problem).toContain('only servers offering SMTPUTF8 (RFC 6531) accept');
    }
    expect(checkAddress('ada@bücher.example', { asciiOnly: true })).toEqual({ ok: true, address: 'ada@xn--bcher-kva.example' });
  });
});

describe('needsSmtpUtf8', () => {
  it('is true only for letters beyond ASCII, which normalised addresses have only before the @', () => {
    expect(needsSmtpUtf8('zoë@example.com')).toBe(true);
    expect(needsSmtpUtf8('ada@xn--bcher-kva.example')).toBe(false);
    expect(needsSmtpUtf8('ada@example.com')).toBe(false);
  });
});

describe('checkMailbox', () => {
  it('reads a quoted or bare name of any Unicode, and normalises the address', () => {
    expect(checkMailbox('"The \\"Harm\\" Ledger" <news@Bücher.example>')).toEqual({
      ok: true,
      mailbox: { name: 'The "Harm" Ledger', address: 'news@xn--bcher-kva.example' },
    });
    expect(checkMailbox('Zoë’s Ledger 📰 <news@example.com>')).toEqual({ ok: true, mailbox: { name: 'Zoë’s Ledger 📰', address: 'news@example.com' } });
    expect(checkMailbox('news@example.com')).toEqual({ ok: true, mailbox: { name: '', address: 'news@example.com' } });
  });

  for (const [label, chars] of Object.entries(HOSTILE)) {
    if (label === 'U+010D U+010A') continue;
    it(`refuses ${label} in the name`, () => {
      const check = checkMailbox(`The Ledger${chars}Reply-To: attacker@evil.example <news@example.com>`);
      expect(!check.ok && check.problem).toBe('its name holds a control character or a line break');
    });
  }
});
