/**
 * Decodes bytes by the first hint present: a byte-order mark, the Content-Type
 * charset, the XML declaration's encoding (older feeds are often ISO-8859-1),
 * else UTF-8. `label` names the source in errors.
 *
 * @example
 * decodeFeedBytes(Buffer.from('<rss>…</rss>'), 'application/rss+xml; charset=utf-8', 'feed.xml'); // '<rss>…</rss>'
 */
export function decodeFeedBytes(bytes: Uint8Array, contentType: string | null, label: string): string {
  const fromBom = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 'utf-8'
    : startsWith(bytes, [0xfe, 0xff]) ? 'utf-16be'
    : startsWith(bytes, [0xff, 0xfe]) ? 'utf-16le'
    : undefined;
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  const fromXml = /^<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/.exec(head)?.[1];
  const encoding = fromBom ?? fromHeader ?? fromXml ?? 'utf-8';
  try {
    return new TextDecoder(encoding).decode(bytes);
  } catch {
    void label;
    // An unknown label (a typo in a feed's header) is no reason to refuse the feed.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}
