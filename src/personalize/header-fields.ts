import { encodeWords, foldLines, quoteString } from 'nodemailer/lib/mime-funcs';
import { quoteForMessage } from '../text/escape-controls.ts';

/*
 * Header fields of the digest's own MIME writer (issue 14: no header
 * injection, whatever the value). A value from outside is either encoded
 * here (names, subjects, phrases become RFC 2047 encoded words, ASCII) or
 * checked to be exactly what its field allows (addresses, URLs, ids); what
 * fails a check is our bug, thrown and never written. So the characters of
 * a header are its bytes: printable ASCII, and UTF-8 only in the address of
 * a To that needs SMTPUTF8 (RFC 6532). The checks are single regex tests on
 * short strings: the sender's hot path stays as it was.
 */

/** A header value we refuse to write. `code` is EADDRESS for an address, else EHEADER. */
export class HeaderValueError extends Error {
  readonly code: 'EADDRESS' | 'EHEADER';

  constructor(field: string, value: string, what: string, code: 'EADDRESS' | 'EHEADER' = 'EHEADER') {
    super(`refusing to write the ${field} header: ${quoteForMessage(value)} is not ${what}`);
    this.name = 'HeaderValueError';
    this.code = code;
  }
}

/** C0 and C1 controls (NUL, CR, LF, tab, U+0085 NEL) and U+2028/2029: in header text each could end a line, for us or for a reader. */
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * What an SMTPUTF8 header may carry: printable ASCII and, beyond it, no controls, format characters,
 * surrogates or separators (a fold is made at a space, and a line that starts with U+3000 is no fold).
 */
const UTF8_TEXT = /^(?:[\x20-\x7e]|[^\x00-\x7f\p{C}\p{Z}])*$/u;

/** RFC 5321 dot-atom local part @ LDH host name: what mailbox.ts lets in, in ASCII. */
const ASCII_ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+$/;

/** The same with RFC 6531 letters before the @ (mailbox.ts's rules: no controls, spaces or format characters). */
const UTF8_ADDRESS = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]|[^\x00-\x7f\p{C}\p{Z}])+@[A-Za-z0-9.-]+$/u;

/** Printable ASCII without space, `<` or `>`: a URL or msg-id that can stand between angle brackets. */
const ANGLE_CONTENT = /^[\x21-\x3b\x3d\x3f-\x7e]+$/;

/** RFC 2919 list-id: dot-atom-text. */
const LIST_ID = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)+$/;

/** One line of text: controls and line breaks become a space, spaces collapse. Any other Unicode stays (to be encoded). */
export function headerText(value: string): string {
  return value.replace(LINE_BREAKING, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Unstructured text (Subject): words beyond printable ASCII, and any that look like encoded words, as RFC 2047 encoded words. */
export function encodeUnstructured(value: string): string {
  return encodeWords(headerText(value), 'Q', 52);
}

/** A phrase (a display name, List-Id's description): quoted when ASCII, else wholly encoded words (RFC 2047 §5 (3)). */
export function encodePhrase(value: string): string {
  const text = headerText(value);
  if (!text) return '';
  return PRINTABLE_ASCII.test(text) ? quoteString(text) : encodeWords(text, 'Q', 52, true);
}

/** The address as given, once checked to be one mailbox.ts lets in; `utf8` allows RFC 6531 letters before the @. */
export function checkedAddress(field: string, address: string, utf8 = false): string {
  if (!(utf8 ? UTF8_ADDRESS : ASCII_ADDRESS).test(address)) {
    throw new HeaderValueError(field, address, utf8 ? 'an address (RFC 6531)' : 'an ASCII address (RFC 5321)', 'EADDRESS');
  }
  return address;
}

function angleAddress(field: string, address: string, utf8: boolean): string {
  return `<${checkedAddress(field, address, utf8)}>`;
}

/** `"Name" <address>`, `=?UTF-8?Q?Zo=C3=AB?= <address>`, or `<address>` when there is no name. */
export function formatAddress(field: string, name: string, address: string, utf8 = false): string {
  const phrase = encodePhrase(name);
  return phrase ? `${phrase} ${angleAddress(field, address, utf8)}` : angleAddress(field, address, utf8);
}

/** `<…>` around a URL or a Message-ID once it is checked to hold no space, control, `<` or `>`. */
export function angleBracketed(field: string, value: string): string {
  if (!ANGLE_CONTENT.test(value)) throw new HeaderValueError(field, value, 'printable ASCII without spaces or angle brackets');
  return `<${value}>`;
}

/** A Message-ID as given, `<…>`, once checked to hold no space, control or further angle bracket. */
export function checkedMessageId(value: string): string {
  if (!(value.startsWith('<') && value.endsWith('>') && ANGLE_CONTENT.test(value.slice(1, -1)))) {
    throw new HeaderValueError('Message-ID', value, 'a msg-id in angle brackets (RFC 5322)');
  }
  return value;
}

/** RFC 2919: `"The Ledger weekly digest" <weekly-digest.example.com>`. */
export function formatListId(name: string, id: string): string {
  if (!LIST_ID.test(id)) throw new HeaderValueError('List-Id', id, 'a list-id (RFC 2919)');
  const phrase = encodePhrase(name);
  return phrase ? `${phrase} <${id}>` : `<${id}>`;
}

/**
 * `Name: value` CRLF, folded at spaces to lines of 76. The value must be
 * what the functions above return: printable ASCII, or with `utf8` also
 * Unicode text without controls or line separators. Anything else throws.
 */
export function headerLine(name: string, value: string, utf8 = false): string {
  if (!PRINTABLE_ASCII.test(value) && !(utf8 && UTF8_TEXT.test(value))) {
    throw new HeaderValueError(name, value, utf8 ? 'text without controls or line breaks' : 'printable ASCII');
  }
  return `${foldLines(`${name}: ${value}`, 76)}\r\n`;
}
