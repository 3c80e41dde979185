import type { ArticleRow } from '../db/schema.ts';
import type { DigestContent } from './digest-content.ts';
import { toOneLine } from '../text/one-line.ts';
import type { Week } from '../week.ts';

/** Subjects past ~70 characters are cut by most inboxes; headers must stay one line. */
const SUBJECT_MAX = 110;
const PREHEADER_MAX = 140;

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:·—-]+$/, '')}…`;
}

/** `The Harm Ledger · Week 47: <lead headline>` */
export function digestSubject(publicationName: string, week: Week, articles: ArticleRow[]): string {
  const lead = articles[0] ? `: ${toOneLine(articles[0].title)}` : '';
  return clip(`${toOneLine(publicationName)} · Week ${week.weekNumber}${lead}`, SUBJECT_MAX);
}

/** The inbox preview text: the first two headlines and how many more follow. */
export function digestPreheader(articles: ArticleRow[]): string {
  const titles = articles.slice(0, 2).map((a) => toOneLine(a.title));
  const more = articles.length - titles.length;
  const tail = more > 0 ? ` — and ${more} more ${more === 1 ? 'story' : 'stories'}` : '';
  return clip(titles.join(' · '), PREHEADER_MAX - tail.length) + tail;
}

/** A digest's content for articles already in reading order: its subject and preheader follow from them. */
export function digestContent(publicationName: string, week: Week, articles: ArticleRow[]): DigestContent {
  return { week, subject: digestSubject(publicationName, week, articles), preheader: digestPreheader(articles), articles };
}
