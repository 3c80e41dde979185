import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import { maskCredentials } from '../text/mask-credentials.ts';
import { urlCredentials } from '../text/url-credentials.ts';
import { decodeFeedBytes } from './decode-feed.ts';
import { type LookupAll, isNonPublicSource, refusedHop, systemLookup } from './redirect-guard.ts';

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

/** What a reply said to recognise its feed next time (ETag, Last-Modified), sent back in a conditional request. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export interface FetchOptions {
  limits?: FetchLimits;
  /** Resolves redirect targets for the redirect guard; the system resolver unless a test injects one. */
  lookup?: LookupAll;
}

/** A conditional fetch: the feed unchanged since the validators were given, or its bytes and new validators. */
export type ConditionalFetch = { status: 'not-modified' } | { status: 'fetched'; source: SourceBytes; validators: Validators };

/**
 * Reads the bytes of a file, or of an http(s) URL with a timeout, a size
 * cap and the redirect guard. Every failure is one `UserError` line naming
 * the source.
 *
 * @example
 * const { bytes, contentType } = await readSourceBytes('https://news.example.org/feed.xml');
 * await readSourceBytes('https://news.example.org/gone'); // UserError: cannot fetch …: 404 Not Found
 */
export async function readSourceBytes(
  source: string,
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
  options: Omit<FetchOptions, 'limits'> = {},
): Promise<SourceBytes> {
  if (!isUrlSource(source)) return { bytes: await readFileBytes(source), contentType: null };
  const fetched = await fetchBytes(source, limits, null, options.lookup ?? systemLookup);
  // Sent without validators, a request is never "not modified": fetchBytes makes a 304 to it an error.
  if (fetched.status !== 'fetched') throw new Error('bug: a 304 reported for an unconditional request');
  return fetched.source;
}

/**
 * Fetches an http(s) URL as `readSourceBytes` does, sending the validators a
 * previous reply gave (If-None-Match, If-Modified-Since): an unchanged feed
 * answers 304 and costs neither its bytes nor an import.
 *
 * @example
 * const first = await fetchIfChanged('https://news.example.org/feed.xml', null);
 * // { status: 'fetched', source: { bytes, … }, validators: { etag: '"abc"', lastModified: 'Mon, 23 Nov 2026 08:00:00 GMT' } }
 * await fetchIfChanged('https://news.example.org/feed.xml', first.validators); // { status: 'not-modified' }
 */
export async function fetchIfChanged(url: string, validators: Validators | null, options: FetchOptions = {}): Promise<ConditionalFetch> {
  return fetchBytes(url, options.limits ?? DEFAULT_FETCH_LIMITS, validators, options.lookup ?? systemLookup);
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

/** Redirects followed before giving up (fetch's own limit is 20; a feed needs one or two). */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'application/feed+json, application/atom+xml, application/rss+xml, application/xml, application/json;q=0.9, */*;q=0.5';

async function fetchBytes(source: string, limits: FetchLimits, validators: Validators | null, lookup: LookupAll): Promise<ConditionalFetch> {
  // A private feed's URL carries its password: every message names it masked.
  const fail = (reason: string) => new UserError(maskCredentials(`cannot fetch ${source}: ${reason}`), 'EFETCH');
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw fail('not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail('only http and https URLs are supported');
  // One signal covers every hop: resolving, connecting, the headers and the body.
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const { response, finalUrl } = await followRedirects(url, { signal, lookup, headers: conditionalHeaders(validators), fail });
    // A 304 answers only a conditional request; to a plain one it is an error like any other status.
    if (response.status === 304 && validators) {
      await response.body?.cancel();
      return { status: 'not-modified' };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw fail(`${response.status} ${response.statusText}`.trim());
    }
    const bytes = await readCapped(response, limits.maxBytes);
    if (bytes === null) throw fail(`the reply is larger than ${formatBytes(limits.maxBytes)}`);
    return {
      status: 'fetched',
      source: { bytes, contentType: response.headers.get('content-type'), url: finalUrl.href },
      validators: { etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') },
    };
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw fail(describeFetchError(error, limits));
  }
}

/** If-None-Match and If-Modified-Since from a previous reply (RFC 9110 §13.1): an unchanged feed answers 304, with no body. */
function conditionalHeaders(validators: Validators | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

/**
 * Follows redirects one hop at a time, so that each hop is checked before it
 * is requested: from a public source, a hop to a loopback, private or
 * link-local address is refused (redirect-guard.ts). Credentials go only to
 * the source's origin, and once a redirect left it they stay dropped, as
 * fetch's own redirects do (Fetch standard, HTTP-redirect fetch, step 13).
 *
 * The guard resolves a hop's name, then fetch resolves it again to connect: a
 * name whose DNS answers change between the two (DNS rebinding) slips
 * through. That window is accepted: closing it means connecting to the
 * checked address ourselves, and the sources are feeds an operator added,
 * not URLs anyone on the internet can submit.
 */
async function followRedirects(
  source: URL,
  context: { signal: AbortSignal; lookup: LookupAll; headers: Record<string, string>; fail: (reason: string) => UserError },
): Promise<{ response: Response; finalUrl: URL }> {
  const { signal, lookup, fail } = context;
  let url = withoutCredentials(source);
  let authorization = basicAuthorization(source);
  let sourceIsNonPublic: boolean | undefined;
  for (let hops = 0; ; hops++) {
    const response = await fetch(url, { redirect: 'manual', signal, headers: { accept: ACCEPT, ...context.headers, ...authorization } });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return { response, finalUrl: url };
    await response.body?.cancel();
    if (hops === MAX_REDIRECTS) throw fail('redirect count exceeded');
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw fail(`redirect to an invalid URL "${location}"`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw fail(`redirect to ${next.href} refused: only http and https URLs are supported`);
    sourceIsNonPublic ??= await unlessAborted(isNonPublicSource(source, lookup), signal);
    if (!sourceIsNonPublic) {
      const refused = await unlessAborted(refusedHop(next, lookup), signal).catch((error: unknown) => {
        if (signal.aborted) throw error;
        throw fail(`redirect to ${next.href}: cannot resolve ${next.hostname} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      });
      if (refused) throw fail(`redirect to ${next.href} refused: ${refused}, followed only when the source URL itself is one`);
    }
    if (next.origin !== url.origin) authorization = {};
    url = withoutCredentials(next);
  }
}

/** `promise`, or the signal's reason as soon as it aborts: a resolver that hangs must not outlast the fetch's timeout. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
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
