import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { DigestRow } from '../db/schema.ts';
import { UserError } from '../errors.ts';
import type { Week } from '../week.ts';
import { type CompiledDigest } from '../render/rendered-digest.ts';
import { type DigestContent } from './digest-content.ts';
import { personalize } from '../personalize/personalize.ts';
import { type SegmentCompiler, compileInProcess } from '../render/segment-compiler.ts';
import { ALL } from './segments.ts';
import { htmlBytes } from '../render/size-budget.ts';
import { recipientValues } from '../personalize/recipient-values.ts';
import { draftContent, findDigest } from './find-digest.ts';

export type BuildResult =
  | { outcome: 'empty'; week: Week }
  | {
      outcome: 'created' | 'refreshed';
      week: Week;
      digest: DigestRow;
      content: DigestContent;
      /** The full digest, compiled to measure it: a send that follows reuses it instead of compiling again. */
      compiled: CompiledDigest;
    };

/** The sample reader whose copy is measured against the size budget. */
export const SAMPLE_RECIPIENT = { id: 1, email: 'reader@example.com', name: 'Sample Reader' };

/**
 * Freezes the week's digest: its articles in reading order, subject and
 * preheader. Building again before sending refreshes it; once sending started
 * it is refused, so every subscriber gets the same issue.
 */
export async function buildDigest(db: Db, config: Config, week: Week, now = new Date(), compiler: SegmentCompiler = compileInProcess): Promise<BuildResult> {
  const existing = await findDigest(db, week.id);
  if (existing && existing.status !== 'draft') {
    throw new UserError(
      `the digest for ${week.id} is already ${existing.status === 'sent' ? 'sent' : 'being sent'} (since ${existing.started_at}); it cannot be rebuilt`,
      'EFROZEN',
    );
  }
  const content = await draftContent(db, config, week);
  if (!content) {
    if (existing) await db.deleteFrom('digests').where('id', '=', existing.id).execute();
    return { outcome: 'empty', week };
  }
  const compiled = (await compiler(content, [ALL], config)).get(ALL)!;
  const sample = personalize(compiled, recipientValues(config, SAMPLE_RECIPIENT));
  const values = {
    subject: content.subject,
    preheader: content.preheader,
    article_ids: JSON.stringify(content.articles.map((a) => a.id)),
    html_bytes: htmlBytes(sample.html),
    built_at: now.toISOString(),
  };
  const digest = existing
    ? await db.updateTable('digests').set(values).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow()
    : await db
        .insertInto('digests')
        .values({ ...values, week: week.id, status: 'draft' })
        .returningAll()
        .executeTakeFirstOrThrow();
  return { outcome: existing ? 'refreshed' : 'created', week, digest, content, compiled };
}
