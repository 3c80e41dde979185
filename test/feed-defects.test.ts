import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SourceImportOptions, importSourceBytes } from '../src/articles/import-source.ts';
import type { Db } from '../src/db/connect.ts';
import { markdownToHtml } from '../src/text/markdown.ts';
import { openScratchDb } from './helpers/store.ts';

/** One small feed per defect that real publishers' feeds showed (issue #15), each imported for real into the store. */
const DEFECTS = join(import.meta.dirname, 'fixtures/feeds/defects');

let db: Db;
beforeEach(async () => {
  db = await openScratchDb();
});
afterEach(async () => {
  await db.destroy();
});

async function importFile(name: string, options: Partial<SourceImportOptions> & { url?: string; bytes?: Uint8Array; contentType?: string } = {}) {
  const bytes = options.bytes ?? readFileSync(join(DEFECTS, name));
  return importSourceBytes(db, { bytes, contentType: options.contentType ?? null, url: options.url }, name, { timeZone: 'UTC', ...options });
}

/** Imports twice: the second time must change nothing, whatever the feed holds. */
async function importSettled(name: string, options: Parameters<typeof importFile>[1] = {}) {
  const first = await importFile(name, options);
  const again = await importFile(name, { ...options, now: new Date(Date.now() + 86_400_000) });
  expect(again, `${name} imported again`).toMatchObject({ created: 0, updated: 0, unchanged: first.created });
  return first;
}

async function stored() {
  return db.selectFrom('articles').selectAll().orderBy('id').execute();
}

describe('feed defects seen in real feeds', () => {
  it('WordPress: &#038; in a link is &, images from media:thumbnail and an image enclosure, tables and lists keep their words apart', async () => {
    const result = await importSettled('wordpress.rss.xml');
    expect(result).toMatchObject({ format: 'rss', created: 2, rejected: [] });
    const [pilot, audit] = await stored();
    expect(pilot).toMatchObject({
      url: 'https://ledger.example.org/?p=101&lang=en',
      title: 'Council’s “risk score” pilot ends',
      category: 'Policy',
      topics: '["risk scores"]',
      summary: 'The pilot scored 4,000 households & was stopped.\n\nRead the minutes.',
      source_name: 'Civic Ledger – Notes on public algorithms',
      image_url: 'https://ledger.example.org/wp-content/uploads/pilot.jpg?w=600&h=400',
      guid: 'https://ledger.example.org/?p=101',
      feed_key: 'https://ledger.example.org/feed/',
    });
    expect(audit!.url).toBe('https://ledger.example.org/?p=102&lang=en');
    // A list stays a Markdown list: summaries are rendered as Markdown.
    expect(audit!.summary.split(/\s+/)).toEqual(['District', 'Flagged', 'North', '120', '*', 'first', '*', 'second']);
    expect(audit!.image_url).toBe('https://ledger.example.org/wp-content/uploads/audit.png');
  });

  it('podcast: episodes that share one link stay one article each, dated by named zones, summarised from itunes:summary', async () => {
    const result = await importSettled('podcast.rss.xml');
    expect(result).toMatchObject({ created: 6, rejected: [] });
    const rows = await stored();
    expect(rows.map((r) => r.guid)).toEqual(['hearings-6', 'hearings-5', 'hearings-4', 'hearings-3', 'hearings-2', 'hearings-1']);
    expect(new Set(rows.map((r) => r.url))).toEqual(new Set(['https://hearings.example.fm/']));
    expect(rows.map((r) => r.published_at)).toEqual([
      '2026-11-20T14:00:00.000Z', // PST = -0800
      '2026-11-19T11:00:00.000Z', // EST = -0500
      '2026-11-18T07:00:00.000Z', // CET = +0100
      '2026-11-17T08:00:00.000Z', // BST = +0100
      '2026-11-16T01:00:00.000Z', // JST = +0900
      '2026-11-15T11:00:00.000Z', // Z
    ]);
    expect(rows[0]).toMatchObject({ summary: "Who can appeal a machine's decision?", image_url: 'https://hearings.example.fm/ep6.jpg' });
  });

  it('xml:base: relative links resolved, the alternate HTML link chosen, text titles kept as written, inline markup keeps its words', async () => {
    const result = await importSettled('xml-base.atom.xml', { url: 'https://mirror.example.com/feeds/notes.atom' });
    expect(result).toMatchObject({ format: 'atom', created: 2, rejected: [] });
    const [blink, inline] = await stored();
    expect(blink).toMatchObject({
      url: 'https://blog.example.net/notes/2026/blink',
      title: 'History of the <blink> tag',
      summary: 'It blinked.\n\nThen it stopped.',
      published_at: '2026-11-17T09:00:00.000Z',
      // type="html" with `&amp;amp;`: HTML that says `&amp;`, which is `&`.
      source_name: 'Base & Notes',
      feed_key: 'tag:blog.example.net,2026:notes',
    });
    expect(inline).toMatchObject({
      url: 'https://blog.example.net/elsewhere/relative-page',
      title: 'Inline markup keeps its words',
      // Stored as Markdown with the feed's text escaped: it renders as written.
      summary: 'Escaped \\<b> stays text.',
    });
    expect(markdownToHtml(inline!.summary)).toBe('<p>Escaped &lt;b&gt; stays text.</p>');
  });

  it('forum: an over-long title and category are cut with an ellipsis and reported; items sharing a link with their own ids stay two; table cells stay apart', async () => {
    const result = await importSettled('forum.atom.xml');
    expect(result).toMatchObject({ created: 2, rejected: [] });
    expect(result.notes).toEqual(['item 0: title cut to 500 characters', 'item 0: category cut to 60 characters']);
    const [thread, reply] = await stored();
    expect(thread!.title.length).toBeLessThanOrEqual(500);
    expect(thread!.title).toMatch(/^Which agencies use which models\? .*…$/);
    expect(thread!.category).toMatch(/^r\/algorithmic_accountability — a community .*…$/);
    expect(thread!.summary).toMatch(/^Here is the\n\nagency model\n\nHousing Screening\n\nsubmitted by \/u\/someone$/);
    expect(thread!.image_url).toBe('https://b.thumbs.example.com/abc1.jpg');
    expect(reply!.url).toBe(thread!.url);
  });

  it('dates: no zone is read in DIGEST_TZ and said; an unreadable date is reported, not guessed; undated items dated once; same link without guid merged and said', async () => {
    const result = await importSettled('dates.rss.xml', { timeZone: 'Europe/Berlin' });
    expect(result.rejected).toEqual([{ index: 2, field: 'publishedAt', reason: expect.stringContaining('03-12-31') }]);
    expect(result.notes).toEqual([
      'items 0, 1: date without a time zone: read in Europe/Berlin',
      'items 3, 4: no date: dated when first imported',
      'item 4: the same link, and no guid, as item 3: merged into it',
    ]);
    const byUrl = Object.fromEntries((await stored()).map((r) => [r.url, r.published_at]));
    expect(byUrl).toMatchObject({
      'https://dates.example.org/no-zone': '2026-11-15T23:30:00.000Z',
      'https://dates.example.org/iso-no-zone': '2026-11-22T22:30:00.000Z',
    });
    expect(Object.keys(byUrl)).toHaveLength(3);
  });

  it('JSON Feed: a title-less item takes one from its content; image; a relative url resolved against the URL it came from', async () => {
    const result = await importSettled('untitled.feed.json', { url: 'https://micro.example.org/feed.json' });
    expect(result).toMatchObject({ format: 'json-feed', created: 2, rejected: [] });
    expect(result.notes).toEqual(['items 0, 1: no title: took one from its text']);
    const [first, second] = await stored();
    expect(first).toMatchObject({
      title: 'Regulators fined the vendor for the screening model. More later today, once the order is published.',
      image_url: 'https://micro.example.org/1.jpg',
    });
    expect(second).toMatchObject({ url: 'https://micro.example.org/2', title: "A relative link, resolved against the feed's own URL." });
  });

  it('RSS 1.0 (RDF) feeds import', async () => {
    const result = await importSettled('rdf.xml');
    expect(result).toMatchObject({ format: 'rdf', created: 1 });
    expect((await stored())[0]).toMatchObject({
      url: 'https://rdf.example.org/1',
      title: 'First & RDF',
      category: 'Audits',
      published_at: '2026-11-18T09:00:00.000Z',
    });
  });

  it('a feed in Latin-1 without a declaration is detected and said, never stored with U+FFFD', async () => {
    const xml = readFileSync(join(DEFECTS, 'rdf.xml'), 'utf8')
      .replace('First &amp; RDF', 'Première étude: déjà vu à la française, naïve façade')
      .replace('<?xml version="1.0"?>', '');
    const result = await importSettled('latin1.rdf', { bytes: Buffer.from(xml, 'latin1') });
    expect(result.notes[0]).toMatch(/^no encoding declared and not UTF-8: decoded as (ISO-8859-1|windows-1252) \((detected|the web.s default)\)$/);
    expect((await stored())[0]!.title).toBe('Première étude: déjà vu à la française, naïve façade');
    const undecidable = Buffer.concat([
      Buffer.from('<rss version="2.0"><channel><title>'),
      Buffer.from([0x81, 0x8d, 0x8f, 0x90, 0x9d]),
      Buffer.from('</title></channel></rss>'),
    ]);
    await expect(importFile('garbled.xml', { bytes: undecidable })).rejects.toThrow(
      /^garbled\.xml: no encoding declared and not UTF-8, and its encoding cannot be told/,
    );
    // A short Latin-1 feed chardet cannot place is read as windows-1252, the web's default, and said.
    const short = Buffer.from(
      '<rss version="2.0"><channel><title>Café</title><item><title>Résumé</title><link>https://l.example/1</link><pubDate>Wed, 18 Nov 2026 09:30:00 GMT</pubDate></item></channel></rss>',
      'latin1',
    );
    expect((await importFile('short.xml', { bytes: short })).notes[0]).toMatch(
      /^no encoding declared and not UTF-8: decoded as (ISO-8859-1|windows-1252) \((detected|the web's default)\)$/,
    );
    // UTF-8 bytes a server labels ISO-8859-1 (Apache's old default) are read as UTF-8, and said.
    const mislabelled = await importFile('mislabelled.rdf', { bytes: Buffer.from(xml, 'utf8'), contentType: 'text/xml; charset=ISO-8859-1' });
    expect(mislabelled.notes[0]).toBe('declared ISO-8859-1 but the bytes are UTF-8: decoded as UTF-8');
  });

  it('a bare & (hand-written feeds) is read as the character and said; any other ill-formed XML is refused in one line', async () => {
    const xml =
      '<rss version="2.0"><channel><title>Tom & Jerry Weekly</title><item><title>Q&A: cats & mice</title><link>https://tj.example/?a=1&b=2</link><pubDate>Wed, 18 Nov 2026 09:30:00 GMT</pubDate><description>Fish &amp; chips</description></item></channel></rss>';
    const result = await importSettled('bare-amp.xml', { bytes: Buffer.from(xml) });
    expect(result.notes).toEqual(['not well-formed XML: 4 bare "&" read as text']);
    expect((await stored())[0]).toMatchObject({
      title: 'Q&A: cats & mice',
      url: 'https://tj.example/?a=1&b=2',
      summary: 'Fish & chips',
      source_name: 'Tom & Jerry Weekly',
    });
    await expect(importFile('cut.xml', { bytes: Buffer.from(xml.replace('</channel></rss>', '</chan')) })).rejects.toThrow(
      /^cut\.xml is not well-formed XML: .*\(line 1, column \d+\)$/,
    );
  });

  it('markup nested ten thousand levels deep neither crashes nor loses the rest of the feed', async () => {
    const deep = `${'<div>'.repeat(10_000)}deep${'</div>'.repeat(10_000)}`;
    const xml = `<rss version="2.0"><channel><title>Deep</title>${[1, 2, 3]
      .map(
        (n) =>
          `<item><title>Item ${n}</title><link>https://deep.example.org/${n}</link><pubDate>Wed, 18 Nov 2026 09:30:00 GMT</pubDate><description><![CDATA[${n === 2 ? deep : `<p>Plain ${n}</p>`}]]></description></item>`,
      )
      .join('')}</channel></rss>`;
    const result = await importSettled('deep.xml', { bytes: Buffer.from(xml) });
    expect(result).toMatchObject({ created: 3, rejected: [] });
    expect((await stored()).map((r) => r.summary)).toEqual(['Plain 1', expect.any(String), 'Plain 3']);
  });
});
