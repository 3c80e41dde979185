import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { type CorpusFileResult, importCorpusFile, listCorpusFiles, servedAs } from './helpers/feed-corpus.ts';
import { countByFolder, countFieldsByFolder, fieldsRightShare, formatCountsTable, formatFieldsTable } from './helpers/feed-corpus-summary.ts';
import { readSourceItems } from './helpers/feed-source-items.ts';
import { expectedText, readCorpusHeader, storedFieldExpectations } from './helpers/feedparser-expect.ts';
import { openScratchDb } from './helpers/store.ts';

/**
 * feedparser's test corpus (test/fixtures/feedparser, BSD-2) through our
 * whole import: bytes → importSourceBytes → SQLite → stored articles, compared
 * with each file's Expect line. Issue #15, item 5 and its "Done when". A
 * second measure judges every Expect assertion on our fields against the
 * mapped item, whether or not it has a link (test/helpers/feed-corpus-fields.ts).
 * `npx tsx scripts/feed-corpus-report.ts` lists every failure.
 */

describe('reading feedparser Expect lines', () => {
  it('maps the entries fields we store and ignores every other assertion', () => {
    const expectations = storedFieldExpectations(
      "not bozo and entries[0]['link'] == 'http://www.example.com/' and feed['title'] == 'x' and entries[0]['title_detail']['type'] == 'text/html'" +
        " and entries[1]['content'][0]['value'] == u'caf\\u00e9' and entries[0]['published_parsed'] == (2003, 12, 31, 10, 14, 55, 2, 365, 0)" +
        " and entries[0]['media_thumbnail'][0]['url'] == 'https://example.com/t.jpg' and not entries[0]['guidislink']",
    );
    expect(expectations.map(({ entry, field, value }) => [entry, field, value])).toEqual([
      [0, 'url', 'http://www.example.com/'],
      [1, 'summary', 'café'],
      [0, 'publishedAt', '2003-12-31T10:14:55.000Z'],
      [0, 'imageUrl', 'https://example.com/t.jpg'],
    ]);
  });

  it('reads Python string literals, chains, concatenation and `in`', () => {
    const values = (expect: string) => storedFieldExpectations(expect).map((e) => [e.entry, e.operator, e.value]);
    expect(values(`entries[0]['title'] == "it's \\\\ \\'q\\'"`)).toEqual([[0, '==', "it's \\ 'q'"]]);
    expect(values(`entries[0]['link'] == entries[1]['link'] == 'http://a.test/'`)).toEqual([
      [0, '==', 'http://a.test/'],
      [1, '==', 'http://a.test/'],
    ]);
    expect(values(`entries[0]['description'] == '<!-' + '- x -' + '->'`)).toEqual([[0, '==', '<!-- x -->']]);
    expect(values(`u'Atom' in entries[0]['summary']`)).toEqual([[0, 'in', 'Atom']]);
    expect(values(`entries[0].link == 'http://a.test/' or entries[0]['title'] == 'x'`)).toEqual([]);
  });

  it('reads the header block, served headers included', () => {
    const header = readCorpusHeader('<!--\nHeader:      Content-Location: http://example.com/\nDescription: d\nExpect:      not bozo\n-->\n<rss/>');
    expect(header).toEqual({ description: 'd', expect: 'not bozo', headers: { 'content-location': 'http://example.com/' } });
    expect(servedAs('wellformed/base/http_x.xml', header)).toEqual({ url: 'http://example.com/', contentType: 'text/xml' });
    expect(servedAs('wellformed/rss/x.xml', header)).toBeUndefined();
  });

  it('reduces expected HTML to the text we store, and leaves plain text as it is', () => {
    expect(expectedText('<div>Example <b>Atom</b></div>')).toBe('Example Atom');
    expect(expectedText('History of the &lt;blink&gt; tag')).toBe('History of the <blink> tag');
    expect(expectedText('<p>one</p><p>two&#160;&amp; three</p>')).toBe('one two & three');
    expect(expectedText('History of the <blink> tag', true)).toBe('History of the <blink> tag');
  });

  it('counts links from the source itself: RSS link, permalink guid, Atom alternate, JSON Feed url', () => {
    const links = (xml: string) => readSourceItems(xml).items.map((i) => i.link);
    expect(
      links(
        '<rss><channel><item><link>/a</link></item><item><guid>http://b.test/</guid></item><item><guid isPermaLink="false">http://c.test/</guid></item></channel></rss>',
      ),
    ).toEqual(['/a', 'http://b.test/', undefined]);
    expect(
      links(
        '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:entry><a:link rel="self" href="s"/><a:link href="p"/></a:entry><a:entry><a:link rel="self" href="s"/></a:entry></a:feed>',
      ),
    ).toEqual(['p', undefined]);
    expect(links('{"version":"https://jsonfeed.org/version/1.1","items":[{"url":"https://d.test/"},{"id":"1"}]}')).toEqual(['https://d.test/', undefined]);
  });
});

describe('the corpus harness on feeds of our own', () => {
  let root: string;
  let db: Db;
  const results: CorpusFileResult[] = [];
  const resultOf = (file: string) => results.find((r) => r.file === file)!;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'feed-corpus-'));
    mkdirSync(join(root, 'wellformed'));
    const item = `<item><title>Caf\u00e9 &amp;amp; bar</title><link>https://example.org/a?x=1&amp;y=2</link>
      <description>&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;</description><pubDate>Wed, 18 Nov 2026 09:30:00 GMT</pubDate></item>`;
    const feed = (expect: string) =>
      `<!--\nDescription: ours\nExpect:      ${expect}\n-->\n<rss version="2.0"><channel><title>Own</title>${item}<item><title>No link</title></item></channel></rss>`;
    writeFileSync(
      join(root, 'wellformed/right.xml'),
      feed(
        "not bozo and entries[0]['link'] == 'https://example.org/a?x=1&y=2' and entries[0]['title'] == u'Caf\\xe9 &amp; <b>bar</b>'" +
          " and entries[0]['description'] == '<p>One</p><p>Two</p>' and entries[0]['published_parsed'] == (2026, 11, 18, 9, 30, 0, 2, 322, 0)",
      ),
    );
    writeFileSync(
      join(root, 'wellformed/wrong.xml'),
      feed("not bozo and entries[0]['title'] == 'Another title' and entries[0]['link'] == 'https://example.org/b'"),
    );
    // Items without a link, which the import rejects: the field measure judges them all the same.
    writeFileSync(
      join(root, 'wellformed/no-link.xml'),
      `<!--\nDescription: ours\nExpect:      entries[0]['title'] == 'Kept' and entries[0]['summary'] == 'Text and more'` +
        ` and entries[0]['media_thumbnail'][0]['url'] == 'http://example.org/t.jpg' and entries[3]['title'] == 'x'\n-->\n` +
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Own</title>' +
        '<item><title>Kept</title><description>Text</description><media:thumbnail url="http://example.org/t.jpg"/></item></channel></rss>',
    );
    writeFileSync(
      join(root, 'illformed.xml'),
      `<!--\nDescription: ours\nExpect:      entries[0]['title'] == 'Cut'\n-->\n<rss version="2.0"><channel><item><title>Cut</title></item></channel></rss`,
    );
    db = await openScratchDb();
    for (const file of listCorpusFiles(root)) results.push(await importCorpusFile(db, file, root));
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(root, { recursive: true, force: true });
  });

  it('counts a right item as right and names each wrong field', () => {
    const [right, wrong] = [resultOf('wellformed/right.xml'), resultOf('wellformed/wrong.xml')];
    expect(right.items.map((i) => [i.expected, i.imported])).toEqual([
      [true, true],
      [false, false],
    ]);
    expect(right.items[0]!.checks.filter((c) => !c.ok)).toEqual([]);
    expect(right.items[0]!.checks).toHaveLength(4);
    expect(wrong.items[0]!.checks.filter((c) => !c.ok).map((c) => [c.field, c.expected, c.got])).toEqual([
      ['title', 'Another title', 'Café & bar'],
      ['url', 'https://example.org/b', 'https://example.org/a?x=1&y=2'],
    ]);
    expect(right.reimportStable && wrong.reimportStable).toBe(true);
    const total = countByFolder(results).at(-1)!;
    expect([total.expected, total.imported, total.fieldsRight]).toEqual([2, 2, 1]);
  });

  it('judges every assertion against the mapped item, link or not, and names what it excludes', () => {
    const judged = (file: string) => resultOf(file).fields.map((f) => [f.path, f.verdict, f.kind ?? f.excludedBy ?? f.got]);
    expect(judged('wellformed/no-link.xml')).toEqual([
      ["entries[0]['title']", 'right', 'Kept'],
      ["entries[0]['summary']", 'wrong', 'summary: text lost (ours is part of the expected)'],
      ["entries[0]['media_thumbnail'][0]['url']", 'excluded', 'http-image'],
      ["entries[3]['title']", 'wrong', 'item missing: the import has no item at this index (nor has the source)'],
    ]);
    expect(judged('wellformed/wrong.xml')).toEqual([
      ["entries[0]['title']", 'wrong', 'title: differs'],
      ["entries[0]['link']", 'wrong', 'url: another path on the same host'],
    ]);
    // Not well-formed, and feedparser would say bozo: we refuse such a file whole, by decision.
    expect(judged('illformed.xml')).toEqual([["entries[0]['title']", 'excluded', 'ill-formed-refused']]);
    expect(countFieldsByFolder(results).at(-1)).toEqual({ folder: 'total', files: 4, assertions: 11, right: 5, wrong: 4, excluded: 2 });
  });
});

/**
 * A ratchet, not a goal: the 585 wellformed/ assertions on our
 * fields that were right on 2026-12-02 (of 721 judged). Raise it as the
 * import is fixed (`npx tsx scripts/feed-corpus-report.ts` lists every wrong
 * one); never lower it to let a change through, that change broke a field.
 */
const WELLFORMED_FIELDS_RIGHT_FLOOR = 585;

describe('feedparser corpus through importSourceBytes (issue #15)', () => {
  const results: CorpusFileResult[] = [];
  beforeAll(async () => {
    const db = await openScratchDb();
    try {
      for (const file of listCorpusFiles()) results.push(await importCorpusFile(db, file));
    } finally {
      await db.destroy();
    }
    // In the CI log: the numbers the issue asks for, then every assertion on our fields against the mapped items.
    console.log(`feedparser corpus through our import:\n${formatCountsTable(countByFolder(results))}`);
    console.log(`feedparser's assertions on our fields, against the mapped item, link or not:\n${formatFieldsTable(countFieldsByFolder(results))}`);
  });

  it('reads every file of the vendored corpus and its Expect line', () => {
    expect(results.length).toBeGreaterThan(2000);
    expect(results.filter((r) => r.unreadableExpect).map((r) => `${r.file}: ${r.unreadableExpect}`)).toEqual([]);
  });

  it('never crashes: every file imports or is refused with one UserError line', () => {
    const crashes = results.flatMap((r) => [r.first, r.second].filter((o) => o.kind === 'crash').map((o) => `${r.file}: ${o.message}`));
    expect(crashes).toEqual([]);
  });

  it('imports every file a second time with 0 created and 0 updated', () => {
    const unstable = results.filter((r) => !r.reimportStable).map((r) => `${r.file}: ${JSON.stringify(r.second)}`);
    expect(unstable).toEqual([]);
  });

  // The Done-when measure of #15 (the table in the log shows it by folder).
  it('imports ≥ 95 % of well-formed items that have a link and a title or summary, with every field the corpus asserts', () => {
    const wellformed = countByFolder(results.filter((r) => r.folder === 'wellformed'))[0]!;
    expect(wellformed.expected).toBeGreaterThan(0);
    const failing = results
      .filter((r) => r.folder === 'wellformed')
      .flatMap((r) =>
        r.items
          .filter((i) => i.expected && !(i.imported && i.checks.every((c) => c.ok)))
          .map(
            (i) =>
              `${r.file} entries[${i.index}]: ${
                i.notImportedBecause ??
                i.checks
                  .filter((c) => !c.ok)
                  .map((c) => c.field)
                  .join(', ')
              }`,
          ),
      );
    expect(fieldsRightShare(wellformed), `${wellformed.fieldsRight} of ${wellformed.expected} right; failing:\n${failing.join('\n')}`).toBeGreaterThanOrEqual(
      0.95,
    );
  });

  it(`gets at least ${WELLFORMED_FIELDS_RIGHT_FLOOR} of the wellformed/ assertions on our fields right, items without a link included`, () => {
    const wellformed = countFieldsByFolder(results.filter((r) => r.folder === 'wellformed'))[0]!;
    const wrong = results.flatMap((r) =>
      r.fields.filter((f) => r.folder === 'wellformed' && f.verdict === 'wrong').map((f) => `${r.file} ${f.path}: ${f.kind}`),
    );
    expect(wellformed.right, `${wellformed.right} right, ${wellformed.wrong} wrong:\n${wrong.join('\n')}`).toBeGreaterThanOrEqual(
      WELLFORMED_FIELDS_RIGHT_FLOOR,
    );
  });
});
