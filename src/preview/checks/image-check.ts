/**
 * The email's pictures as a reader's client gets them: is each one there,
 * how heavy, sharp enough for the width the email gives it, described for
 * screen readers, loaded over https.
 *
 * Dimensions come from the bytes with `image-size` (netroy/image-size): no
 * dependencies, maintained, and it reads every format a newsletter meets
 * (PNG, JPEG with EXIF rotation, GIF, WebP, AVIF, SVG). Reading PNG and GIF
 * sizes by hand is a few lines, but JPEG (scan for the SOF marker past EXIF
 * and ICC segments), WebP (three chunk layouts) and AVIF (ISO boxes) are not;
 * `probe-image-size` streams too, but pulls in an HTTP client we do not need
 * and has seen few releases lately.
 *
 * Offline, a picture is "unknown", not broken; its alt text, declared size
 * and address are still checked.
 */
import { Parser } from 'htmlparser2';
import { imageSize } from 'image-size';
import { escapeHtml as e } from '../../render/slots.ts';
import { formatKb } from '../../render/size-budget.ts';
import { DEFAULT_TIMEOUT_MS, type LinkCache, classifyStatus, isHttpUrl, mapWithLimit, noAnswerReason, throughCache, unresolvedHost } from './link-check.ts';
import { checkSection, plural, stateBadge } from './panel-html.ts';

/** Over this a picture is slow on a phone's data connection; the figure email guides (Litmus, Email on Acid) give. */
export const HEAVY_IMAGE_BYTES = 200 * 1024;
/** Reading stops here: the count says "at least", and no newsletter picture needs a bigger look. */
const MAX_READ_BYTES = 10 * 1024 * 1024;
const CONCURRENCY = 6;

/** What fetching a picture's address found; cached by address. */
export interface ImageFetch {
  status: number | null;
  state: 'ok' | 'broken' | 'unknown';
  detail: string;
  /** Bytes received (at least this many when the read stopped at the limit). */
  bytes: number | null;
  /** Pixel size read from the file, rotation applied; null when unreadable or not fetched. */
  intrinsic: { width: number; height: number; type: string } | null;
}

export interface ImageReport extends ImageFetch {
  src: string;
  /** `text`: described; `decorative`: alt="" on purpose, screen readers skip it; `missing`: no alt at all. */
  alt: { kind: 'text' | 'decorative' | 'missing'; text: string };
  /** The `width`/`height` attributes in pixels (null when absent or a percentage). */
  declared: { width: number | null; height: number | null };
  warnings: string[];
}

export interface ImageCheckOptions {
  timeoutMs?: number;
  cache?: LinkCache<ImageFetch>;
}

interface ImgTag {
  src: string;
  alt: string | undefined;
  width: string | undefined;
  height: string | undefined;
}

function imgTags(html: string): ImgTag[] {
  const tags: ImgTag[] = [];
  const parser = new Parser(
    {
      onopentag(name, a) {
        if (name === 'img') tags.push({ src: (a.src ?? '').trim(), alt: a.alt, width: a.width, height: a.height });
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return tags;
}

/** Pixels from an attribute: `600` and `600px` count, `100%` does not. */
function pixels(value: string | undefined): number | null {
  const match = value === undefined ? null : /^\s*(\d+)(?:px)?\s*$/i.exec(value);
  return match ? Number(match[1]) : null;
}

/** Size from the file's bytes; EXIF orientations 5–8 are quarter turns, so the shown width is the stored height. */
function dimensionsOf(bytes: Uint8Array): ImageFetch['intrinsic'] {
  try {
    const { width, height, type = 'unknown', orientation = 1 } = imageSize(bytes);
    return orientation >= 5 ? { width: height, height: width, type } : { width, height, type };
  } catch {
    return null;
  }
}

/** The body up to `max` bytes, and how many bytes there were (at least). */
async function readCapped(response: Response, max: number): Promise<{ body: Uint8Array; bytes: number }> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const reader = response.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
    chunks.push(read.value);
    bytes += read.value.byteLength;
    if (bytes > max) {
      await reader?.cancel();
      break;
    }
  }
  return { body: Buffer.concat(chunks), bytes };
}

/** GET the picture, following redirects as the clients' image proxies do; never throws. */
async function fetchImage(src: string, timeoutMs: number): Promise<ImageFetch> {
  if (!isHttpUrl(src)) return { status: null, state: 'unknown', detail: 'not an http(s) address: not fetched', bytes: null, intrinsic: null };
  const unresolved = await unresolvedHost(src, timeoutMs);
  if (unresolved) return { status: null, state: 'unknown', detail: unresolved, bytes: null, intrinsic: null };
  try {
    const response = await fetch(src, { signal: AbortSignal.timeout(timeoutMs) });
    const verdict = classifyStatus(src, response.status, null);
    if (verdict.state !== 'ok') {
      await response.body?.cancel();
      return { status: response.status, state: verdict.state === 'broken' ? 'broken' : 'unknown', detail: verdict.detail, bytes: null, intrinsic: null };
    }
    const { body, bytes } = await readCapped(response, MAX_READ_BYTES);
    const intrinsic = dimensionsOf(body);
    const type = response.headers.get('content-type') ?? 'no content type';
    const detail = intrinsic ? (response.redirected ? `redirected to ${response.url}` : '') : `not a picture this check can read (${type})`;
    return { status: response.status, state: 'ok', detail, bytes, intrinsic };
  } catch (error) {
    return { status: null, state: 'unknown', detail: noAnswerReason(error, timeoutMs), bytes: null, intrinsic: null };
  }
}

function altOf(tag: ImgTag): ImageReport['alt'] {
  if (tag.alt === undefined) return { kind: 'missing', text: '' };
  const text = tag.alt.trim();
  return { kind: text === '' ? 'decorative' : 'text', text };
}

/** What a reader would suffer from, one line each. */
function warningsFor(report: Omit<ImageReport, 'warnings'>): string[] {
  const warnings: string[] = [];
  if (report.alt.kind === 'missing') warnings.push('no alt attribute: screen readers read out the address instead (alt="" marks a decorative picture)');
  if (!/^https:\/\//i.test(report.src)) warnings.push('not https: some clients block or flag pictures loaded over plain http or inline');
  if (report.state === 'broken') warnings.push(`not reachable: ${report.detail}`);
  if (report.declared.width === null) warnings.push("no width attribute in pixels: Outlook for Windows shows the picture at the file's full width");
  const shownWidth = report.declared.width;
  if (report.intrinsic && shownWidth !== null && report.intrinsic.width < shownWidth) {
    warnings.push(`blurry: the file is ${report.intrinsic.width} px wide, shown ${shownWidth} px wide`);
  }
  if (report.bytes !== null && report.bytes > HEAVY_IMAGE_BYTES)
    warnings.push(`heavy: ${formatKb(report.bytes)} (over ${formatKb(HEAVY_IMAGE_BYTES)} is slow on a phone)`);
  return warnings;
}

/**
 * One report per `<img>` of the email, in document order; each address is
 * fetched once (and not again while `cache` holds it). Never throws.
 *
 * @example
 * const cache = new LinkCache<ImageFetch>();
 * for (const image of await checkImages(html, { cache })) console.log(image.src, image.warnings);
 */
export async function checkImages(html: string, options: ImageCheckOptions = {}): Promise<ImageReport[]> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, cache } = options;
  const tags = imgTags(html);
  const sources = [...new Set(tags.map((t) => t.src))];
  const fetched = await mapWithLimit(sources, CONCURRENCY, (src) => throughCache(cache, src, () => fetchImage(src, timeoutMs)));
  const bySrc = new Map(sources.map((src, i) => [src, fetched[i]!]));
  return tags.map((tag) => {
    const report = { src: tag.src, alt: altOf(tag), declared: { width: pixels(tag.width), height: pixels(tag.height) }, ...bySrc.get(tag.src)! };
    return { ...report, warnings: warningsFor(report) };
  });
}

function imageRow(r: ImageReport): string {
  const alt = r.alt.kind === 'text' ? e(r.alt.text) : `<em>${r.alt.kind === 'missing' ? 'missing' : 'decorative (alt="")'}</em>`;
  const declared = `${r.declared.width ?? '?'} × ${r.declared.height ?? '?'}`;
  const intrinsic = r.intrinsic ? `${r.intrinsic.width} × ${r.intrinsic.height} ${e(r.intrinsic.type)}` : '–';
  const size = r.bytes === null ? '–' : formatKb(r.bytes);
  const warnings = r.warnings.length === 0 ? '' : `<ul>${r.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>`;
  return (
    `<tr><td>${stateBadge(r.state, r.status === null ? r.state : `${r.state} ${r.status}`)}</td><td><small>${e(r.src)}</small></td>` +
    `<td>${alt}</td><td>${declared}</td><td>${intrinsic}</td><td>${size}</td><td>${e(r.detail)}${warnings}</td></tr>`
  );
}

/** The pictures as a table for the checks panel. */
export function imageCheckHtml(reports: readonly ImageReport[]): string {
  const flagged = reports.filter((r) => r.warnings.length > 0).length;
  const summary = `${plural(reports.length, 'picture')}, ${flagged} with warnings.`;
  const head = '<tr><th>State</th><th>Address</th><th>Alt text</th><th>Declared</th><th>File</th><th>Size</th><th>Notes</th></tr>';
  const table = `<table class="images"><thead>${head}</thead><tbody>${reports.map(imageRow).join('')}</tbody></table>`;
  return checkSection('images', 'Pictures', summary, reports.length === 0 ? '' : table);
}
