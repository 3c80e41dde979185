import type { Updateable } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { ArticleRow, ArticlesTable, NewArticleRow } from '../db/schema.ts';
import type { Tx } from '../db/transaction.ts';
import type { Week } from '../week.ts';

/** Articles published inside the week's window, oldest first. */
export async function listArticlesInWeek(db: Db, week: Week): Promise<ArticleRow[]> {
  return db
    .selectFrom('articles')
    .selectAll()
    .where('published_at', '>=', week.start.toUTC().toISO()!)
    .where('published_at', '<', week.end.toUTC().toISO()!)
    .orderBy('published_at')
    .orderBy('id')
    .execute();
}

/** Articles by id, in the order of `ids` (a frozen digest's reading order). */
export async function listArticlesByIds(db: Db, ids: number[]): Promise<ArticleRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('articles').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The columns an import compares to decide whether a stored article changed. */
export const CONTENT_COLUMNS = [
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

export type StoredArticle = Pick<ArticlesTable, (typeof CONTENT_COLUMNS)[number]> & { id: number };

/** Stored articles of one feed (null: imported without a feed) with one of these guids. */
export function findArticlesByGuid(db: Db | Tx, feedKey: string | null, guids: string[]): Promise<StoredArticle[]> {
  const select = db.selectFrom('articles').select(['id', ...CONTENT_COLUMNS]);
  const inFeed = feedKey === null ? select.where('feed_key', 'is', null) : select.where('feed_key', '=', feedKey);
  return inFeed.where('guid', 'in', guids).execute();
}

/** Stored articles without a guid at one of these URLs. */
export function findArticlesByUrl(db: Db | Tx, urls: string[]): Promise<StoredArticle[]> {
  return db
    .selectFrom('articles')
    .select(['id', ...CONTENT_COLUMNS])
    .where('guid', 'is', null)
    .where('url', 'in', urls)
    .execute();
}

export async function updateArticle(db: Db | Tx, id: number, changes: Updateable<ArticlesTable>): Promise<void> {
  await db.updateTable('articles').set(changes).where('id', '=', id).execute();
}

/** One multi-row insert. */
export async function insertArticles(db: Db | Tx, rows: NewArticleRow[]): Promise<void> {
  await db.insertInto('articles').values(rows).execute();
}

/** Categories the publication has written in, alphabetically. */
export async function listCategories(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('articles').select('category').distinct().orderBy('category').execute();
  return rows.map((r) => r.category);
}

/** When each stored article was published (ISO, UTC). */
export async function listPublishedDates(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('articles').select('published_at').execute();
  return rows.map((r) => r.published_at);
}

/** Whether the store holds any article. */
export async function hasArticles(db: Db): Promise<boolean> {
  return (await db.selectFrom('articles').select('id').limit(1).execute()).length > 0;
}

/** Whether any article's URL starts elsewhere than `prefix`. */
export async function hasArticlesOutside(db: Db, prefix: string): Promise<boolean> {
  return (await db.selectFrom('articles').select('url').where('url', 'not like', `${prefix}%`).limit(1).execute()).length > 0;
}
