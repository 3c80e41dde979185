import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { ArticleRow, DigestRow } from '../db/schema.ts';
import { UserError } from '../errors.ts';
import type { Week } from '../week.ts';
import { type DigestContent, NO_EDITORIAL } from './digest-content.ts';
import { deleteDigest, findDigest, saveDraft } from './digest-store.ts';
import { draftContent } from './find-digest.ts';

/**
 * Weighs a drafted week: compiles it and measures the copy a reader receives.
 * The stages above (render, personalize) supply it, so this stage never
 * imports them; personalize/sample-copy.ts has the one the app uses.
 */
export type MeasureDigest<C> = (content: DigestContent, config: Config) => Promise<{ compiled: C; htmlBytes: number }>;

export type BuildResult<C = unknown> =
  | { outcome: 'empty'; week: Week }
  | {
      outcome: 'created' | 'refreshed';
      week: Week;
      digest: DigestRow;
      content: DigestContent;
      /** The full digest, compiled to measure it: a send that follows reuses it instead of compiling again. */
      compiled: C;
      /** On a refresh: the stories the previous build did not have (articles imported since, or taken back in by the editor). */
      arrived: ArticleRow[];
    };

/**
 * Freezes the week's digest: its articles in reading order, subject and
 * preheader. Building again before sending refreshes it; once sending started
 * it is refused, so every subscriber gets the same issue.
 */
export async function buildDigest<C>(db: Db, config: Config, week: Week, measure: MeasureDigest<C>, now = new Date()): Promise<BuildResult<C>> {
  const existing = await findDigest(db, week.id);
  if (existing && existing.status !== 'draft') {
    throw new UserError(
      `the digest for ${week.id} is already ${existing.status === 'sent' ? 'sent' : 'being sent'} (since ${existing.started_at}); it cannot be rebuilt`,
      'EFROZEN',
    );
  }
  const content = await draftContent(db, config, week);
  if (!content) {
    if (existing) await deleteDigest(db, existing.id);
    return { outcome: 'empty', week };
  }
  const { compiled, htmlBytes } = await measure(content, config);
  const values = {
    subject: content.subject,
    preheader: content.preheader,
    article_ids: JSON.stringify(content.articles.map((a) => a.id)),
    html_bytes: htmlBytes,
    editorial: JSON.stringify(content.editorial ?? NO_EDITORIAL),
    built_at: now.toISOString(),
  };
  const digest = await saveDraft(db, week.id, values, existing?.id);
  const before = new Set(existing ? (JSON.parse(existing.article_ids) as number[]) : []);
  const arrived = existing ? content.articles.filter((a) => !before.has(a.id)) : [];
  return { outcome: existing ? 'refreshed' : 'created', week, digest, content, compiled, arrived };
}
