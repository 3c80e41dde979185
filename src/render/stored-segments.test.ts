import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf, manyArticles, testConfig } from '../../test/helpers/fixtures.ts';
import { openScratchDb } from '../../test/helpers/store.ts';
import type { Db } from '../db/connect.ts';
import { ALL, segmentFor } from '../digests/segments.ts';
import type { SegmentKey } from '../digests/segments.ts';
import type { Config } from '../config/config.ts';
import type { DigestContent } from '../digests/digest-content.ts';
import { type SegmentCompiler, compileInProcess } from './segment-compiler.ts';
import { storedCompiler } from './stored-segments.ts';

const config = testConfig();
const content = digestOf(manyArticles(4));
const LABOR = segmentFor(
  ['Labor'],
  content.articles.map((a) => a.category),
)!;

/** compileInProcess, counting the segments it was asked to compile. */
function countingCompiler(): SegmentCompiler & { compiled: SegmentKey[] } {
  const compiled: SegmentKey[] = [];
  return Object.assign(
    async (c: DigestContent, keys: SegmentKey[], cfg: Config) => {
      compiled.push(...keys);
      return compileInProcess(c, keys, cfg);
    },
    { compiled },
  );
}

describe('storedCompiler', () => {
  let db: Db;
  beforeEach(async () => {
    db = await openScratchDb();
  });
  afterEach(() => db.destroy());

  const storedRows = () => db.selectFrom('compiled_segments').select(['week', 'segment']).orderBy('segment').execute();

  it('compiles a segment once, and later callers (other processes) get the same compile from the store', async () => {
    const first = countingCompiler();
    let allStored = 0;
    const fresh = await storedCompiler(db, first, { onAllStored: () => allStored++ })(content, [ALL, LABOR], config);
    expect(first.compiled).toEqual([ALL, LABOR]);
    expect(allStored).toBe(0);
    expect(await storedRows()).toEqual([
      { week: '2026-W47', segment: ALL },
      { week: '2026-W47', segment: LABOR },
    ]);

    const later = countingCompiler();
    const again = await storedCompiler(db, later, { onAllStored: () => allStored++ })(content, [LABOR, ALL], config);
    expect(later.compiled).toEqual([]);
    expect(allStored).toBe(1);
    expect(again.get(ALL)).toEqual(fresh.get(ALL));
    expect(again.get(LABOR)).toEqual(fresh.get(LABOR));
    expect(again.get(ALL)!.html.parts.join('')).toContain('Story 1: carmakers');
  });

  it('compiles again when anything the compile reads changed, and keeps only the newest copy of a segment', async () => {
    await storedCompiler(db, countingCompiler())(content, [ALL], config);
    const compile = countingCompiler();
    const stored = storedCompiler(db, compile);

    const edited = { ...content, articles: content.articles.map((a, i) => (i === 0 ? { ...a, title: 'Corrected headline' } : a)) };
    const afterEdit = await stored(edited, [ALL], config);
    expect(compile.compiled).toEqual([ALL]);
    expect(afterEdit.get(ALL)!.html.parts.join('')).toContain('Corrected headline');
    expect(await storedRows()).toEqual([{ week: '2026-W47', segment: ALL }]);

    await stored(edited, [ALL], testConfig({ PUBLICATION_NAME: 'Another Ledger' }));
    expect(compile.compiled).toEqual([ALL, ALL]);
    await storedCompiler(db, compile, { codeId: 'a later release' })(edited, [ALL], testConfig({ PUBLICATION_NAME: 'Another Ledger' }));
    expect(compile.compiled).toEqual([ALL, ALL, ALL]);
  });

  it('does not compile again for a secret or the store’s location, which the email does not contain', async () => {
    await storedCompiler(db, countingCompiler())(content, [ALL], config);
    const compile = countingCompiler();
    await storedCompiler(db, compile)(
      content,
      [ALL],
      testConfig({ APP_SECRET: 'rotated-secret-0123456789', SMTP_URL: 'smtp://u:p@mail.example.com:587', DATABASE_URL: 'file:elsewhere.db' }),
    );
    expect(compile.compiled).toEqual([]);
  });

  it('lets go of the segments of a week once its digest is sent', async () => {
    await storedCompiler(db, countingCompiler())(content, [ALL], config);
    const now = new Date().toISOString();
    await db
      .insertInto('digests')
      .values({ week: '2026-W47', subject: 's', preheader: 'p', article_ids: '[]', status: 'sent', html_bytes: 0, built_at: now })
      .execute();
    const nextWeek = { ...content, week: { ...content.week, id: '2026-W48' } };
    await storedCompiler(db, countingCompiler())(nextWeek, [ALL], config);
    expect(await storedRows()).toEqual([{ week: '2026-W48', segment: ALL }]);
  });
});
