import type { Kysely } from 'kysely';

/**
 * Compiled digest segments, kept so that a send after `digest build`, a
 * resumed send and every worker joining one start sending at once instead
 * of compiling the digest again (React → MJML → HTML, about a second). A
 * row is found by the hash of everything the compile reads, so it can never
 * be stale; see render/stored-segments.ts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('compiled_segments')
    .addColumn('inputs', 'text', (c) => c.primaryKey())
    .addColumn('week', 'text', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('compiled', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('compiled_segments_week').on('compiled_segments').columns(['week', 'segment']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('compiled_segments').execute();
}
