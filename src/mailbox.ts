import { domainToASCII } from 'node:url';
import { analyzeEmail } from '@hapi/address';

/** An email address with an optional display name: `The Harm Ledger <news@example.com>`. */
export interface Mailbox {
  name: string;
  address: string;
}

/*
 * Which addresses we take (issue 14):
 * - the RFC 5321 forms every mailbox provider hands out: a dot-atom before
 *   the @ and a host name after it, checked by @hapi/address (the validator
 *   joi uses). Quoted local parts ("a b"@x) and address literals (a@[1.2.3.4])
 *   are refused: nobody subscribes with them, and they are where parsers differ.
 * - an internationalised domain (ada@bücher.example) is stored and sent in its
 *   ASCII form (ada@xn--bcher-kva.example, RFC 5890), which every server takes;
 * - letters beyond ASCII before the @ (zoë@example.com, RFC 6531) are taken, and
 *   such an address is sent only where the SMTP server offers SMTPUTF8, with
 *   UTF-8 headers (RFC 6532); see transport/smtputf8.ts;
 * - never, anywhere in the address: controls (C0, C1 with U+0085 NEL, NUL),
 *   spaces, line and paragraph separators (U+2028/2029), invisible format
 *   characters (bidi overrides, zero widths), surrogates, private-use or
 *   unassigned code points. None is a letter of anyone's address, and each can
 *   turn into a line break or hide what an address says.
 */
const FORBIDDEN = /[\p{C}\p{Z}]/u;

const NON_ASCII = /[^\x00-\x7f]/;

/** @hapi/address's codes in the words of a one-line error. */
const REASONS: Record<string, string> = {
  EMPTY_STRING: 'is empty',
  MISSING_AT_CHAR: 'has no @',
  MULTIPLE_AT_CHAR: 'has more than one @',
  EMPTY_LOCAL: 'has nothing before the @',
  ADDRESS_TOO_LONG: 'is longer than 254 characters (RFC 5321)',
  LOCAL_TOO_LONG: 'has more than 64 bytes before the @ (RFC 5321)',
  EMPTY_LOCAL_SEGMENT: 'has a dot at the start or end of the part before the @, or two dots in a row',
  INVALID_LOCAL_CHARS: 'has a character before the @ that an address cannot hold (such as a space, comma, quote or bracket)',
  DOMAIN_NON_EMPTY_STRING: 'has nothing after the @',
  DOMAIN_SEGMENTS_COUNT: 'has a domain without a dot',
};

function describeCharacter(char: string): string {
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const kind = /\p{Cc}/u.test(char)
    ? 'a control character'
    : /[\p{Zl}\p{Zp}]/u.test(char)
      ? 'a line break'
      : /\p{Zs}/u.test(char)
        ? 'a space'
        : /\p{Cf}/u.test(char)
          ? 'an invisible formatting character'
          : 'a character that is not a letter of any script';
  return `${kind} (${code})`;
}

/**
 * The form an address is stored and sent in: trimmed, Unicode NFC, the
 * domain in its lower-case ASCII form (IDNs as `xn--` labels); the local
 * part keeps its case (RFC 5321 §2.4). What cannot be converted is left as
 * it is, for addressProblem to name.
 */
export function normalizeEmail(value: string): string {
  const trimmed = value.trim().normalize('NFC');
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed;
  const domain = trimmed.slice(at + 1);
  // Not with a forbidden character: the WHATWG host parser behind domainToASCII silently drops
  // tabs and line breaks, and `exa\r\nmple.com` must be refused, not quietly become example.com.
  if (FORBIDDEN.test(domain)) return `${trimmed.slice(0, at)}@${domain}`;
  return `${trimmed.slice(0, at)}@${domainToASCII(domain) || domain.toLowerCase()}`;
}

/**
 * Why a normalised address cannot be taken, in words that finish the
 * sentence "invalid email address "…": …", or null when it can.
 * `asciiOnly` refuses letters beyond ASCII before the @ (the sender's own
 * address, which every server must take).
 *
 * @example
 * addressProblem('ada@example.com')   // null
 * addressProblem('ada@example')       // 'has a domain without a dot'
 */
export function addressProblem(address: string, options: { asciiOnly?: boolean } = {}): string | null {
  const forbidden = FORBIDDEN.exec(address);
  if (forbidden) return `contains ${describeCharacter(forbidden[0])}`;
  const at = address.lastIndexOf('@');
  if (at >= 0 && NON_ASCII.test(address.slice(at + 1))) return 'has a domain that is not a valid internationalised domain name';
  if (options.asciiOnly && NON_ASCII.test(address)) {
    return 'has letters beyond ASCII before the @, which only servers offering SMTPUTF8 (RFC 6531) accept; this address must be ASCII';
  }
  const analysis = analyzeEmail(address);
  if (!analysis) return null;
  return REASONS[analysis.code] ?? (analysis.code.startsWith('DOMAIN') ? 'has a domain that is not a valid host name' : analysis.error.toLowerCase());
}

export type AddressCheck = { ok: true; address: string } | { ok: false; problem: string };

/**
 * Normalises and checks an address in one go (see normalizeEmail and addressProblem).
 *
 * @example
 * checkAddress(' Ada@Bücher.example ')  // { ok: true, address: 'Ada@xn--bcher-kva.example' }
 */
export function checkAddress(value: string, options: { asciiOnly?: boolean } = {}): AddressCheck {
  const address = normalizeEmail(value);
  const problem = addressProblem(address, options);
  return problem === null ? { ok: true, address } : { ok: false, problem };
}

/** True when the address can be sent only with SMTPUTF8 (RFC 6531): letters beyond ASCII before the @. */
export function needsSmtpUtf8(address: string): boolean {
  return NON_ASCII.test(address);
}

export type MailboxCheck = { ok: true; mailbox: Mailbox } | { ok: false; problem: string };

/**
 * Parses `addr@x.y` or `Name <addr@x.y>` (the name may be quoted); the
 * address comes back normalised. A name may hold any Unicode but controls
 * and line breaks.
 */
export function checkMailbox(value: string, options: { asciiOnly?: boolean } = {}): MailboxCheck {
  const trimmed = value.trim();
  const angled = /^(.*?)\s*<([^<>]*)>$/s.exec(trimmed);
  const quoted = angled ? /^"(.*)"$/s.exec(angled[1]!.trim()) : null;
  const name = quoted ? quoted[1]!.replace(/\\(.)/gs, '$1') : (angled?.[1] ?? '').trim();
  if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(name)) return { ok: false, problem: 'its name holds a control character or a line break' };
  const address = checkAddress(angled ? angled[2]! : trimmed, options);
  if (!address.ok) return { ok: false, problem: `its address ${address.problem}` };
  return { ok: true, mailbox: { name, address: address.address } };
}
