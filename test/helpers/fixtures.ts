import type { ArticleRow } from '../../src/db/schema.ts';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { weekOf } from '../../src/week.ts';
import type { DigestContent } from '../../src/digests/digest-content.ts';
import { digestPreheader, digestSubject } from '../../src/digests/subject.ts';

export const CATEGORIES = ['Privacy', 'Labor', 'Misinformation', 'Safety', 'Surveillance', 'Bias', 'Security', 'Environment'];

/** The config of a test run: defaults plus whatever the test overrides. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ APP_SECRET: 'test-secret-0123456789abcdef', ...overrides });
}

const SUMMARY =
  'Regulatory filings reviewed by a regional newspaper show that two carmakers shared scores derived from in-cabin driver-monitoring cameras, including eye-closure and phone-use events, with insurance partners through a **data-sharing programme**. Drivers were enrolled by accepting a connected-services agreement. One insurer confirmed it uses the scores to set renewal premiums, according to [the filing](https://courts.example.net/filing/123).';
const WHY =
  'Cameras sold as a safety feature can quietly become a pricing tool. Drivers may have consented in a dealership contract without realising what would be shared, or with whom.';

/** A realistic article row (summary ~450 characters, "why" ~180), as the store returns it. */
export function articleRow(id: number, overrides: Partial<ArticleRow> = {}): ArticleRow {
  const day = 16 + (id % 5);
  return {
    id,
    url: `https://harmledger.example/2026/11/${day}/story-number-${id}-about-ai-harms`,
    title: `Story ${id}: carmakers' in-cabin cameras fed driver-attention data to insurers, filings show`,
    category: CATEGORIES[id % CATEGORIES.length]!,
    topics: '["cars","insurance"]',
    summary: SUMMARY,
    why_it_matters: WHY,
    source_title: 'Insurers quietly score drivers with cabin cameras',
    source_name: 'The Northwind Tribune',
    source_url: `https://tribune.example.com/2026/11/cabin-cameras-${id}`,
    image_url: null,
    published_at: `2026-11-${day}T09:${String(id % 60).padStart(2, '0')}:00.000Z`,
    created_at: '2026-11-20T00:00:00.000Z',
    updated_at: '2026-11-20T00:00:00.000Z',
    feed_key: null,
    guid: null,
    ...overrides,
  };
}

/** A digest of `n` realistic articles in week 2026-W47. */
export function digestOf(articles: ArticleRow[], config: Config = testConfig()): DigestContent {
  const week = weekOf('2026-W47', config.timeZone);
  return {
    week,
    subject: digestSubject(config.publicationName, week, articles),
    preheader: digestPreheader(articles),
    articles,
  };
}

export function manyArticles(n: number): ArticleRow[] {
  return Array.from({ length: n }, (_, i) => articleRow(i + 1));
}
