import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../src/db/connect.ts';
import { importArticles } from '../../src/articles/import-json.ts';
import { ROOT } from './cli.ts';

/** The sample articles (newest week 2026-W47), straight into the store. */
export async function seedSampleArticles(db: Db): Promise<void> {
  const items = JSON.parse(readFileSync(join(ROOT, 'data/sample/articles.json'), 'utf8')) as unknown[];
  await importArticles(db, items);
}

/** Inserts active subscribers in one statement per thousand: fast enough for crash tests with thousands. */
export async function seedSubscribers(db: Db, emails: string[]): Promise<void> {
  const now = new Date().toISOString();
  for (let i = 0; i < emails.length; i += 1000) {
    await db
      .insertInto('subscribers')
      .values(
        emails.slice(i, i + 1000).map((email) => ({
          email,
          email_key: email.toLowerCase(),
          name: '',
          status: 'active' as const,
          topics: '[]',
          created_at: now,
          updated_at: now,
          confirmed_at: now,
        })),
      )
      .execute();
  }
}
