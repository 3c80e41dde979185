import type { ArticleRow } from '../db/schema.ts';
import type { Week } from '../week.ts';

/** What a digest holds once built: its week, frozen subject and articles in reading order. */
export interface DigestContent {
  week: Week;
  subject: string;
  preheader: string;
  articles: ArticleRow[];
  /** The editor's words and overrides; absent or null fields: none, automatic. */
  editorial?: Editorial;
}

/** What the editor wrote for an issue besides choosing its stories. */
export interface Editorial {
  /** Markdown above the stories (rendered like summaries: raw HTML escaped). */
  note: string | null;
  /** A line after the stories. */
  signoff: string | null;
  subject: string | null;
  preheader: string | null;
  /** Stories the editor moved to another section for this issue: article id → section. */
  sections?: Record<string, string>;
}

export const NO_EDITORIAL: Editorial = { note: null, signoff: null, subject: null, preheader: null };

/** A frozen issue's articles in the sections the editor put them in. */
export function inEditorsSections(articles: ArticleRow[], editorial: Editorial): ArticleRow[] {
  const moved = editorial.sections ?? {};
  return articles.map((a) => (moved[a.id] ? { ...a, category: moved[a.id]! } : a));
}

/** Content with the editor's words: their subject and preheader over the automatic ones, and the note and sign-off carried along. */
export function withEditorial(content: DigestContent, editorial: Editorial | undefined): DigestContent {
  if (!editorial) return content;
  return { ...content, subject: editorial.subject ?? content.subject, preheader: editorial.preheader ?? content.preheader, editorial };
}

/** A frozen digest's `editorial` column, read back. */
export function parseEditorial(json: string): Editorial {
  return { ...NO_EDITORIAL, ...(JSON.parse(json) as Partial<Editorial>) };
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
