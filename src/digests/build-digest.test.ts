import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/helpers/fixtures.ts';
import { weekOf } from '../week.ts';
import { importArticles } from '../articles/import-json.ts';
import type { Db } from '../db/connect.ts';
import { openScratchDb } from '../../test/helpers/store.ts';
import { buildDigest } from './build-digest.ts';
import { measureSampleCopy, sampleCopyMeasure } from '../personalize/sample-copy.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedSubscribers } from '../../test/helpers/seed.ts';
import { sendDigest } from '../delivery/send-digest.ts';
import { type SegmentCompiler, compileInProcess } from '../render/segment-compiler.ts';
import { createOutboxTransport } from '../transport/outbox.ts';
import { ALL } from './segments.ts';

const config = testConfig();
const week = weekOf('2026-W47', 'UTC');

const article = (n: number, publishedAt: string) => ({
  url: `https://harmledger.example/a/${n}`,
  title: `Article ${n}`,
  category: n % 2 ? 'Privacy' : 'Labor',
  publishedAt,
  summary: `Summary ${n}.`,
  whyItMatters: `Why ${n}.`,
  source: { title: `Report ${n}`, name: 'Outlet', url: `https://news.example.org/${n}` },
});

describe('buildDigest', () => {
  let db: Db;
  beforeEach(async () => {
    db = await openScratchDb();
  });
  afterEach(() => db.destroy());

  it('freezes the week’s articles (Monday 00:00 inclusive to next Monday exclusive), subject and preheader', async () => {
    await importArticles(db, [
      article(1, '2026-11-15T23:59:59Z'), // Sunday before: W46
      article(2, '2026-11-16T00:00:00Z'), // Monday 00:00: W47
      article(3, '2026-11-18T10:00:00Z'),
      article(4, '2026-11-23T00:00:00Z'), // next Monday: W48
    ]);
    const result = await buildDigest(db, config, week, measureSampleCopy);
    expect(result.outcome).toBe('created');
    if (result.outcome === 'empty') return;
    expect(result.content.articles.map((a) => a.title)).toEqual(['Article 2', 'Article 3']); // Labor before Privacy: one story each, by name
    expect(result.digest.subject).toBe('The Harm Ledger · Week 47: Article 2');
    expect(result.digest.preheader).toBe('Article 2 · Article 3');
    expect(result.digest.status).toBe('draft');
    expect(result.digest.html_bytes).toBeGreaterThan(5000);
  });

  it('refreshes a draft with what changed, and refuses once sending started', async () => {
    await importArticles(db, [article(2, '2026-11-17T10:00:00Z')]);
    await buildDigest(db, config, week, measureSampleCopy);
    await importArticles(db, [article(3, '2026-11-18T10:00:00Z')]);
    const refreshed = await buildDigest(db, config, week, measureSampleCopy);
    expect(refreshed.outcome).toBe('refreshed');
    if (refreshed.outcome === 'empty') return;
    expect(JSON.parse(refreshed.digest.article_ids)).toHaveLength(2);
    // What arrived since the last build, for the editor to see.
    expect(refreshed.arrived.map((a) => a.title)).toEqual(['Article 3']);
    const again = await buildDigest(db, config, week, measureSampleCopy);
    expect(again.outcome === 'refreshed' && again.arrived).toEqual([]);

    await db.updateTable('digests').set({ status: 'sending', started_at: '2026-11-23T08:00:00.000Z' }).execute();
    await expect(buildDigest(db, config, week, measureSampleCopy)).rejects.toThrow(
      'the digest for 2026-W47 is already being sent (since 2026-11-23T08:00:00.000Z); it cannot be rebuilt',
    );
    expect(await db.selectFrom('digests').select('article_ids').executeTakeFirstOrThrow()).toEqual({ article_ids: refreshed.digest.article_ids });
  });

  it('builds nothing for a week without articles, and drops a stale draft', async () => {
    await importArticles(db, [article(2, '2026-11-17T10:00:00Z')]);
    await buildDigest(db, config, week, measureSampleCopy);
    await db.deleteFrom('articles').execute();
    expect((await buildDigest(db, config, week, measureSampleCopy)).outcome).toBe('empty');
    expect(await db.selectFrom('digests').selectAll().execute()).toEqual([]);
  });

  it('hands the send the full digest it compiled, so a build-then-send compiles it once', async () => {
    await importArticles(db, [article(2, '2026-11-16T09:00:00Z'), article(3, '2026-11-18T10:00:00Z')]);
    await seedSubscribers(db, ['ada@example.com', 'grace@example.org']);
    const asked: string[][] = [];
    const counting: SegmentCompiler = (content, keys, cfg) => {
      asked.push([...keys]);
      return compileInProcess(content, keys, cfg);
    };
    const built = await buildDigest(db, config, week, sampleCopyMeasure(counting));
    if (built.outcome === 'empty') throw new Error('expected a digest');
    const outbox = mkdtempSync(join(tmpdir(), 'digest-outbox-'));
    const transport = createOutboxTransport(outbox);
    const summary = await sendDigest({ db, config, transport }, built.digest, week, { compiler: counting, compiledAll: built.compiled });
    await transport.close();
    rmSync(outbox, { recursive: true, force: true });
    expect(summary.sent).toBe(2);
    // Everyone wants every topic: the build's compilation of the full digest was the only one.
    expect(asked).toEqual([[ALL]]);
  });
});
