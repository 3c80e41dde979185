import type { Db } from '../db/connect.ts';
import type { SourceRow } from '../db/schema.ts';
import { UserError } from '../errors.ts';
import { quoteForMessage } from '../text/escape-controls.ts';
import { maskCredentials } from '../text/mask-credentials.ts';
import type { Validators } from './fetch-source.ts';

/** The longest error text kept per source: one line for `digest status`, not a stack. */
const MAX_ERROR_LENGTH = 500;

/**
 * What lists, logs and `digest sources fetch` call a source: its name, or
 * its URL with the password masked.
 *
 * @example
 * sourceLabel({ name: null, url: 'https://ann:s3cret@feeds.example/rss.xml' }) // 'https://ann:***@feeds.example/rss.xml'
 */
export function sourceLabel(source: Pick<SourceRow, 'name' | 'url'>): string {
  return source.name ?? maskCredentials(source.url);
}

/** Why `url` cannot be a source (one line, the URL masked), or null. */
function sourceUrlProblem(url: string): string | null {
  // URL parsing drops tabs and line breaks silently (WHATWG): refuse them before, as config.ts does for PUBLIC_URL.
  if (!/^https?:\/\/[^\s/]+/i.test(url) || !URL.canParse(url) || /[\p{C}\p{Z}]/u.test(url)) {
    return `a source must be an http(s) URL without spaces or control characters, got ${quoteForMessage(maskCredentials(url))}`;
  }
  return null;
}

/** The feed a URL names: as parsed (scheme and host lower-cased), without the credentials that only say who reads it. */
function feedIdentity(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

/**
 * Adds a feed to fetch; refuses a URL that is not http(s) or names a feed
 * already added (`HTTPS://Feeds.example/rss` is `https://feeds.example/rss`,
 * with or without a password). The URL is stored as given.
 *
 * @example
 * await addSource(db, { url: 'https://notes.example.org/feed.xml', category: 'Policing' });
 * await addSource(db, { url: 'https://notes.example.org/feed.xml' }); // UserError: already a source: #1 https://notes.example.org/feed.xml
 */
export async function addSource(db: Db, input: { url: string; name?: string; category?: string }, now = new Date()): Promise<SourceRow> {
  const problem = sourceUrlProblem(input.url);
  if (problem) throw new UserError(problem, 'EINPUT');
  const feed = feedIdentity(input.url);
  const existing = (await listSources(db)).find((s) => URL.canParse(s.url) && feedIdentity(s.url) === feed);
  if (existing) throw new UserError(`already a source: #${existing.id} ${maskCredentials(existing.url)}`, 'EDUPLICATE');
  const row = await db
    .insertInto('sources')
    .values({ url: input.url, name: input.name ?? null, category: input.category ?? null, created_at: now.toISOString() })
    // Another process added the same URL since the check above.
    .onConflict((oc) => oc.column('url').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new UserError(`already a source: ${maskCredentials(input.url)}`, 'EDUPLICATE');
  return row;
}

export async function listSources(db: Db): Promise<SourceRow[]> {
  return db.selectFrom('sources').selectAll().orderBy('id').execute();
}

/**
 * A source by its id (`3`, `#3`) or its URL as stored; undefined when none.
 *
 * @example
 * await findSource(db, '#3');
 * await findSource(db, 'https://notes.example.org/feed.xml');
 */
export async function findSource(db: Db, ref: string): Promise<SourceRow | undefined> {
  const id = /^#?(\d+)$/.exec(ref.trim())?.[1];
  const query = db.selectFrom('sources').selectAll();
  return (id ? query.where('id', '=', Number(id)) : query.where('url', '=', ref)).executeTakeFirst();
}

/** Removes the source only: the articles it imported stay (they do not point at it). */
export async function removeSource(db: Db, id: number): Promise<void> {
  await db.deleteFrom('sources').where('id', '=', id).execute();
}

/** A fetch whose reply was imported: its validators are kept for the next request, the failure streak ends. */
export async function recordImported(db: Db, id: number, outcome: { validators: Validators; result: string }, now = new Date()): Promise<void> {
  await db
    .updateTable('sources')
    .set({
      etag: outcome.validators.etag,
      last_modified: outcome.validators.lastModified,
      last_fetched_at: now.toISOString(),
      last_status: 'ok',
      last_result: outcome.result,
      last_error: null,
      error_count: 0,
    })
    .where('id', '=', id)
    .execute();
}

/** A 304: the feed is as last imported; the failure streak ends. */
export async function recordNotModified(db: Db, id: number, now = new Date()): Promise<void> {
  await db
    .updateTable('sources')
    .set({ last_fetched_at: now.toISOString(), last_status: 'not-modified', last_result: 'not modified', last_error: null, error_count: 0 })
    .where('id', '=', id)
    .execute();
}

/**
 * A failed fetch or import: counted in the streak. `forgetValidators` when
 * the reply came but could not be imported, so that the next request
 * fetches the whole feed again instead of hearing "not modified".
 */
export async function recordFailure(db: Db, id: number, failure: { error: string; forgetValidators: boolean }, now = new Date()): Promise<void> {
  const error = maskCredentials(failure.error).replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_LENGTH);
  await db
    .updateTable('sources')
    .set((eb) => ({
      last_fetched_at: now.toISOString(),
      last_status: 'error' as const,
      last_error: error,
      error_count: eb('error_count', '+', 1),
      ...(failure.forgetValidators ? { etag: null, last_modified: null } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

/** The sources whose last fetch failed, longest streak first: what `digest status` shows. */
export async function failingSources(db: Db): Promise<SourceRow[]> {
  return db.selectFrom('sources').selectAll().where('last_status', '=', 'error').orderBy('error_count', 'desc').orderBy('id').execute();
}
