import { type PyNode, parsePython } from './python-expr.ts';

/**
 * The comment that opens each file of feedparser's test corpus:
 *
 *   <!--
 *   Header:      Content-Location: http://example.com/
 *   Description: entry link href maps to link if rel="alternate" and type="text/html"
 *   Expect:      not bozo and entries[0]['link'] == 'http://www.example.com/'
 *   -->
 *
 * Read as feedparser's tests/helpers.py reads it (same regular expressions).
 */
export interface CorpusHeader {
  description: string;
  /** A Python expression over feedparser's result. */
  expect: string;
  /** `Header:` lines: the HTTP headers feedparser's suite serves the file with. */
  headers: Record<string, string>;
}

/** One thing an Expect line says about a field we store. */
export interface StoredFieldExpectation {
  /** `entries[N]`: the item's position in the feed. */
  entry: number;
  field: 'url' | 'title' | 'summary' | 'publishedAt' | 'imageUrl';
  /** The feedparser key as written, e.g. `entries[0]['content'][0]['value']`. */
  path: string;
  /** `==` compares whole values; `in` says the expected text is part of ours. */
  operator: '==' | 'in';
  /** feedparser's value: HTML or text for titles and summaries, ISO-8601 UTC for dates. */
  value: string;
  /** For `enclosures[K]`: an image only if its type is image/*; undefined when the Expect line does not say. */
  enclosure?: { index: number; type?: string };
}

/**
 * The text of a corpus file, decoded as feedparser's tests/helpers.py does:
 * by byte-order mark or the UTF-16/32 shape of `<?`, else UTF-8 with bad bytes
 * dropped. For reading the header and the source, not what the import sees.
 */
export function decodeCorpusFile(bytes: Uint8Array): string {
  const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  const decode = (encoding: string, skip = 0) => new TextDecoder(encoding).decode(bytes.subarray(skip));
  if (starts(0x00, 0x00, 0xfe, 0xff) || starts(0x00, 0x00, 0x00, 0x3c)) return decodeUtf32(bytes, false);
  if (starts(0xff, 0xfe, 0x00, 0x00) || starts(0x3c, 0x00, 0x00, 0x00)) return decodeUtf32(bytes, true);
  if (starts(0x00, 0x3c, 0x00, 0x3f) || starts(0xfe, 0xff)) return decode('utf-16be').replace(/^\uFEFF/, '');
  if (starts(0x3c, 0x00, 0x3f, 0x00) || starts(0xff, 0xfe)) return decode('utf-16le').replace(/^\uFEFF/, '');
  return new TextDecoder('utf-8', { fatal: false })
    .decode(bytes)
    .replace(/^\uFEFF/, '')
    .replaceAll('\uFFFD', '');
}

/** TextDecoder has no UTF-32. */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = '';
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const code = view.getUint32(i, littleEndian);
    text += code <= 0x10ffff ? String.fromCodePoint(code) : '';
  }
  return text.replace(/^\uFEFF/, '');
}

const DESCRIPTION_AND_EXPECT = /Description:\s*(.*?)\s*Expect:\s*(.*)\s*-->/;
const HEADER_LINE = /^Header:\s+([^:]+):(.*)$/gm;

/** The Description, Expect and Header lines of a corpus file; undefined when it has none (some encoding files). */
export function readCorpusHeader(text: string): CorpusHeader | undefined {
  const match = DESCRIPTION_AND_EXPECT.exec(text);
  if (!match) return undefined;
  const headers: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(HEADER_LINE)) headers[name!.trim().toLowerCase()] = value!.trim();
  return { description: match[1]!.trim(), expect: match[2]!.trim(), headers };
}

/**
 * What an Expect line asserts about the fields we store, for every entry it
 * names; every other assertion (feed-level fields, `*_detail`, authors, tags…)
 * is ignored, and so is anything under `not` or `or`.
 *
 * @example
 * storedFieldExpectations("not bozo and entries[0]['link'] == 'http://www.example.com/'");
 * // [{ entry: 0, field: 'url', path: "entries[0]['link']", operator: '==', value: 'http://www.example.com/' }]
 */
export function storedFieldExpectations(expect: string): StoredFieldExpectation[] {
  const found: StoredFieldExpectation[] = [];
  for (const clause of conjuncts(parsePython(expect))) {
    if (clause.kind !== 'compare') continue;
    // `a == b == 'x'` says both a and b are 'x'.
    if (clause.ops.every((op) => op === '==')) {
      const literals = clause.operands.map(literalValue).filter((v) => v !== undefined);
      if (literals.length !== 1) continue;
      for (const operand of clause.operands) found.push(...expectationsFor(operand, '==', literals[0]!));
    } else if (clause.ops.length === 1 && clause.ops[0] === 'in') {
      const [needle, haystack] = clause.operands as [PyNode, PyNode];
      const value = literalValue(needle);
      if (typeof value === 'string') found.push(...expectationsFor(haystack, 'in', value));
    }
  }
  return found;
}

function conjuncts(node: PyNode): PyNode[] {
  return node.kind === 'and' ? node.items.flatMap(conjuncts) : [node];
}

type Literal = string | number | Literal[] | { [key: string]: Literal };

/** The value of a literal operand (strings, numbers, tuples, dicts, `'a' + 'b'`); undefined for anything else. */
function literalValue(node: PyNode): Literal | undefined {
  switch (node.kind) {
    case 'str':
    case 'num':
      return node.value;
    case 'neg': {
      const value = literalValue(node.operand);
      return typeof value === 'number' ? -value : undefined;
    }
    case 'add': {
      const parts = node.items.map(literalValue);
      return parts.every((p) => typeof p === 'string') ? parts.join('') : undefined;
    }
    case 'tuple':
    case 'list': {
      const items = node.items.map(literalValue);
      return items.every((i) => i !== undefined) ? (items as Literal[]) : undefined;
    }
    case 'dict': {
      const entries = node.entries.map(([k, v]) => [literalValue(k), literalValue(v)] as const);
      if (!entries.every(([k, v]) => typeof k === 'string' && v !== undefined)) return undefined;
      return Object.fromEntries(entries);
    }
    default:
      return undefined;
  }
}

/** `entries[0]['content'][0]['value']`, `entries[0].link`, `entries[0].get('link')` as ['entries', 0, 'content', 0, 'value']. */
function pathOf(node: PyNode): (string | number)[] | undefined {
  if (node.kind === 'name') return [node.name];
  if (node.kind === 'attr') return appendKey(pathOf(node.target), node.name);
  if (node.kind === 'index') {
    const key = literalValue(node.key);
    return typeof key === 'string' || typeof key === 'number' ? appendKey(pathOf(node.target), key) : undefined;
  }
  if (node.kind === 'call' && node.target.kind === 'attr' && node.target.name === 'get' && node.args[0]?.kind === 'str') {
    return appendKey(pathOf(node.target.target), node.args[0].value);
  }
  return undefined;
}

function appendKey(path: (string | number)[] | undefined, key: string | number): (string | number)[] | undefined {
  return path && [...path, key];
}

const SUMMARY_KEYS = new Set(['description', 'summary']);
const DATE_KEYS = new Set(['published_parsed', 'updated_parsed', 'created_parsed']);

function expectationsFor(node: PyNode, operator: '==' | 'in', value: Literal): StoredFieldExpectation[] {
  const path = pathOf(node);
  if (path?.[0] !== 'entries' || typeof path[1] !== 'number') return [];
  const entry = path[1];
  const [key, ...rest] = path.slice(2);
  const written = `entries[${entry}]${[key, ...rest].map((k) => (typeof k === 'number' ? `[${k}]` : `['${k}']`)).join('')}`;
  const make = (field: StoredFieldExpectation['field'], text: string, extra: Partial<StoredFieldExpectation> = {}) => [
    { entry, field, path: written, operator, value: text, ...extra },
  ];
  const tail = rest.join('.');
  if (typeof value === 'string') {
    if (key === 'link' && tail === '') return make('url', value);
    if (key === 'title' && tail === '') return make('title', value);
    if ((typeof key === 'string' && SUMMARY_KEYS.has(key) && tail === '') || (key === 'content' && tail === '0.value')) return make('summary', value);
    if ((key === 'media_thumbnail' || key === 'media_content') && tail === '0.url') return make('imageUrl', value);
    if (key === 'image' && tail === 'href') return make('imageUrl', value);
    if (key === 'enclosures' && typeof rest[0] === 'number' && (rest[1] === 'href' || rest[1] === 'url') && rest.length === 2) {
      return make('imageUrl', value, { enclosure: { index: rest[0] } });
    }
  }
  if (key === 'enclosures' && typeof rest[0] === 'number' && rest.length === 1 && isDict(value) && typeof value.href === 'string') {
    return make('imageUrl', value.href, { enclosure: { index: rest[0], type: typeof value.type === 'string' ? value.type : undefined } });
  }
  if (typeof key === 'string' && DATE_KEYS.has(key) && tail === '' && Array.isArray(value)) {
    const iso = structTimeToIso(value);
    return iso ? make('publishedAt', iso) : [];
  }
  return [];
}

function isDict(value: Literal): value is { [key: string]: Literal } {
  return typeof value === 'object' && !Array.isArray(value);
}

/** Python's time.struct_time as feedparser gives it (UTC): (year, month, day, hour, minute, second, weekday, yearday, isdst). */
function structTimeToIso(tuple: Literal[]): string | undefined {
  if (tuple.length !== 9 || !tuple.every((n) => typeof n === 'number')) return undefined;
  const [year, month, day, hour, minute, second] = tuple as number[];
  return new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!)).toISOString();
}

// Block elements end a word: '<p>a</p><p>b</p>' reads "a b", never "ab".
const BLOCK_TAG =
  /<\/?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|table|thead|tbody|tr|td|th|blockquote|pre|section|article|header|footer|figure|figcaption|address)\b[^>]*>/gi;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * feedparser's value reduced to what we store as plain text: comments and
 * tags removed, entities decoded, white space collapsed. A value feedparser
 * reports as plain text (`plainText`) keeps its `<`: it is text, not markup.
 *
 * @example
 * expectedText('<div>Example <b>Atom</b></div>'); // 'Example Atom'
 * expectedText('History of the &lt;blink&gt; tag'); // 'History of the <blink> tag'
 */
export function expectedText(value: string, plainText = false): string {
  if (plainText) return collapseSpace(value);
  const withoutTags = value
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(BLOCK_TAG, ' ')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '');
  return collapseSpace(decodeEntities(withoutTags));
}

/** Decodes numeric references and the entities feedparser's expected values use; others stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d+)|#x([0-9a-fA-F]+)|([a-zA-Z]+));/g, (whole, dec?: string, hex?: string, name?: string) => {
    if (name) return NAMED_ENTITIES[name] ?? whole;
    const code = dec ? Number(dec) : parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

export function collapseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
