import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';

/**
 * `digest_edits`: the editor's choices for a week's issue, one row per change
 * in the order made (who, when, what). The current choices are the log read in
 * order (digests/editor-choices.ts), so the history and its state are
 * one record, kept apart from the `digests` row: a rebuild, or a draft deleted
 * because its week ran empty, leaves them as they are.
 * - `action`: lead, exclude, include, pin, unpin, subject, preheader;
 * - `value`: the article's URL, or the text ('' sets an override back to automatic);
 * - `digests.editorial`: what the build froze of those choices besides the
 *   stories (note, sign-off, subject and preheader overrides), as JSON, so
 *   that every topic version of the issue carries them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const [idType, id] = dialectOf(db).idColumn;
  await db.schema
    .createTable('digest_edits')
    .addColumn('id', idType, id)
    .addColumn('week', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('editor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('digest_edits_week').on('digest_edits').columns(['week', 'id']).execute();
  await db.schema
    .alterTable('digests')
    .addColumn('editorial', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('digests').dropColumn('editorial').execute();
  await db.schema.dropTable('digest_edits').execute();
}
