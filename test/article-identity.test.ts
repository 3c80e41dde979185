import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ArticleInput } from '../src/articles/article-input.ts';
import { importArticles } from '../src/articles/import-json.ts';
import { upsertArticles } from '../src/articles/upsert-articles.ts';
import { migrateToLatest } from '../src/db/connect.ts';
import { openScratchDb, openScratchDbAt } from './helpers/store.ts';

const article = (n: number, overrides: Partial<ArticleInput> = {}): ArticleInput => ({
  url: `https://news.example.org/${n}`,
  title: `Story ${n}`,
  category: 'Policy',
  topics: [],
  publishedAt: '2026-11-18T09:30:00.000Z',
  summary: `Summary ${n}`,
  whyItMatters: '',
  source: { title: `Story ${n}`, name: 'News', url: `https://news.example.org/${n}` },
  ...overrides,
});

describe('article identity (migration 007)', () => {
  it('keeps every stored article through the upgrade, and lets two guids share a link', async () => {
    const { db, migrator } = await openScratchDbAt('006-confirmation-sends');
    try {
      for (const n of [1, 2]) {
        await sql`insert into articles (url, title, category, topics, summary, why_it_matters, source_title, source_name, source_url, published_at, created_at, updated_at)
          values (${`https://news.example.org/${n}`}, ${`Story ${n}`}, 'Policy', '[]', ${`Summary ${n}`}, '', ${`Story ${n}`}, 'News', ${`https://news.example.org/${n}`}, '2026-11-18T09:30:00.000Z', 'x', 'x')`.execute(
          db,
        );
      }
      expect(await migrateToLatest(db)).toContain('007-article-identity');
      expect(await db.selectFrom('articles').select(['id', 'url', 'guid', 'feed_key']).orderBy('id').execute()).toEqual([
        { id: 1, url: 'https://news.example.org/1', guid: null, feed_key: null },
        { id: 2, url: 'https://news.example.org/2', guid: null, feed_key: null },
      ]);
      // An item that now has a guid takes over the row it was stored as; a second guid with the same link is its own article.
      const episode = (guid: string) => article(1, { guid, feedKey: 'https://news.example.org/feed', title: `Episode ${guid}` });
      expect(await upsertArticles(db, [episode('a'), episode('b')])).toEqual({ created: 1, updated: 1, unchanged: 0, repeats: [] });
      expect(await upsertArticles(db, [episode('a'), episode('b')])).toEqual({ created: 0, updated: 0, unchanged: 2, repeats: [] });
      expect(await db.selectFrom('articles').select(['id', 'guid']).where('url', '=', 'https://news.example.org/1').orderBy('id').execute()).toEqual([
        { id: 1, guid: 'a' },
        { id: 3, guid: 'b' },
      ]);
      // Without a guid, the link stays unique: the store refuses a second row rather than trusting the code alone.
      const row = {
        url: 'https://news.example.org/2',
        title: 't',
        category: 'c',
        topics: '[]',
        why_it_matters: '',
        summary: '',
        source_title: 't',
        source_name: 'n',
        source_url: 'https://n.example/',
        published_at: '2026-11-18T09:30:00.000Z',
        created_at: 'x',
        updated_at: 'x',
      };
      await expect(db.insertInto('articles').values(row).execute()).rejects.toThrow(/unique/i);
      // Down and up again: one row per URL (the first) survives the way down, and the way up works on what down left.
      expect((await migrator.migrateTo('006-confirmation-sends')).error).toBeUndefined();
      expect(await db.selectFrom('articles').select('id').orderBy('id').execute()).toEqual([{ id: 1 }, { id: 2 }]);
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
    } finally {
      await db.destroy();
    }
  });
});

describe('upsertArticles', () => {
  it('settles on an input that repeats an article: the first copy is kept, the repeat reported, and a second run changes nothing', async () => {
    const db = await openScratchDb();
    try {
      const items = [article(1), article(1, { title: 'Story 1, again' }), article(2)];
      expect(await importArticles(db, items)).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: [], repeats: [{ index: 1, first: 0, by: 'link' }] });
      expect(await importArticles(db, items)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
      expect((await db.selectFrom('articles').select('title').orderBy('id').execute()).map((r) => r.title)).toEqual(['Story 1', 'Story 2']);
    } finally {
      await db.destroy();
    }
  });

  it('matches a row without a guid once: after an item with a guid takes it over, a guid-less item with that link is its own article, and it settles', async () => {
    const db = await openScratchDb();
    try {
      await upsertArticles(db, [article(1)]);
      const feed = [article(1, { guid: 'g1', feedKey: 'https://news.example.org/feed', title: 'With a guid' }), article(1, { title: 'Without one' })];
      expect(await upsertArticles(db, feed)).toEqual({ created: 1, updated: 1, unchanged: 0, repeats: [] });
      expect(await upsertArticles(db, feed)).toEqual({ created: 0, updated: 0, unchanged: 2, repeats: [] });
      expect(await db.selectFrom('articles').select(['id', 'guid', 'title']).orderBy('id').execute()).toEqual([
        { id: 1, guid: 'g1', title: 'With a guid' },
        { id: 2, guid: null, title: 'Without one' },
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('matches and inserts 1,000 articles across its 200-row batches: all created, then all unchanged', async () => {
    const db = await openScratchDb();
    try {
      const items = Array.from({ length: 1_000 }, (_, i) => article(i, { guid: `g${i}`, feedKey: 'https://news.example.org/feed' }));
      expect(await upsertArticles(db, items)).toEqual({ created: 1_000, updated: 0, unchanged: 0, repeats: [] });
      expect(await upsertArticles(db, items)).toEqual({ created: 0, updated: 0, unchanged: 1_000, repeats: [] });
    } finally {
      await db.destroy();
    }
  });
});
