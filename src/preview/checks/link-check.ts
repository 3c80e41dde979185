/**
 * Are the digest's links alive? Each http(s) link gets a HEAD request (a GET
 * whose body is dropped when the server refuses HEAD); redirects are reported,
 * not followed, so the editor sees where a link really goes.
 *
 * The preview runs on an editor's laptop, often offline or on a train: a
 * request that cannot be made (no DNS, refused, timed out, a proxy's
 * certificate) says "unknown", never "broken". Only an answer from the server
 * itself (4xx, 5xx) is broken.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Parser } from 'htmlparser2';
import { escapeHtml as e } from '../../render/slots.ts';
import { checkSection, plural, stateBadge } from './panel-html.ts';

export type LinkState = 'ok' | 'redirect' | 'broken' | 'unknown';

export interface LinkResult {
  url: string;
  /** The HTTP status the server answered, null when no answer came. */
  status: number | null;
  state: LinkState;
  /** Why, for people: the redirect's target, the reason for `unknown`… */
  detail: string;
}

/** A link of the email with the text a reader clicks (an image's alt for a linked picture). */
export interface ExtractedLink {
  href: string;
  text: string;
}

export interface LinkCheckOptions {
  timeoutMs?: number;
  cache?: LinkCache;
  /** Requests in flight at once: enough to check 40 links in a few seconds, few enough not to look like a flood to one host. */
  concurrency?: number;
}

export const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_CONCURRENCY = 6;
const DEFAULT_TTL_MS = 10 * 60_000;

/** Statuses with which servers refuse HEAD although GET works (RFC 9110 asks for HEAD support; many CDNs and bot guards differ). */
const RETRY_WITH_GET = new Set([403, 405, 501]);

/**
 * Results by URL for a while, so reloading the preview (every template save)
 * does not ask every site again. `now` is injectable for tests.
 */
export class LinkCache<T = LinkResult> {
  readonly #entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    readonly ttlMs: number = DEFAULT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(url: string): T | undefined {
    const entry = this.#entries.get(url);
    if (entry && entry.expiresAt > this.now()) return entry.value;
    this.#entries.delete(url);
    return undefined;
  }

  /** Stores a value and forgets the expired ones, so a preview left open for days does not grow. */
  set(url: string, value: T): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
    this.#entries.set(url, { value, expiresAt: now + this.ttlMs });
  }
}

/**
 * The cached result for `key`, else `probe()`'s. An `unknown` result is not
 * kept: the editor reloads to retry once back online.
 */
export async function throughCache<T extends { state: string }>(cache: LinkCache<T> | undefined, key: string, probe: () => Promise<T>): Promise<T> {
  const cached = cache?.get(key);
  if (cached) return cached;
  const result = await probe();
  if (result.state !== 'unknown') cache?.set(key, result);
  return result;
}

/** `task` over `items` with at most `limit` running at once; results in the order of `items`. */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url) && URL.canParse(url);
}

/** One line on why a request got no answer: offline, refused, too slow… (undici puts the system error in `cause`). */
export function noAnswerReason(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = err.cause?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found (offline, or no such domain)';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (/CERT|SSL|TLS/.test(code)) return `TLS certificate not accepted (${code})`;
  return err.cause?.message || err.message || String(error);
}

/**
 * Why `url`'s host cannot be reached, asked of DNS directly (c-ares, with
 * its own timeout); null when it resolves, or is an IP address or a name
 * the hosts file knows (localhost). fetch resolves with getaddrinfo on
 * Node's small thread pool, which a resolver that never answers (offline,
 * a captive network) holds for many seconds per lookup: a page of links
 * then stalls every lookup and file read of the preview behind it.
 */
export async function unresolvedHost(url: string, timeoutMs: number): Promise<string | null> {
  const { hostname } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) || host === 'localhost' || host.endsWith('.localhost')) return null;
  const resolver = new Resolver({ timeout: Math.min(timeoutMs, 2000), tries: 1 });
  const found = await Promise.any([resolver.resolve4(host), resolver.resolve6(host)]).then(
    () => true,
    (error: AggregateError) => (error.errors[0] as { code?: string }).code ?? 'no answer',
  );
  if (found === true) return null;
  return found === 'ENOTFOUND' || found === 'ENODATA' ? 'host not found (no such domain)' : `host not found (offline, or no DNS answer: ${found})`;
}

/** Status and Location of one request; the body, if any, is discarded unread. */
async function request(url: string, method: 'HEAD' | 'GET', signal: AbortSignal): Promise<{ status: number; location: string | null }> {
  const response = await fetch(url, { method, redirect: 'manual', signal });
  await response.body?.cancel();
  return { status: response.status, location: response.headers.get('location') };
}

/** A server's answer as a verdict: 2xx ok, 3xx redirect, 4xx/5xx broken (429 and odd codes unknown). */
export function classifyStatus(url: string, status: number, location: string | null): LinkResult {
  if (status >= 200 && status < 300) return { url, status, state: 'ok', detail: '' };
  if (status >= 300 && status < 400) {
    const target = location && URL.canParse(location, url) ? new URL(location, url).href : null;
    return { url, status, state: 'redirect', detail: target ? `redirects to ${target}` : 'redirect without a Location' };
  }
  // Too many requests is the server protecting itself, not a dead link.
  if (status === 429) return { url, status, state: 'unknown', detail: 'rate limited (429): try again later' };
  // Bot guards (Cloudflare, LinkedIn…) answer 403 to any script, GET included: broken for us, maybe not for a reader.
  if (status === 403) return { url, status, state: 'broken', detail: 'the server answered 403 (some sites refuse automated checks: open it to be sure)' };
  if (status >= 400 && status < 600) return { url, status, state: 'broken', detail: `the server answered ${status}` };
  return { url, status, state: 'unknown', detail: `unexpected status ${status}` };
}

/** HEAD, then GET if HEAD was refused; one deadline for both. */
async function probeLink(url: string, timeoutMs: number): Promise<LinkResult> {
  const unresolved = await unresolvedHost(url, timeoutMs);
  if (unresolved) return { url, status: null, state: 'unknown', detail: unresolved };
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    let answer = await request(url, 'HEAD', signal);
    if (RETRY_WITH_GET.has(answer.status)) answer = await request(url, 'GET', signal);
    return classifyStatus(url, answer.status, answer.location);
  } catch (error) {
    return { url, status: null, state: 'unknown', detail: noAnswerReason(error, timeoutMs) };
  }
}

/**
 * Checks each distinct http(s) URL once (other schemes, `mailto:` and the
 * like, are left out of the results). Never throws: a request that fails is
 * an `unknown` result.
 *
 * @example
 * const cache = new LinkCache();
 * const results = await checkLinks(extractLinks(html).map((l) => l.href), { cache });
 */
export async function checkLinks(urls: readonly string[], options: LinkCheckOptions = {}): Promise<LinkResult[]> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, cache, concurrency = DEFAULT_CONCURRENCY } = options;
  const unique = [...new Set(urls)].filter(isHttpUrl);
  return mapWithLimit(unique, concurrency, (url) => throughCache(cache, url, () => probeLink(url, timeoutMs)));
}

/** Whitespace as a reader sees it. */
function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The email's links, each href once (with the text of its first occurrence;
 * a linked picture's alt text when there are no words). Entities are decoded:
 * `&amp;` in an href is `&` in the URL.
 */
export function extractLinks(html: string): ExtractedLink[] {
  const links = new Map<string, string>();
  let open: { href: string; text: string } | null = null;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'a' && attributes.href) open = { href: attributes.href.trim(), text: '' };
        else if (name === 'img' && open && attributes.alt) open.text += ` ${attributes.alt}`;
      },
      ontext(text) {
        if (open) open.text += text;
      },
      onclosetag(name) {
        if (name !== 'a' || !open) return;
        const text = collapse(open.text);
        if (!links.has(open.href) || links.get(open.href) === '') links.set(open.href, text);
        open = null;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return [...links].map(([href, text]) => ({ href, text }));
}

/** The links as a table for the checks panel, problems first; `links` gives each URL its text. */
export function linkCheckHtml(results: readonly LinkResult[], links: readonly ExtractedLink[] = []): string {
  const order: Record<LinkState, number> = { broken: 0, unknown: 1, redirect: 2, ok: 3 };
  const textOf = new Map(links.map((l) => [l.href, l.text]));
  const rows = [...results]
    .sort((a, b) => order[a.state] - order[b.state])
    .map((r) => {
      const text = textOf.get(r.url);
      const label = text ? `${e(text)}<br><small>${e(r.url)}</small>` : e(r.url);
      return `<tr><td>${stateBadge(r.state)}</td><td>${r.status ?? '–'}</td><td>${label}</td><td>${e(r.detail)}</td></tr>`;
    });
  const count = (state: LinkState) => results.filter((r) => r.state === state).length;
  const summary = `${plural(results.length, 'link')} checked: ${count('broken')} broken, ${count('unknown')} unknown, ${count('redirect')} redirecting.`;
  const table = `<table class="links"><thead><tr><th>State</th><th>Status</th><th>Link</th><th>Detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return checkSection('links', 'Links', summary, results.length === 0 ? '' : table);
}
