import { randomBytes } from 'node:crypto';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import { needsSmtpUtf8 } from '../mailbox.ts';
import { angleBracketed, checkedMessageId, encodeUnstructured, formatAddress, formatListId, headerLine } from './header-fields.ts';
import type { SlotTemplate, SlotValues } from '../render/slots.ts';
import type { MessageBuffers } from './message-buffers.ts';
import { escapeHtml } from '../render/slots.ts';

/**
 * The digest as wire bytes, encoded once per segment.
 *
 * Building and quoted-printable-encoding an 80 KB message per subscriber was
 * most of the sender's CPU (bench/RESULTS.md). Quoted-printable is local to
 * each line and a soft line break (`=` CRLF) may stand anywhere, so each
 * literal part of the compiled text and HTML is encoded once, and per
 * subscriber only the short slot values are encoded and spliced in between,
 * each part ending in a soft break: the decoded body is exactly the
 * personalised HTML and text.
 */
export interface MimeTemplate {
  boundary: string;
  /** The List-Id header's value as written (RFC 2919), also in `commonHeaders`. */
  listId: string;
  /** Header lines that are the same for every recipient of the segment, CRLF-terminated. */
  commonHeaders: Buffer;
  /** The MIME part headers between the header block and the text, and between text and HTML. */
  textOpening: Buffer;
  htmlOpening: Buffer;
  closing: Buffer;
  text: EncodedParts;
  html: EncodedParts;
}

interface EncodedParts {
  /** Encoded literal parts (ASCII bytes), each ending with a soft line break (except the last). */
  parts: Buffer[];
  slots: SlotTemplate['slots'];
}

const SOFT_BREAK = '=\r\n';

/**
 * Quoted-printable for one piece of text with CRLF line ends, lines <= 76
 * characters. A period that starts a line is written `=2E`, as RFC 2049 §3
 * advises: SMTP would otherwise have to double it, and nodemailer's
 * dot-stuffing then copies the whole message (88 KB) for every recipient,
 * which made V8 run a full garbage collection every ~80 messages. Lines are
 * wrapped at 74 so that the two extra characters still fit.
 */
export function qp(text: string): string {
  return encodeLeadingPeriods(qpWrap(qpEncode(text.replace(/\r?\n/g, '\r\n')), 74));
}

/** `=2E` for a period at the start of a line of QP output (see qp()); lines of at most 74 stay within 76. */
function encodeLeadingPeriods(encoded: string): string {
  return encoded.replace(/(^|\n)\./g, '$1=2E');
}

function encodeParts(template: SlotTemplate): EncodedParts {
  return {
    parts: template.parts.map((part, i) => Buffer.from(i < template.parts.length - 1 ? qp(part) + SOFT_BREAK : qp(part), 'latin1')),
    slots: template.slots,
  };
}

export interface MimeHeaders {
  /** The sender's mailboxes: ASCII addresses (config refuses others), names any Unicode. */
  from: { name: string; address: string };
  replyTo?: { name: string; address: string };
  /** Any text: line breaks and controls are dropped, the rest encoded (header-fields.ts). */
  subject: string;
  /** RFC 2919: a description (any text) and the list's id (`weekly-digest.example.com`). */
  listId: { name: string; id: string };
}

/**
 * Encodes a segment's text and HTML once; `buildMessage` then only splices
 * per-recipient values. Every header value goes through header-fields.ts,
 * so none is written as it came (issue 14).
 */
export function prepareMime(headers: MimeHeaders, text: SlotTemplate, html: SlotTemplate): MimeTemplate {
  const boundary = `--_digest_${randomBytes(12).toString('hex')}`;
  const listId = formatListId(headers.listId.name, headers.listId.id);
  let common = headerLine('From', formatAddress('From', headers.from.name, headers.from.address));
  if (headers.replyTo) common += headerLine('Reply-To', formatAddress('Reply-To', headers.replyTo.name, headers.replyTo.address));
  common += headerLine('Subject', encodeUnstructured(headers.subject));
  common += headerLine('List-Id', listId);
  common += 'List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n';
  common += 'MIME-Version: 1.0\r\n';
  // Folded: on one line it is 83 characters, over the 78 that RFC 5322 section 2.1.1 asks for.
  common += `Content-Type: multipart/alternative;\r\n boundary="${boundary}"\r\n\r\n`;
  const opening = (type: string) =>
    Buffer.from(`--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`, 'latin1');
  return {
    boundary,
    listId,
    // Checked printable ASCII (headerLine), so latin1 writes each character as its byte.
    commonHeaders: Buffer.from(common, 'latin1'),
    textOpening: opening('text/plain'),
    htmlOpening: Buffer.concat([Buffer.from('\r\n'), opening('text/html')]),
    closing: Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
    text: encodeParts(text),
    html: encodeParts(html),
  };
}

/**
 * qp() for one recipient value, ending in a soft line break. Values are
 * short and nearly always printable ASCII (names, addresses, signed URLs),
 * which this encodes directly: `=` becomes `=3D`, lines are cut at 73
 * characters but never inside an escape, and a period that starts a line
 * becomes `=2E` as in qp(). Anything else goes through qp().
 */
export function qpValue(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) return qp(value) + SOFT_BREAK;
  const escaped = value.includes('=') ? value.replace(/=/g, '=3D') : value;
  let out = '';
  let start = 0;
  while (escaped.length - start > 73) {
    let end = start + 73;
    // Not between the `=` of an escape and its two hex digits.
    if (escaped[end - 1] === '=') end -= 1;
    else if (escaped[end - 2] === '=') end -= 2;
    out += escaped.slice(start, end) + SOFT_BREAK;
    start = end;
  }
  out += escaped.slice(start) + SOFT_BREAK;
  return encodeLeadingPeriods(out);
}

/** The encoded values of one part's slots, in slot order. */
function encodeValues(encoded: EncodedParts, values: SlotValues, escapeValue: (v: string) => string): string[] {
  return encoded.slots.map((slot) => qpValue(escapeValue(values[slot])));
}

/** Writes a part's literal pieces with the encoded values between them; returns the new offset. */
function writePart(bytes: Buffer, offset: number, encoded: EncodedParts, values: string[]): number {
  offset += encoded.parts[0]!.copy(bytes, offset);
  for (let i = 0; i < values.length; i++) {
    offset += bytes.write(values[i]!, offset, 'latin1');
    offset += encoded.parts[i + 1]!.copy(bytes, offset);
  }
  return offset;
}

const partSize = (encoded: EncodedParts, values: string[]) => encoded.parts.reduce((n, p) => n + p.length, 0) + values.reduce((n, v) => n + v.length, 0);

/**
 * What differs between two copies of a segment, as the MIME writer takes it:
 * compose-message.ts derives it from the one Recipient type (recipient-values.ts).
 */
export interface PersonalFields {
  to: { name: string; address: string };
  messageId: string;
  date: Date;
  unsubscribeUrl: string;
  values: SlotValues;
}

/**
 * The complete RFC 5322 message for one recipient: headers, text part, HTML
 * part, as bytes (the socket wants bytes; converting an 80 KB string per
 * message showed up in the profile), written into memory from `buffers`
 * when given (see message-buffers.ts). An address with letters beyond
 * ASCII before the @ is written in UTF-8 (RFC 6532): such a message goes
 * only to a server that offers SMTPUTF8 (transport/smtputf8.ts). A value
 * that header-fields.ts refuses throws a HeaderValueError (EADDRESS for
 * the address).
 */
export function buildMessage(template: MimeTemplate, recipient: PersonalFields, buffers?: MessageBuffers): Buffer {
  const utf8 = needsSmtpUtf8(recipient.to.address);
  const headers =
    headerLine('To', formatAddress('To', recipient.to.name, recipient.to.address, utf8), utf8) +
    headerLine('Date', recipient.date.toUTCString().replace(/GMT/, '+0000')) +
    headerLine('Message-ID', checkedMessageId(recipient.messageId)) +
    headerLine('List-Unsubscribe', angleBracketed('List-Unsubscribe', recipient.unsubscribeUrl));
  // headerLine passed printable ASCII only, but for an address in UTF-8: in ASCII a character is
  // one byte, so the length is the size and latin1 writes exactly the checked characters.
  const headerBytes = utf8 ? Buffer.byteLength(headers, 'utf8') : headers.length;
  const text = encodeValues(template.text, recipient.values, (v) => v);
  const html = encodeValues(template.html, recipient.values, escapeHtml);
  const size =
    headerBytes +
    template.commonHeaders.length +
    template.textOpening.length +
    partSize(template.text, text) +
    template.htmlOpening.length +
    partSize(template.html, html) +
    template.closing.length;
  const bytes = buffers ? buffers.take(size) : Buffer.allocUnsafe(size);
  let offset = bytes.write(headers, 0, utf8 ? 'utf8' : 'latin1');
  offset += template.commonHeaders.copy(bytes, offset);
  offset += template.textOpening.copy(bytes, offset);
  offset = writePart(bytes, offset, template.text, text);
  offset += template.htmlOpening.copy(bytes, offset);
  offset = writePart(bytes, offset, template.html, html);
  offset += template.closing.copy(bytes, offset);
  return bytes;
}
