import type { Config } from '../config/config.ts';
import type { ArticleRow } from '../db/schema.ts';
import type { Week } from '../week.ts';
import { type MimeTemplate, prepareMime } from '../personalize/mime-message.ts';
import { type SlotTemplate, type SlotValues, escapeHtml, fillSlots } from './slots.ts';

/*
 * The light half of rendering: types and string work the sender needs.
 * Compiling (React, MJML) lives in render-digest.ts and is loaded only where
 * it runs, so a sending process never holds the template toolchain.
 */

/** What a digest holds once built: its week, frozen subject and articles in reading order. */
export interface DigestContent {
  week: Week;
  subject: string;
  preheader: string;
  articles: ArticleRow[];
}

/** A digest compiled for one segment: plain data, so it can cross a process boundary. */
export interface CompiledDigest {
  subject: string;
  preheader: string;
  mjml: string;
  html: SlotTemplate;
  text: SlotTemplate;
}

/** A compiled digest with its wire encoding, ready to be personalised per subscriber. */
export interface RenderedDigest extends CompiledDigest {
  /** The same text and HTML, encoded for the wire once (see personalize/mime-message.ts). */
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
  return [...byCategory.entries()].sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b)).flatMap(([, list]) => list);
}

export function archiveUrl(config: Config, weekId: string): string {
  return `${config.publicUrl}/archive/${weekId}`;
}

/** RFC 2919 list identifier, so readers can filter the digest: its description and id (encoded by the MIME writer). */
export function listId(config: Config): { name: string; id: string } {
  return { name: `${config.publicationName} weekly digest`, id: `weekly-digest.${config.senderDomain}` };
}

/** Adds the once-per-segment wire encoding to a compiled digest. */
export function withMime(config: Config, compiled: CompiledDigest): RenderedDigest {
  const mime = prepareMime(
    { from: config.mailFrom, replyTo: config.mailReplyTo, subject: compiled.subject, listId: listId(config) },
    compiled.text,
    compiled.html,
  );
  return { ...compiled, mime };
}

/** Fills one subscriber's values in: cheap string joins, no compilation. */
export function personalize(rendered: CompiledDigest, values: SlotValues): PersonalizedEmail {
  return { html: fillSlots(rendered.html, values, escapeHtml), text: fillSlots(rendered.text, values) };
}
