import type { Db } from '../db/connect.ts';
import type { DigestRow } from '../db/schema.ts';
import { listArticlesByIds } from '../articles/list-articles.ts';
import type { Week } from '../articles/week.ts';
import type { DigestContent } from '../render/rendered-digest.ts';

export async function findDigest(db: Db, weekId: string): Promise<DigestRow | undefined> {
  return db.selectFrom('digests').selectAll().where('week', '=', weekId).executeTakeFirst();
}

/** The frozen content of a built digest: its subject and articles in reading order. */
export async function loadDigestContent(db: Db, digest: DigestRow, week: Week): Promise<DigestContent> {
  const ids = JSON.parse(digest.article_ids) as number[];
  return { week, subject: digest.subject, preheader: digest.preheader, articles: await listArticlesByIds(db, ids) };
}
