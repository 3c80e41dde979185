import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import { maskCredentials } from '../text/mask-credentials.ts';
import { urlCredentials } from '../text/url-credentials.ts';

/** How long and how much an import waits for and reads from a URL. */
export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

/** A slow or huge reply is a mistake in the URL, not something to wait out. */
export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024 };

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** True when `source` names a URL rather than a file. */
function isUrlSource(source: string): boolean {
  return URL_LIKE.test(source);
}

/**
 * Reads the text of a file, or of an http(s) URL with a timeout and a size cap.
 * Every failure is one `UserError` line naming the source.
 *
 * @example
 * const text = await readSourceText('https://news.example.org/feed.xml'); // '<?xml …'
 * await readSourceText('https://news.example.org/gone'); // UserError: cannot fetch …: 404 Not Found
 */
export async function readSourceText(source: string, limits: FetchLimits = DEFAULT_FETCH_LIMITS): Promise<string> {
  return isUrlSource(source) ? fetchText(source, limits) : readFileText(source);
}

/** A local file as text, its encoding detected; a missing or unreadable file is one line for the user. */
export async function readFileText(path: string): Promise<string> {
  try {
    return decodeText(await readFile(path), null);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(error as Error).message}`, 'EINPUT');
  }
}

async function fetchText(source: string, limits: FetchLimits): Promise<string> {
  // A private feed's URL carries its password: every message names it masked.
  const fail = (reason: string) => new UserError(maskCredentials(`cannot fetch ${source}: ${reason}`), 'EFETCH');
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw fail('not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail('only http and https URLs are supported');
  try {
    // One signal covers connecting, the headers and the body.
    const response = await fetch(withoutCredentials(url), {
      signal: AbortSignal.timeout(limits.timeoutMs),
      headers: {
        accept: 'application/feed+json, application/atom+xml, application/rss+xml, application/xml, application/json;q=0.9, */*;q=0.5',
        ...basicAuthorization(url),
      },
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw fail(`${response.status} ${response.statusText}`.trim());
    }
    const bytes = await readCapped(response, limits.maxBytes);
    if (bytes === null) throw fail(`the reply is larger than ${formatBytes(limits.maxBytes)}`);
    return decodeText(bytes, response.headers.get('content-type'));
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw fail(describeFetchError(error, limits));
  }
}

/**
 * `https://user:password@host/feed` as HTTP Basic authentication (RFC 7617).
 * fetch refuses a URL with credentials in it; as a header they are also
 * dropped when a redirect leads to another origin.
 */
function basicAuthorization(url: URL): { authorization?: string } {
  if (!url.username && !url.password) return {};
  const { username, password } = urlCredentials(url);
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
}

function withoutCredentials(url: URL): URL {
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return bare;
}

/** Reads the body, or returns null as soon as it passes `maxBytes` (a lying or absent Content-Length included). */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** undici hides the reason (ECONNREFUSED, ENOTFOUND, a bad certificate) in `cause`. */
function describeFetchError(error: unknown, limits: FetchLimits): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no complete reply within ${limits.timeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as (Error & { code?: string }) | undefined) : undefined;
  const reason = cause?.message || cause?.code || (error instanceof Error ? error.message : String(error));
  return reason.replace(/\s+/g, ' ').trim();
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

/**
 * Decodes bytes by the first hint present: a byte-order mark, the Content-Type
 * charset, the XML declaration's encoding (older feeds are often ISO-8859-1),
 * else UTF-8.
 */
function decodeText(bytes: Uint8Array, contentType: string | null): string {
  const fromBom = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 'utf-8'
    : startsWith(bytes, [0xfe, 0xff]) ? 'utf-16be'
    : startsWith(bytes, [0xff, 0xfe]) ? 'utf-16le'
    : undefined;
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  const fromXml = /^<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/.exec(head)?.[1];
  const label = fromBom ?? fromHeader ?? fromXml ?? 'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    // An unknown label (a typo in a feed's header) is no reason to refuse the feed.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}
