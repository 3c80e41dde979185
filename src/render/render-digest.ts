import { createElement } from 'react';
import type { DigestArticle } from '../../emails/components/article-card.tsx';
import type { DigestSection } from '../../emails/components/category-section.tsx';
import WeeklyDigest, { type WeeklyDigestProps } from '../../emails/weekly-digest.tsx';
import type { Config } from '../config/config.ts';
import type { ArticleRow } from '../db/schema.ts';
import { formatWeekRange } from '../week.ts';
import { compileMjml } from './compile-mjml.ts';
import { digestText } from './digest-text.ts';
import { toOneLine } from '../text/one-line.ts';
import { createPlaceholders } from './slots.ts';
import { DateTime } from 'luxon';
import type { DigestContent } from '../digests/digest-content.ts';
import { type CompiledDigest, archiveUrl } from './rendered-digest.ts';

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
    image: imageSrc(row.image_url),
  };
}

/** Campaign parameters a feed's image URL may carry: they track, and show nothing. */
const TRACKING_PARAM = /^(utm_|mc_|fbclid$|gclid$|_hs)/i;

/**
 * The lead's picture as the email may load it: https only (a client would
 * warn about or block plain http), no user name or password, campaign
 * parameters removed; else none. Never rewritten through a proxy of ours:
 * the digest counts no opens.
 */
export function imageSrc(url: string | null): string | null {
  if (!url || !URL.canParse(url.trim())) return null;
  const parsed = new URL(url.trim());
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || /[\s"'<>]/.test(url.trim())) return null;
  for (const name of [...parsed.searchParams.keys()]) if (TRACKING_PARAM.test(name)) parsed.searchParams.delete(name);
  return parsed.href;
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

/** The template's props for a digest, with `recipient` left to the caller. */
export function digestProps<R extends WeeklyDigestProps['recipient']>(
  content: DigestContent,
  config: Config,
  recipient: R,
): WeeklyDigestProps & { recipient: R } {
  return {
    publication: { name: config.publicationName, homeUrl: config.publicUrl, postalAddress: config.postalAddress, topic: config.publicationTopic },
    week: { id: content.week.id, number: content.week.weekNumber, range: formatWeekRange(content.week) },
    subject: content.subject,
    preheader: content.preheader,
    sections: toSections(content.articles, content.week.timeZone),
    note: content.editorial?.note ?? null,
    signoff: content.editorial?.signoff ?? null,
    fullCards: config.fullCards,
    archiveUrl: archiveUrl(config, content.week.id),
    recipient,
    subscribeUrl: `${config.publicUrl}/subscribe`,
  };
}

/** The web edition for the public archive: the same template with no reader in it. */
export async function renderWebEdition(content: DigestContent, config: Config): Promise<string> {
  return (await compileMjml(createElement(WeeklyDigest, digestProps(content, config, null)))).html;
}

/** The costly half of renderDigest (personalize/personalize.ts): React → MJML → HTML, and the text part, with slots. Serialisable. */
export async function compileDigest(content: DigestContent, config: Config): Promise<CompiledDigest> {
  const placeholders = createPlaceholders();
  const props = digestProps(content, config, placeholders.values);
  const { mjml, html } = await compileMjml(createElement(WeeklyDigest, props));
  return { subject: content.subject, preheader: content.preheader, mjml, html: placeholders.cut(html), text: placeholders.cut(digestText(props)) };
}
