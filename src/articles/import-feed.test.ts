import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateArticles } from './article-input.ts';
import { parseArticleSource } from './import-feed.ts';

const FEEDS = join(import.meta.dirname, '../../test/fixtures/feeds');
const utc = { timeZone: 'UTC' };

function importFixture(name: string, defaultCategory?: string) {
  const { format, items, refused } = parseArticleSource(readFileSync(join(FEEDS, name), 'utf8'), name, { defaultCategory, timeZone: 'UTC' });
  const { valid, rejected } = validateArticles(items, new Set(refused.map((r) => r.index)));
  return { format, valid, rejected: [...refused, ...rejected] };
}

/** Nothing hostile from the fixtures' descriptions may reach a stored field. */
function expectNoMarkup(text: string): void {
  expect(text).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/javascript:|alert\(|onerror/i);
}

describe('parseArticleSource: RSS 2.0', () => {
  const { format, valid, rejected } = importFixture('field-notes.rss.xml');

  it('maps link, title, categories, date and feed title', () => {
    expect(format).toBe('rss');
    expect(valid[0]).toEqual({
      url: 'https://notes.example.org/2026/11/council-pauses-patrols',
      title: 'Council’s vote pauses predictive patrols & audits',
      category: 'Policing',
      topics: ['predictive policing', 'audits'],
      publishedAt: '2026-11-18T09:30:00.000Z',
      summary: 'The council’s vote came after residents & researchers mapped where the patrols went.\n\nRead the full minutes before Friday.',
      whyItMatters: '',
      source: {
        title: 'Council’s vote pauses predictive patrols & audits',
        name: 'Field Notes & Filings',
        url: 'https://notes.example.org/2026/11/council-pauses-patrols',
      },
      // The guid, scoped to the feed's own link, is the article's identity.
      guid: 'notes-101',
      feedKey: 'https://notes.example.org/',
    });
    for (const article of valid) {
      expectNoMarkup(article.summary);
      expectNoMarkup(article.title);
    }
  });

  it('falls back to an http(s) guid, content:encoded, General, and converts the RFC 822 offset to UTC', () => {
    expect(valid[1]).toMatchObject({
      url: 'https://notes.example.org/2026/11/screening-model-retired',
      title: 'Benefit-screening model retired after appeal',
      category: 'General',
      topics: [],
      publishedAt: '2026-11-19T13:00:00.000Z',
      summary: 'What changed\n\nAn appeals board found the score could not be explained to the people it judged.',
    });
  });

  it('rejects the item without a link or date by index and field', () => {
    expect(valid).toHaveLength(2);
    expect(rejected).toEqual([{ index: 2, field: 'url', reason: 'must be an http(s) URL' }]);
  });

  it('uses --category for items that name none', () => {
    expect(importFixture('field-notes.rss.xml', 'Welfare').valid[1]!.category).toBe('Welfare');
  });
});

describe('parseArticleSource: Atom', () => {
  const { format, valid, rejected } = importFixture('field-notes.atom.xml');

  it('takes the alternate link, category labels, published before updated, and sanitizes html text', () => {
    expect(format).toBe('atom');
    expect(valid[0]).toMatchObject({
      url: 'https://notes.example.org/2026/11/voice-clones-helpline',
      title: 'Voice clones & the bank helpline',
      category: 'Fraud',
      topics: ['voice cloning'],
      publishedAt: '2026-11-17T08:15:00.000Z',
      summary: 'Callers heard a relative’s voice asking for money.\n\nReport a call',
      source: { name: 'Field Notes (Atom)', url: 'https://notes.example.org/2026/11/voice-clones-helpline' },
    });
    expectNoMarkup(valid[0]!.summary);
    expectNoMarkup(valid[0]!.title);
  });

  it('reads xhtml content in order, and an http(s) id when there is no link', () => {
    expect(valid[1]).toMatchObject({
      url: 'https://notes.example.org/2026/11/warehouse-scanners',
      publishedAt: '2026-11-19T16:45:00.000Z',
      summary: 'Workers said the rate target rose every week & nobody could say why.\n\nThe union asked for the logs.',
    });
  });

  it('rejects the entry whose id is not a URL and which has no link', () => {
    expect(rejected).toEqual([{ index: 2, field: 'url', reason: 'must be an http(s) URL' }]);
  });
});

describe('parseArticleSource: JSON Feed 1.1', () => {
  const { format, valid, rejected } = importFixture('field-notes.feed.json');

  it('maps url, tags, date_published and content_html', () => {
    expect(format).toBe('json-feed');
    expect(valid[0]).toMatchObject({
      url: 'https://notes.example.org/2026/11/tenant-screening',
      title: 'Tenant screening scores & the people they missed',
      category: 'Housing',
      topics: ['credit scores', 'appeals'],
      publishedAt: '2026-11-16T07:00:00.000Z',
      summary: 'Landlords relied on a score they couldn’t read.\n\nSee the letters tenants sent.',
      source: { name: 'Field Notes (JSON Feed)' },
    });
    expectNoMarkup(valid[0]!.summary);
  });

  it('prefers summary, falls back to date_modified and an http(s) id', () => {
    expect(valid[1]).toMatchObject({
      url: 'https://notes.example.org/2026/11/chatbot-medical-advice',
      publishedAt: '2026-11-18T12:30:00.000Z',
      summary: 'Nurses reviewed 200 answers; one in eight needed a correction.',
    });
    expect(rejected).toEqual([{ index: 2, field: 'url', reason: 'must be an http(s) URL' }]);
  });
});

describe('parseArticleSource: detection', () => {
  const article = {
    url: 'https://example.org/a',
    title: 'A',
    category: 'Bias',
    publishedAt: '2026-11-18T09:30:00Z',
    summary: 'S',
    source: { title: 'T', name: 'N', url: 'https://example.org/a' },
  };

  it('reads our JSON format as an array or { articles }, whatever the name', () => {
    expect(parseArticleSource(JSON.stringify([article]), 'feed.xml', utc)).toMatchObject({ format: 'articles-json', items: [article] });
    expect(parseArticleSource(JSON.stringify({ articles: [article] }), 'x', utc)).toMatchObject({ format: 'articles-json', items: [article] });
  });

  it('reads a feed by its content, whatever the name', () => {
    const rss = readFileSync(join(FEEDS, 'field-notes.rss.xml'), 'utf8');
    expect(parseArticleSource(rss, 'articles.json', utc).format).toBe('rss');
    expect(parseArticleSource(`\uFEFF  ${rss}`, 'feed', utc).format).toBe('rss');
  });

  it('reads a feed with nothing in it as no items, not as an error', () => {
    expect(parseArticleSource('<rss version="2.0"></rss>', 'f', utc)).toMatchObject({ format: 'rss', items: [] });
    expect(parseArticleSource('<feed xmlns="http://www.w3.org/2005/Atom"></feed>', 'f', utc)).toMatchObject({ format: 'atom', items: [] });
  });

  it('names what is wrong in one line', () => {
    const cases: [string, RegExp][] = [
      ['', /^f is empty$/],
      ['[{"url": ', /^f is not valid JSON: /],
      ['{"title": "x"}', /^f must hold a JSON array of articles/],
      ['{"version": "https://jsonfeed.org/version/1.1", "title": "x"}', /^f is a JSON Feed without an "items" array$/],
      ['<!DOCTYPE html><html><body><p>Hi<br></body></html>', /^f is an HTML page, not a feed$/],
      ['<rss version="2.0"><channel><item></channel></rss>', /^f is not well-formed XML: Expected closing tag 'item' .*\(line 1, column \d+\)$/],
      ['<?xml version="1.0"?>\n<opml version="2.0"><body/></opml>', /^f is XML but not an RSS, RDF or Atom feed \(its root element is <opml>\): /],
      ['hello', /^f is not a feed: expected JSON, RSS or Atom/],
    ];
    for (const [text, message] of cases) expect(() => parseArticleSource(text, 'f', utc), text).toThrow(message);
  });
});
