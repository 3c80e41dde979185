import type { Db } from '../db/connect.ts';
import type { ArticlesTable, NewArticleRow } from '../db/schema.ts';
import type { ArticleInput } from './article-input.ts';

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
}

type Transaction = Parameters<Parameters<ReturnType<Db['transaction']>['execute']>[0]>[0];
type StoredArticle = Pick<ArticlesTable, (typeof CONTENT_COLUMNS)[number]> & { id: number };

/** Collapses CR/LF and runs of white space: titles are one line everywhere they appear. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function toRow(input: ArticleInput, now: string): NewArticleRow {
  return {
    url: input.url,
    title: oneLine(input.title),
    category: oneLine(input.category),
    topics: JSON.stringify(input.topics),
    summary: input.summary,
    why_it_matters: input.whyItMatters,
    source_title: oneLine(input.source.title),
    source_name: oneLine(input.source.name),
    source_url: input.source.url,
    image_url: input.imageUrl ?? null,
    // Normalised to UTC with milliseconds so that text comparison orders instants.
    published_at: new Date(input.publishedAt).toISOString(),
    created_at: now,
    updated_at: now,
    feed_key: input.guid ? (input.feedKey ?? null) : null,
    guid: input.guid ?? null,
  };
}

const CONTENT_COLUMNS = [
  'url',
  'title',
  'category',
  'topics',
  'summary',
  'why_it_matters',
  'source_title',
  'source_name',
  'source_url',
  'image_url',
  'published_at',
  'feed_key',
  'guid',
] as const;

/**
 * Inserts new articles and updates changed ones, in one transaction. An
 * article is found by its feed and guid when it has a guid, else by its URL;
 * a guid'd item also takes over the row it was stored as before it had one.
 *
 * @example
 * const counts = await upsertArticles(db, articles); // { created: 3, updated: 1, unchanged: 40 }
 */
export async function upsertArticles(db: Db, articles: ArticleInput[], now = new Date()): Promise<UpsertCounts> {
  const stamp = now.toISOString();
  const counts: UpsertCounts = { created: 0, updated: 0, unchanged: 0 };
  await db.transaction().execute(async (trx) => {
    for (const input of articles) {
      const row = toRow(input, stamp);
      const existing = await findStored(trx, row);
      // An undated item keeps the date it was first seen: re-importing it changes nothing.
      if (existing && input.undated) row.published_at = existing.published_at;
      if (!existing) {
        await trx.insertInto('articles').values(row).execute();
        counts.created++;
      } else if (CONTENT_COLUMNS.every((column) => existing[column] === row[column])) {
        counts.unchanged++;
      } else {
        const { created_at: _created, ...changes } = row;
        await trx.updateTable('articles').set(changes).where('id', '=', existing.id).execute();
        counts.updated++;
      }
    }
  });
  return counts;
}

async function findStored(trx: Transaction, row: NewArticleRow): Promise<StoredArticle | undefined> {
  const select = () => trx.selectFrom('articles').select(['id', ...CONTENT_COLUMNS]);
  if (row.guid) {
    const inFeed = row.feed_key ? select().where('feed_key', '=', row.feed_key) : select().where('feed_key', 'is', null);
    const byGuid = await inFeed.where('guid', '=', row.guid).executeTakeFirst();
    if (byGuid) return byGuid;
  }
  return select().where('url', '=', row.url).where('guid', 'is', null).executeTakeFirst();
}
