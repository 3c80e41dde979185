/*
 * Just enough MIME reading for report messages (RFC 2045/2046): headers,
 * Content-Type with its parameters, multipart bodies split into their parts,
 * and base64 / quoted-printable bodies decoded. General-purpose parsers fold
 * a report's `message/delivery-status` part into the message's text, so the
 * parts are read here as they are.
 */

export interface MimePart {
  /** Lower-cased names, folded lines joined; the first of a repeated header. */
  headers: Map<string, string>;
  body: string;
}

export function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/** A message or body part: its headers, and the body after the first empty line. */
export function readPart(text: string): MimePart {
  // No headers at all: the body starts after the empty first line.
  if (/^\r?\n/.test(text)) return { headers: new Map(), body: text.replace(/^\r?\n/, '') };
  const end = /\r?\n\r?\n/.exec(text);
  if (!end) return { headers: parseHeaders(text), body: '' };
  return { headers: parseHeaders(text.slice(0, end.index)), body: text.slice(end.index + end[0].length) };
}

/** `multipart/report; report-type=feedback-report; boundary="b1"` → its type (lower-cased) and parameters. */
export function contentTypeOf(part: MimePart): { type: string; params: Record<string, string> } {
  const value = part.headers.get('content-type') ?? 'text/plain';
  const params: Record<string, string> = {};
  for (const [, name, quoted, bare] of value.matchAll(/;\s*([\w.-]+)\s*=\s*(?:"([^"]*)"|([^;\s]+))/g)) params[name!.toLowerCase()] = quoted ?? bare ?? '';
  return { type: value.split(';')[0]!.trim().toLowerCase(), params };
}

/** The body with its Content-Transfer-Encoding undone. */
export function decodedBody(part: MimePart): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = part.body.replace(/=\r?\n/g, '').replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return part.body;
}

/** Every leaf part, in order: multiparts are opened (at any depth), anything else is a leaf (a message/rfc822 stays whole). */
export function leafParts(part: MimePart, depth = 0): MimePart[] {
  const { type, params } = contentTypeOf(part);
  if (!type.startsWith('multipart/') || !params.boundary || depth > 10) return [part];
  const delimiter = `--${params.boundary}`;
  const children: MimePart[] = [];
  // The preamble before the first delimiter and the epilogue after the closing one are not parts.
  const sections = part.body.split(new RegExp(`(?:^|\\r?\\n)${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  for (const section of sections.slice(1)) {
    if (section.startsWith('--')) break;
    children.push(...leafParts(readPart(section.replace(/^[ \t]*\r?\n/, '')), depth + 1));
  }
  return children;
}
