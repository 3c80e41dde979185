import { describe, expect, it } from 'vitest';
import { validateArticles } from './article-input.ts';
import { type FeedContext, feedItemToArticle, htmlToOneLine, htmlToSummary } from './feed-to-articles.ts';
import type { FeedItem } from './read-feed.ts';

const item: FeedItem = {
  title: { value: 'Hiring screen &#8217;scores&#8217; applicants', html: true },
  link: 'https://example.org/hiring',
  categories: ['Labour &amp; Work', 'Hiring', 'hiring', 'Audits', 'Video', 'Interviews', 'Bias', 'Extra'],
  date: 'Tue, 17 Nov 2026 08:00:00 -0500',
  summary: { value: '<p>Applicants were <strong>ranked</strong> by a video model.</p>', html: true },
};
const now = new Date('2026-11-20T12:00:00Z');
const context: FeedContext = { feedTitle: { value: 'Example <b>Wire</b>', html: true }, timeZone: 'UTC', now };

describe('feedItemToArticle', () => {
  it('maps an item to a valid article', () => {
    const { article, notes } = feedItemToArticle(item, context);
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
    expect(notes).toEqual([]);
    expect(validateArticles([article]).rejected).toEqual([]);
  });

  it('names the feed by the link host when the feed has no title', () => {
    expect(feedItemToArticle(item, { timeZone: 'UTC', now }).article).toMatchObject({ source: { name: 'example.org' } });
  });

  it('keeps the guid, scoped to the feed, as the identity', () => {
    expect(feedItemToArticle({ ...item, id: ' 42 ' }, { ...context, feedKey: 'https://example.org/feed' }).article).toMatchObject({
      guid: '42',
      feedKey: 'https://example.org/feed',
    });
  });

  it('dates an undated item when it is first seen, and says so', () => {
    const { date: _date, ...undated } = item;
    const { article, notes } = feedItemToArticle(undated, context);
    expect(article).toMatchObject({ publishedAt: now.toISOString(), undated: true });
    expect(notes).toEqual(['no date: dated when first imported']);
  });

  it('refuses an unreadable date by field, rather than guessing one', () => {
    expect(feedItemToArticle({ ...item, date: 'last Tuesday' }, context).refused).toMatchObject({ field: 'publishedAt' });
  });

  it('takes a title from the text when the item has none', () => {
    const { title: _title, ...untitled } = item;
    const { article, notes } = feedItemToArticle(
      { ...untitled, summary: { value: `${'Council votes to pause the scheme '.repeat(6)}.`, html: false } },
      context,
    );
    expect(article.title).toMatch(/^Council votes to pause the scheme Council .*…$/);
    expect((article.title as string).length).toBeLessThanOrEqual(100);
    expect(notes).toEqual(['no title: took one from its text']);
  });

  it('cuts an over-long title or category with an ellipsis and says so, instead of refusing the item', () => {
    const { article, notes } = feedItemToArticle({ ...item, title: { value: 'word '.repeat(200), html: false }, categories: ['c'.repeat(80)] }, context);
    expect(article.title).toMatch(/^word word .*word…$/);
    expect((article.title as string).length).toBeLessThanOrEqual(500);
    expect(article.category).toBe(`${'c'.repeat(59)}…`);
    expect(notes).toEqual(['title cut to 500 characters', 'category cut to 60 characters']);
    expect(validateArticles([article]).rejected).toEqual([]);
  });

  it('keeps only an https image', () => {
    expect(feedItemToArticle({ ...item, image: 'https://cdn.example.org/a.jpg' }, context).article.imageUrl).toBe('https://cdn.example.org/a.jpg');
    expect(feedItemToArticle({ ...item, image: 'http://cdn.example.org/a.jpg' }, context).article.imageUrl).toBeUndefined();
    expect(feedItemToArticle({ ...item, image: 'javascript:alert(1)' }, context).article.imageUrl).toBeUndefined();
  });

  it('keeps plain text as written: escaped tags in a text title stay text', () => {
    expect(feedItemToArticle({ ...item, title: { value: 'History of the <blink> tag', html: false } }, context).article.title).toBe(
      'History of the <blink> tag',
    );
  });

  it('rejects a javascript: link', () => {
    const { article } = feedItemToArticle({ ...item, link: 'javascript:alert(1)' }, context);
    expect(validateArticles([article]).rejected).toEqual([{ index: 0, field: 'url', reason: 'must be an http(s) URL' }]);
  });
});

describe('htmlToSummary', () => {
  it('drops scripts, event handlers, images and link targets; decodes entities', () => {
    const html = '<p>Vendor&#8217;s &amp; buyer&rsquo;s</p><script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">details</a>';
    expect(htmlToSummary(html)).toBe('Vendor’s & buyer’s\n\ndetails');
  });

  it('keeps escaped tag-like text as text: the publisher wrote about a tag, not with one', () => {
    expect(htmlToSummary('History of the &lt;blink&gt; tag')).toBe('History of the <blink> tag');
  });

  it('never glues words across table cells, rows, list items or blocks', () => {
    const text = htmlToSummary('<table><tr><td>one</td><td>two</td></tr><tr><th>three</th></tr></table><div>a</div><div>b</div><li>x</li><li>y</li>');
    for (const glued of ['onetwo', 'twothree', 'ab', 'xy']) expect(text).not.toContain(glued);
    expect(text.split(/\s+/)).toEqual(['one', 'two', 'three', 'a', 'b', 'x', 'y']);
  });

  it('survives markup nested thousands of levels deep, and keeps what follows it', () => {
    const deep = `${'<div>'.repeat(5_000)}deep${'</div>'.repeat(5_000)}<p>after</p>`;
    expect(htmlToSummary(deep)).toMatch(/after$/);
    expect(() => htmlToSummary('<b>'.repeat(50_000))).not.toThrow();
  });

  it('reads references to C1 controls as windows-1252, as HTML does (&#146; is ’)', () => {
    expect(htmlToSummary('don\u0092t \u0093quote\u0094 \u0097 dash')).toBe('don’t “quote” — dash');
    expect(htmlToOneLine('don\u0092t')).toBe('don’t');
  });

  it('keeps an object’s fallback text and drops rules', () => {
    expect(htmlToSummary('safe<object data="x.swf"><param name="a" value="b"> description</object><hr>after')).toBe('safe description\n\nafter');
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
  it('strips tags and joins lines, keeping the words of inline markup', () => {
    expect(htmlToOneLine('Face &amp; voice\n  <em>cloning</em><script>x()</script>')).toBe('Face & voice cloning');
  });
});
