import { type DigestContent, withEditorial } from './digest-content.ts';
import { digestContent } from './subject.ts';

/**
 * A segment is the set of categories a group of subscribers receives. Its
 * key names them (sorted, lower-case) or is `all`: the digest is compiled
 * once per key, never per subscriber.
 */
export type SegmentKey = string;

export const ALL = 'all';

/**
 * The segment of a subscriber with `topics` (empty: everything) for a digest
 * with `categories`: `all`, the categories they share, or null when they share
 * none (nothing to send them this week).
 */
export function segmentFor(topics: string[], categories: string[]): SegmentKey | null {
  if (topics.length === 0) return ALL;
  const wanted = new Set(topics.map((t) => t.toLowerCase()));
  const shared = [...new Set(categories.map((c) => c.toLowerCase()))].filter((c) => wanted.has(c)).sort();
  if (shared.length === 0) return null;
  return shared.length === new Set(categories.map((c) => c.toLowerCase())).size ? ALL : shared.join('|');
}

/** The digest as a segment receives it: only its categories, with a subject and preheader of its own. */
export function segmentContent(content: DigestContent, key: SegmentKey, publicationName: string): DigestContent {
  if (key === ALL) return content;
  const wanted = new Set(key.split('|'));
  const articles = content.articles.filter((a) => wanted.has(a.category.toLowerCase()));
  // The editor's subject, preheader, note and sign-off hold for every version of the issue.
  return withEditorial(digestContent(publicationName, content.week, articles), content.editorial);
}
