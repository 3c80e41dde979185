import type { Db } from '../db/connect.ts';
import type { ArticleRow } from '../db/schema.ts';
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
