import { analyse } from 'chardet';
import iconv from 'iconv-lite';
import { UserError } from '../errors.ts';

/** Text and, when it was not what the source declared or no declaration was there, how it was decoded. */
export interface DecodedText {
  text: string;
  /** E.g. `no encoding declared and not UTF-8: decoded as windows-1252 (detected)`. */
  note?: string;
}

/**
 * A guess good enough to store a publisher's words by: chardet's confidence
 * (0–100) at least this, and clearly ahead of the next guess. Its guesses for
 * a short French feed in Latin-1 score 38 against 18 for the runner-up.
 */
const MIN_CONFIDENCE = 25;
const MIN_LEAD = 1.5;

/**
 * Decodes a feed's bytes by the first hint present: a byte-order mark, the
 * Content-Type charset, the XML declaration's encoding, else UTF-8. Bytes
 * that are not valid in that encoding are never decoded to U+FFFD in
 * silence: the encoding is detected (chardet) and the note says so, or the
 * source is refused in one line.
 *
 * @example
 * decodeFeedBytes(Buffer.from('<rss>Café</rss>', 'latin1'), null, 'feed.xml');
 * // { text: '<rss>Café</rss>', note: 'no encoding declared and not UTF-8: decoded as ISO-8859-1 (detected)' }
 */
export function decodeFeedBytes(bytes: Uint8Array, contentType: string | null, label: string): DecodedText {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  const fromXml = /^<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/.exec(head)?.[1];
  // Bytes that can only be one encoding (a byte-order mark, `<?` in UTF-16 or UTF-32) outrank any label.
  const declared = fromBytes(bytes) ?? fromHeader ?? fromXml;
  // A server's default `charset=ISO-8859-1` on a UTF-8 feed (Apache's, for years): bytes that are valid UTF-8 with
  // characters beyond ASCII are not Latin-1 text in practice, and reading them so would store mojibake.
  if (declared && isLatinLabel(declared) && bytes.some((byte) => byte > 0x7f)) {
    const utf8 = decodeAs(bytes, 'utf-8');
    if (utf8 !== undefined) return { text: utf8, note: `declared ${declared} but the bytes are UTF-8: decoded as UTF-8` };
  }
  const text = decodeAs(bytes, declared ?? 'utf-8');
  if (text !== undefined) return { text };
  const why = declared ? `declared ${declared} but not valid ${declared}` : 'no encoding declared and not UTF-8';
  // A UTF-8 byte-order mark that the bytes after it belie says nothing: what follows it is detected.
  const rest = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;
  const detected = detect(rest);
  if (detected) return { text: detected.text, note: `${why}: decoded as ${detected.encoding} (detected)` };
  // The web's default for undeclared Western text (WHATWG Encoding), when the bytes are text in it.
  const western = decodeAs(rest, 'windows-1252');
  if (western !== undefined) return { text: western, note: `${why}: decoded as windows-1252 (the web's default)` };
  // Also the CSV reader's words (readFileText): the fix is the same, whoever wrote the file.
  throw new UserError(
    `${label}: ${why}, and its encoding cannot be told; save it as UTF-8 or declare its encoding (a feed: <?xml version="1.0" encoding="windows-1252"?>)`,
    'EINPUT',
  );
}

/** XML 1.0 Appendix F: the byte-order mark, or the first characters `<?` as UTF-16 or UTF-32 spell them. */
function fromBytes(bytes: Uint8Array): string | undefined {
  const patterns: [number[], string][] = [
    [[0xef, 0xbb, 0xbf], 'utf-8'],
    [[0x00, 0x00, 0xfe, 0xff], 'utf-32be'],
    [[0xff, 0xfe, 0x00, 0x00], 'utf-32le'],
    [[0xfe, 0xff], 'utf-16be'],
    [[0xff, 0xfe], 'utf-16le'],
    [[0x00, 0x00, 0x00, 0x3c], 'utf-32be'],
    [[0x3c, 0x00, 0x00, 0x00], 'utf-32le'],
    [[0x00, 0x3c, 0x00, 0x3f], 'utf-16be'],
    [[0x3c, 0x00, 0x3f, 0x00], 'utf-16le'],
  ];
  return patterns.find(([prefix]) => startsWith(bytes, prefix))?.[1];
}

/**
 * The text, or undefined when the bytes are not text in `encoding` or the
 * label is unknown. Node's own TextDecoder reads windows-1252 as Latin-1
 * (0x93 becomes a control character, not “), so every encoding but UTF-8
 * goes through iconv-lite; Latin-1 and ASCII labels mean windows-1252, as
 * browsers read them (WHATWG Encoding).
 */
function decodeAs(bytes: Uint8Array, encoding: string): string | undefined {
  const name = isLatinLabel(encoding) ? 'windows-1252' : encoding.toLowerCase();
  if (name === 'utf-8' || name === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }
  if (!iconv.encodingExists(name)) return undefined;
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name);
  return isText(text) ? text : undefined;
}

function detect(bytes: Uint8Array): { encoding: string; text: string } | undefined {
  const [best, next] = analyse(bytes).filter((match) => decodeAs(bytes, match.name) !== undefined);
  if (!best || best.confidence < MIN_CONFIDENCE || (next && best.confidence < next.confidence * MIN_LEAD)) return undefined;
  return { encoding: best.name, text: decodeAs(bytes, best.name)! };
}

function isLatinLabel(encoding: string): boolean {
  return /^(iso[-_]?8859[-_]1|latin-?1|l1|(us-)?ascii|cp819|ibm819|windows-1252|cp1252)$/i.test(encoding);
}

/** Free of U+FFFD (bytes with no character in the encoding) and of C1 control characters, which real text never holds. */
function isText(text: string): boolean {
  return !/[\u0080-\u009f\ufffd]/.test(text);
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}
