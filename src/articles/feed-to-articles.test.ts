import { describe, expect, it } from 'vitest';
import { validateArticles } from './article-input.ts';
import { type FeedItem, feedItemToArticle, htmlToOneLine, htmlToSummary } from './feed-to-articles.ts';

const item: FeedItem = {
  title: 'Hiring screen &#8217;scores&#8217; applicants',
  link: 'https://example.org/hiring',
  categories: ['Labour &amp; Work', 'Hiring', 'hiring', 'Audits', 'Video', 'Interviews', 'Bias', 'Extra'],
  date: 'Tue, 17 Nov 2026 08:00:00 -0500',
  html: '<p>Applicants were <strong>ranked</strong> by a video model.</p>',
};

describe('feedItemToArticle', () => {
  it('maps an item to a valid article', () => {
    const article = feedItemToArticle(item, { feedTitle: 'Example <b>Wire</b>' });
    expect(article).toMatchObject({
      url: 'https://example.org/hiring',
      title: 'Hiring screen ’scores’ applicants',
      category: 'Labour & Work',
      // Lower-cased, without duplicates, at most five.
      topics: ['hiring', 'audits', 'video', 'interviews', 'bias'],
      publishedAt: '2026-11-17T13:00:00.000Z',
      summary: 'Applicants were ranked by a video model.',
      whyItMatters: '',
      source: { title: 'Hiring screen ’scores’ applicants', name: 'Example Wire', url: 'https://example.org/hiring' },
    });
    expect(validateArticles([article]).rejected).toEqual([]);
  });

  it('names the feed by the link host when the feed has no title', () => {
    expect(feedItemToArticle(item, {})).toMatchObject({ source: { name: 'example.org' } });
  });

  it('takes the id only when it is an http(s) URL', () => {
    const { link: _link, ...withoutLink } = item;
    expect(feedItemToArticle({ ...withoutLink, id: 'https://example.org/by-id' }, {}).url).toBe('https://example.org/by-id');
    expect(feedItemToArticle({ ...withoutLink, id: 'javascript:alert(1)' }, {}).url).toBeUndefined();
  });

  it('leaves bad dates for the schema to reject, by field', () => {
    const noZone = feedItemToArticle({ ...item, date: '2026-11-17T08:00:00' }, {});
    const nonsense = feedItemToArticle({ ...item, date: 'last Tuesday' }, {});
    const { date: _date, ...undated } = item;
    const missing = feedItemToArticle(undated, {});
    expect(validateArticles([noZone, nonsense, missing]).rejected.map((r) => `${r.index} ${r.field}`)).toEqual([
      '0 publishedAt',
      '1 publishedAt',
      '2 publishedAt',
    ]);
  });

  it('rejects a javascript: link', () => {
    const article = feedItemToArticle({ ...item, link: 'javascript:alert(1)' }, {});
    expect(validateArticles([article]).rejected).toEqual([{ index: 0, field: 'url', reason: 'must be an http(s) URL' }]);
  });
});

describe('htmlToSummary', () => {
  it('drops scripts, event handlers, images and link targets; decodes entities', () => {
    const html = '<p>Vendor&#8217;s &amp; buyer&rsquo;s</p><script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">details</a>';
    expect(htmlToSummary(html)).toBe('Vendor’s & buyer’s\n\ndetails');
  });

  it('drops markup that arrived escaped twice', () => {
    expect(htmlToSummary('Before &lt;script&gt;alert(1)&lt;/script&gt; after')).toBe('Before alert(1) after');
  });

  it('collapses white space but keeps paragraphs', () => {
    expect(htmlToSummary('  <p>one\n   two\t three</p>\n\n\n<div>four</div>  ')).toBe('one two three\n\nfour');
  });

  it('cuts long text at a word, with an ellipsis, within the limit', () => {
    const summary = htmlToSummary(`<p>${'word '.repeat(400)}</p>`);
    expect(summary.length).toBeLessThanOrEqual(1_200);
    expect(summary).toMatch(/ word…$/);
    expect(htmlToSummary('abcdefghij klmnop', 12)).toBe('abcdefghij…');
  });
});

describe('htmlToOneLine', () => {
  it('strips tags and joins lines', () => {
    expect(htmlToOneLine('Face &amp; voice\n  <em>cloning</em><script>x()</script>')).toBe('Face & voice cloning');
  });
});
