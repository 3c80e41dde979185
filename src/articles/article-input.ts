import { z } from 'zod';

/**
 * Text as stored: control characters other than tab and line breaks are
 * dropped (a NUL pasted from a PDF, say), which no reader wants and
 * PostgreSQL's text cannot even hold.
 */
const text = () => z.string().transform((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim());

/** One article as `digest articles import` reads it from JSON. */
export const articleInputSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  title: text().pipe(z.string().min(1, 'must not be empty').max(500, 'must be at most 500 characters')),
  category: text().pipe(z.string().min(1, 'must not be empty').max(60)),
  topics: z
    .array(text().pipe(z.string().toLowerCase().min(1)))
    .max(20)
    .default([]),
  publishedAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-11-18T09:30:00Z' }),
  // A feed item may be a bare headline; the card then shows no summary.
  summary: text().pipe(z.string().max(20_000)).default(''),
  whyItMatters: text().pipe(z.string().max(20_000)).default(''),
  source: z.object({
    title: text().pipe(z.string().min(1, 'must not be empty').max(500)),
    name: text().pipe(z.string().min(1, 'must not be empty').max(200)),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  }),
  imageUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
  /** Set by feed imports: the feed's key and the item's guid/id make its identity (else the URL does). */
  feedKey: z.string().min(1).max(2_000).optional(),
  guid: z.string().min(1).max(2_000).optional(),
  /** The feed gave no date: `publishedAt` is when it was first imported, and a re-import keeps the stored one. */
  undated: z.boolean().optional(),
});

export type ArticleInput = z.infer<typeof articleInputSchema>;

export interface RejectedItem {
  /** Zero-based position in the input array. */
  index: number;
  field: string;
  reason: string;
}

/** Validates every item but those at `skip` (rejected already); good items are kept even when others are rejected. */
export function validateArticles(
  items: unknown[],
  skip: ReadonlySet<number> = new Set(),
): { valid: ArticleInput[]; rejected: RejectedItem[]; indexes: number[] } {
  const valid: ArticleInput[] = [];
  const rejected: RejectedItem[] = [];
  const indexes: number[] = [];
  items.forEach((item, index) => {
    if (skip.has(index)) return;
    const result = articleInputSchema.safeParse(item);
    if (result.success) {
      valid.push(result.data);
      indexes.push(index);
    } else {
      const issue = result.error.issues[0]!;
      rejected.push({ index, field: issue.path.join('.') || '(item)', reason: issue.message });
    }
  });
  return { valid, rejected, indexes };
}
