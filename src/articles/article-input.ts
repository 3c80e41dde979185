import { z } from 'zod';

/** One article as `digest articles import` reads it from JSON. */
export const articleInputSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  title: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  category: z.string().trim().min(1, 'must not be empty').max(60),
  topics: z.array(z.string().trim().toLowerCase().min(1)).max(20).default([]),
  publishedAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-11-18T09:30:00Z' }),
  summary: z.string().trim().min(1, 'must not be empty').max(20_000),
  whyItMatters: z.string().trim().max(20_000).default(''),
  source: z.object({
    title: z.string().trim().min(1, 'must not be empty').max(500),
    name: z.string().trim().min(1, 'must not be empty').max(200),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  }),
  imageUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
});

export type ArticleInput = z.infer<typeof articleInputSchema>;

export interface RejectedItem {
  /** Zero-based position in the input array. */
  index: number;
  field: string;
  reason: string;
}

/** Validates every item; good items are kept even when others are rejected. */
export function validateArticles(items: unknown[]): { valid: ArticleInput[]; rejected: RejectedItem[] } {
  const valid: ArticleInput[] = [];
  const rejected: RejectedItem[] = [];
  items.forEach((item, index) => {
    const result = articleInputSchema.safeParse(item);
    if (result.success) {
      valid.push(result.data);
    } else {
      const issue = result.error.issues[0]!;
      rejected.push({ index, field: issue.path.join('.') || '(item)', reason: issue.message });
    }
  });
  return { valid, rejected };
}
