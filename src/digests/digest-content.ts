import type { ArticleRow } from '../db/schema.ts';
import type { Week } from '../week.ts';

/** What a digest holds once built: its week, frozen subject and articles in reading order. */
export interface DigestContent {
  week: Week;
  subject: string;
  preheader: string;
  articles: ArticleRow[];
}

/**
 * Groups articles by category: the category with most stories first, ties by
 * name; inside a category, oldest first, so the week reads in order.
 */
export function orderArticles(articles: ArticleRow[]): ArticleRow[] {
  const byCategory = new Map<string, ArticleRow[]>();
  for (const article of [...articles].sort((a, b) => a.published_at.localeCompare(b.published_at) || a.id - b.id)) {
    const list = byCategory.get(article.category) ?? [];
    list.push(article);
    byCategory.set(article.category, list);
  }
  return [...byCategory.entries()].sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b)).flatMap(([, list]) => list);
}
