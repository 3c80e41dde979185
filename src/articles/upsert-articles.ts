import type { Db } from '../db/connect.ts';
import type { NewArticleRow } from '../db/schema.ts';
import { inTransaction, type Tx } from '../db/transaction.ts';
import type { ArticleInput } from './article-input.ts';
import { CONTENT_COLUMNS, type StoredArticle, findArticlesByGuid, findArticlesByUrl, insertArticles, updateArticle } from './article-store.ts';

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** An input that repeats an earlier one's identity: `index` repeats `first` (positions in the input). */
export interface Repeat {
  index: number;
  first: number;
  /** What they share: the guid, or (having none) the link. */
  by: 'guid' | 'link';
}

export interface UpsertResult extends UpsertCounts {
  /** Inputs skipped because an earlier one is the same article: the first copy is kept. */
  repeats: Repeat[];
}

/** Collapses CR/LF and runs of white space: titles are one line everywhere they appear. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function toRow(input: ArticleInput, now: string): NewArticleRow {
  return {
    url: input.url,
    title: oneLine(input.title),
    category: oneLine(input.category),
    topics: JSON.stringify(input.topics),
    summary: input.summary,
    why_it_matters: input.whyItMatters,
    source_title: oneLine(input.source.title),
    source_name: oneLine(input.source.name),
    source_url: input.source.url,
    image_url: input.imageUrl ?? null,
    // Normalised to UTC with milliseconds so that text comparison orders instants.
    published_at: new Date(input.publishedAt).toISOString(),
    created_at: now,
    updated_at: now,
    feed_key: input.guid ? (input.feedKey ?? null) : null,
    guid: input.guid ?? null,
  };
}

/** Rows per multi-row INSERT and values per IN list: a few thousand bound values, within both stores' limits. */
const BATCH = 200;

/**
 * Inserts new articles and updates changed ones, in one transaction. An
 * article is found by its feed and guid when it has a guid, else by its URL;
 * a guid'd item also takes over the row it was stored as before it had one.
 * An input that repeats an earlier one's identity is skipped and reported:
 * letting two copies take turns would make every re-import an update.
 * The stored rows are read in a few batched queries and new rows written in
 * multi-row inserts: a 5,000-item feed is a few dozen statements, not 10,000.
 *
 * @example
 * const result = await upsertArticles(db, articles); // { created: 3, updated: 1, unchanged: 40, repeats: [] }
 */
export async function upsertArticles(db: Db, articles: ArticleInput[], now = new Date()): Promise<UpsertResult> {
  const stamp = now.toISOString();
  const result: UpsertResult = { created: 0, updated: 0, unchanged: 0, repeats: [] };
  const rows = articles.map((input) => toRow(input, stamp));
  await inTransaction(db, async (trx) => {
    const stored = await loadStored(trx, rows);
    // Where each identity first came in this run.
    const firstAt = new Map<string, number>();
    const claimed = new Set<number>();
    const inserts: NewArticleRow[] = [];
    for (const [i, row] of rows.entries()) {
      const key = identityOf(row);
      const first = firstAt.get(key);
      if (first !== undefined) {
        result.repeats.push({ index: i, first, by: row.guid ? 'guid' : 'link' });
        continue;
      }
      firstAt.set(key, i);
      // A row without a guid is matched by URL once: an item with a guid may take it over, and then it is that item's.
      const byUrl = stored.byUrl.get(row.url);
      const unclaimed = byUrl && !claimed.has(byUrl.id) ? byUrl : undefined;
      const target = row.guid ? (stored.byGuid.get(key) ?? unclaimed) : unclaimed;
      if (!target) {
        inserts.push(row);
        result.created++;
        continue;
      }
      // An undated item keeps the date it was first seen: re-importing it changes nothing.
      if (articles[i]!.undated) row.published_at = target.published_at;
      claimed.add(target.id);
      if (CONTENT_COLUMNS.every((column) => target[column] === row[column])) {
        result.unchanged++;
        continue;
      }
      result.updated++;
      const { created_at: _created, ...changes } = row;
      await updateArticle(trx, target.id, changes);
    }
    for (const batch of chunks(inserts)) await insertArticles(trx, batch);
  });
  return result;
}

function identityOf(row: Pick<NewArticleRow, 'guid' | 'feed_key' | 'url'>): string {
  return row.guid ? `guid\u0000${row.feed_key ?? ''}\u0000${row.guid}` : `url\u0000${row.url}`;
}

/** The stored rows the input may match: by feed and guid, and (guid-less) by URL. */
async function loadStored(trx: Tx, rows: NewArticleRow[]): Promise<{ byGuid: Map<string, StoredArticle>; byUrl: Map<string, StoredArticle> }> {
  const byGuid = new Map<string, StoredArticle>();
  const byUrl = new Map<string, StoredArticle>();
  const guidsByFeed = new Map<string | null, string[]>();
  for (const row of rows) {
    if (!row.guid) continue;
    const guids = guidsByFeed.get(row.feed_key ?? null);
    if (guids) guids.push(row.guid);
    else guidsByFeed.set(row.feed_key ?? null, [row.guid]);
  }
  for (const [feedKey, guids] of guidsByFeed) {
    for (const chunk of chunks(unique(guids))) {
      for (const found of await findArticlesByGuid(trx, feedKey, chunk)) byGuid.set(identityOf(found), found);
    }
  }
  for (const chunk of chunks(unique(rows.map((row) => row.url)))) {
    for (const found of await findArticlesByUrl(trx, chunk)) byUrl.set(found.url, found);
  }
  return { byGuid, byUrl };
}

function chunks<T>(values: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += BATCH) out.push(values.slice(i, i + BATCH));
  return out;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
