import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import { maskCredentials } from '../text/mask-credentials.ts';
import { urlCredentials } from '../text/url-credentials.ts';
import { decodeFeedBytes } from './decode-feed.ts';

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

/** What was read from a file or URL, not yet decoded. */
export interface SourceBytes {
  bytes: Uint8Array;
  /** The reply's Content-Type (its charset decides the decoding); null for a file. */
  contentType: string | null;
  /** Where the bytes came from after redirects, for resolving relative links; undefined for a file. */
  url?: string;
}

/**
 * Reads the bytes of a file, or of an http(s) URL with a timeout and a size
 * cap. Every failure is one `UserError` line naming the source.
 *
 * @example
 * const { bytes, contentType } = await readSourceBytes('https://news.example.org/feed.xml');
 * await readSourceBytes('https://news.example.org/gone'); // UserError: cannot fetch …: 404 Not Found
 */
export async function readSourceBytes(source: string, limits: FetchLimits = DEFAULT_FETCH_LIMITS): Promise<SourceBytes> {
  return isUrlSource(source) ? fetchBytes(source, limits) : { bytes: await readFileBytes(source), contentType: null };
}

/**
 * The text of a file or URL, decoded as `decodeFeedBytes` does.
 *
 * @example
 * const text = await readSourceText('https://news.example.org/feed.xml'); // '<?xml …'
 */
export async function readSourceText(source: string, limits: FetchLimits = DEFAULT_FETCH_LIMITS): Promise<string> {
  const { bytes, contentType } = await readSourceBytes(source, limits);
  return decodeFeedBytes(bytes, contentType, maskCredentials(source)).text;
}

/** A local file as text, its encoding detected; a missing or unreadable file is one line for the user. */
export async function readFileText(path: string): Promise<string> {
  return decodeFeedBytes(await readFileBytes(path), null, path).text;
}

async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(error as Error).message}`, 'EINPUT');
  }
}

async function fetchBytes(source: string, limits: FetchLimits): Promise<SourceBytes> {
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
    return { bytes, contentType: response.headers.get('content-type'), url: response.url || url.href };
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
