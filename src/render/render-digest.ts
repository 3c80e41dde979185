import { createElement } from 'react';
import type { DigestArticle } from '../../emails/components/article-card.tsx';
import type { DigestSection } from '../../emails/components/category-section.tsx';
import WeeklyDigest, { type WeeklyDigestProps } from '../../emails/weekly-digest.tsx';
import type { Config } from '../config.ts';
import type { ArticleRow } from '../db/schema.ts';
import { type Week, formatWeekRange } from '../articles/week.ts';
import { compileMjml } from './compile-mjml.ts';
import { digestText } from './digest-text.ts';
import { toOneLine } from './markdown.ts';
import { type SlotTemplate, type SlotValues, createPlaceholders, escapeHtml, fillSlots } from './slots.ts';
import { DateTime } from 'luxon';
import { parseMailbox } from '../mailbox.ts';
import { type MimeTemplate, prepareMime } from '../delivery/mime-message.ts';

/** What a digest holds once built: its week, frozen subject and articles in reading order. */
export interface DigestContent {
  week: Week;
  subject: string;
  preheader: string;
  articles: ArticleRow[];
}

/** A digest compiled once for a segment, ready to be personalised per subscriber. */
export interface RenderedDigest {
  subject: string;
  preheader: string;
  mjml: string;
  html: SlotTemplate;
  text: SlotTemplate;
  /** The same text and HTML, encoded for the wire once (see delivery/mime-message.ts). */
  mime: MimeTemplate;
}

export interface PersonalizedEmail {
  html: string;
  text: string;
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
  return [...byCategory.entries()]
    .sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))
    .flatMap(([, list]) => list);
}

const TITLE_MAX = 200;

function clipTitle(title: string): string {
  return title.length <= TITLE_MAX ? title : `${title.slice(0, TITLE_MAX - 1).trimEnd()}…`;
}

/** Only http(s) links reach the email, whatever got into the store. */
export function safeHref(url: string): string {
  return /^https?:\/\/[^\s"'<>]+$/i.test(url.trim()) ? url.trim() : '#';
}

function toDigestArticle(row: ArticleRow, timeZone: string): DigestArticle {
  const published = DateTime.fromISO(row.published_at, { zone: timeZone });
  return {
    id: row.id,
    url: safeHref(row.url),
    // Titles are capped for display: a runaway title must not push the footer past Gmail's clip.
    title: clipTitle(toOneLine(row.title)),
    category: toOneLine(row.category),
    date: published.toFormat('ccc d LLL'),
    summary: row.summary,
    whyItMatters: row.why_it_matters,
    source: { title: toOneLine(row.source_title), name: toOneLine(row.source_name), url: safeHref(row.source_url) },
  };
}

/** Sections in the order of `articles` (already in reading order). */
export function toSections(articles: ArticleRow[], timeZone: string): DigestSection[] {
  const sections: DigestSection[] = [];
  for (const row of articles) {
    const article = toDigestArticle(row, timeZone);
    const last = sections.at(-1);
    if (last && last.category === article.category) last.articles.push(article);
    else sections.push({ category: article.category, articles: [article] });
  }
  return sections;
}

export function archiveUrl(config: Config, weekId: string): string {
  return `${config.publicUrl}/archive/${weekId}`;
}

/** The template's props for a digest, with `recipient` left to the caller. */
export function digestProps(content: DigestContent, config: Config, recipient: WeeklyDigestProps['recipient']): WeeklyDigestProps {
  return {
    publication: { name: config.publicationName, homeUrl: config.publicUrl, postalAddress: config.postalAddress },
    week: { id: content.week.id, number: content.week.weekNumber, range: formatWeekRange(content.week) },
    subject: content.subject,
    preheader: content.preheader,
    sections: toSections(content.articles, content.week.timeZone),
    archiveUrl: archiveUrl(config, content.week.id),
    recipient,
  };
}

/**
 * Compiles the digest once (React → MJML → HTML, and the text part), leaving
 * slots for the per-subscriber values.
 *
 * @example
 * const rendered = await renderDigest(content, config);
 * const { html, text } = personalize(rendered, recipientValues(config, subscriber));
 */
export async function renderDigest(content: DigestContent, config: Config): Promise<RenderedDigest> {
  const placeholders = createPlaceholders();
  const props = digestProps(content, config, placeholders.values);
  const { mjml, html } = await compileMjml(createElement(WeeklyDigest, props));
  const htmlTemplate = placeholders.cut(html);
  const textTemplate = placeholders.cut(digestText(props));
  const from = parseMailbox(config.mailFrom)!;
  const replyTo = config.mailReplyTo ? parseMailbox(config.mailReplyTo)! : undefined;
  const mime = prepareMime({ from, replyTo, subject: content.subject, listId: listIdHeader(config) }, textTemplate, htmlTemplate);
  return { subject: content.subject, preheader: content.preheader, mjml, html: htmlTemplate, text: textTemplate, mime };
}

/** RFC 2919 list identifier, so readers can filter the digest. */
export function listIdHeader(config: Config): string {
  const domain = parseMailbox(config.mailFrom)!.address.split('@')[1]!;
  return `${config.publicationName.replace(/[\r\n"<>]+/g, ' ')} weekly digest <weekly-digest.${domain}>`;
}

/** Fills one subscriber's values in: cheap string joins, no compilation. */
export function personalize(rendered: RenderedDigest, values: SlotValues): PersonalizedEmail {
  return { html: fillSlots(rendered.html, values, escapeHtml), text: fillSlots(rendered.text, values) };
}
