import type { Db } from '../db/connect.ts';
import type { DigestRow } from '../db/schema.ts';
import { listArticlesByIds } from '../articles/article-store.ts';
import type { Week } from '../week.ts';
import { type DigestContent, inEditorsSections, orderArticles, parseEditorial, withEditorial } from './digest-content.ts';
import type { Config } from '../config/config.ts';
import { listArticlesInWeek } from '../articles/article-store.ts';
import { listEdits } from './edit-store.ts';
import { applyChoices, foldEdits } from './editor-choices.ts';
import { digestContent } from './subject.ts';

/** The frozen content of a built digest: its subject and articles in reading order. */
export async function loadDigestContent(db: Db, digest: DigestRow, week: Week): Promise<DigestContent> {
  const ids = JSON.parse(digest.article_ids) as number[];
  const editorial = parseEditorial(digest.editorial);
  const articles = inEditorsSections(await listArticlesByIds(db, ids), editorial);
  return { week, subject: digest.subject, preheader: digest.preheader, articles, editorial };
}

/**
 * What building the week's digest now would freeze: its articles in reading
 * order as the editor shaped them (editor-choices.ts), with the editor's
 * subject and preheader where set; null for a week without any.
 */
export async function draftContent(db: Db, config: Config, week: Week): Promise<DigestContent | null> {
  const choices = foldEdits(await listEdits(db, week.id));
  const inWeek = await listArticlesInWeek(db, week);
  const articles = applyChoices(orderArticles(inWeek), choices);
  if (articles.length === 0) return null;
  const { note, signoff, subject, preheader } = choices;
  const imported = new Map(inWeek.map((a) => [a.id, a.category]));
  const sections = Object.fromEntries(articles.filter((a) => imported.get(a.id) !== a.category).map((a) => [a.id, a.category]));
  return withEditorial(digestContent(config.publicationName, week, articles), { note, signoff, subject, preheader, sections });
}
