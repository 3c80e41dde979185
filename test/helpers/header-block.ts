/**
 * Reads a message's header block from its raw bytes as a receiving server
 * would, and lists everything that is not what the writer meant to write:
 * a line that is neither `Name: value` with a name in `known` nor a folded
 * continuation (space or tab first), a header that appears twice, a bare CR
 * or LF, a control byte, or a byte >= 0x80 (allowed only in the fields
 * named in `utf8Fields`, for SMTPUTF8 messages, and then only as valid
 * UTF-8 without controls or line separators).
 */
export function headerBlockProblems(
  raw: Buffer,
  options: { known: string[]; eol?: '\r\n' | '\n'; utf8Fields?: string[] },
): { problems: string[]; names: string[] } {
  const eol = options.eol ?? '\r\n';
  const text = raw.toString('latin1');
  const end = text.indexOf(eol + eol);
  const problems: string[] = [];
  if (end < 0) return { problems: ['no end of the header block'], names: [] };
  const known = new Map(options.known.map((name) => [name.toLowerCase(), name]));
  const names: string[] = [];
  let current = '';
  let offset = 0;
  for (const line of text.slice(0, end).split(eol)) {
    const bytes = raw.subarray(offset, offset + line.length);
    offset += line.length + eol.length;
    if (/[\r\n]/.test(line)) problems.push(`bare CR or LF in ${JSON.stringify(line)}`);
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) problems.push(`control byte in ${JSON.stringify(line)}`);
    if (/^[ \t]/.test(line)) {
      if (!current) problems.push(`continuation before any header: ${JSON.stringify(line)}`);
    } else {
      const name = /^([!-9;-~]+):/.exec(line)?.[1];
      if (!name || !known.has(name.toLowerCase())) {
        problems.push(`unexpected header line ${JSON.stringify(line)}`);
        current = '';
        continue;
      }
      current = known.get(name.toLowerCase())!;
      if (names.includes(current)) problems.push(`${current} appears twice`);
      names.push(current);
    }
    if (/[\x80-\xff]/.test(line)) {
      const decoded = bytes.toString('utf8');
      const validUtf8 = Buffer.from(decoded, 'utf8').equals(bytes) && !decoded.includes('\ufffd');
      if (!options.utf8Fields?.includes(current)) problems.push(`byte >= 0x80 in ${current || 'a header'}: ${JSON.stringify(decoded)}`);
      else if (!validUtf8 || /[\p{C}\p{Zl}\p{Zp}]/u.test(decoded)) problems.push(`bad UTF-8 in ${current}: ${JSON.stringify(decoded)}`);
    }
  }
  return { problems, names };
}

/** The headers the digest's MIME writer produces, in its order. */
export const DIGEST_HEADERS = [
  'To',
  'Date',
  'Message-ID',
  'List-Unsubscribe',
  'From',
  'Reply-To',
  'Subject',
  'List-Id',
  'List-Unsubscribe-Post',
  'MIME-Version',
  'Content-Type',
];

/** A header's value from raw bytes: unfolded, with RFC 2047 Q/B encoded words (UTF-8) decoded. For headers mailparser leaves encoded (List-Id). */
export function decodedHeader(raw: Buffer, name: string): string | undefined {
  const block = raw
    .toString('latin1')
    .split(/\r?\n\r?\n/)[0]!
    .replace(/\r?\n[ \t]/g, ' ');
  const line = block.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (line === undefined) return undefined;
  const value = Buffer.from(line.slice(name.length + 1).trim(), 'latin1').toString('utf8');
  return value.replace(/(\?=)\s+(=\?)/g, '$1$2').replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}
