import type { Db } from '../db/connect.ts';
import type { SourceRow } from '../db/schema.ts';
import { maskCredentials } from '../text/mask-credentials.ts';
import { type FetchOptions, fetchIfChanged } from './fetch-source.ts';
import { type SourceImportReport, describeImport, importSourceBytes } from './import-source.ts';
import { listSources, recordFailure, recordImported, recordNotModified } from './source-store.ts';

/** What fetching one source did. */
export type SourceFetchResult =
  | { source: SourceRow; status: 'ok'; report: SourceImportReport }
  | { source: SourceRow; status: 'not-modified' }
  | { source: SourceRow; status: 'error'; error: string; cause: unknown };

export interface SourceFetchOptions {
  /** `DIGEST_TZ`, for dates a feed writes without a zone. */
  timeZone: string;
  fetch?: FetchOptions;
  now?: () => Date;
  /** Stops between two sources (a service shutting down); the one being fetched finishes. */
  signal?: AbortSignal;
}

/**
 * Fetches one source (conditionally, with its stored validators), imports
 * the reply, and records the outcome. A failure of the feed (unreachable,
 * refused, malformed) is returned and recorded, never thrown; a failure of
 * the store is thrown, since it is not the feed's.
 *
 * @example
 * await fetchSource(db, source, { timeZone: 'Europe/Berlin' });
 * // { source, status: 'ok', report: { created: 3, updated: 1, unchanged: 40, rejected: [], … } }
 */
export async function fetchSource(db: Db, source: SourceRow, options: SourceFetchOptions): Promise<SourceFetchResult> {
  const now = options.now ?? (() => new Date());
  const failed = async (cause: unknown, forgetValidators: boolean): Promise<SourceFetchResult> => {
    const error = maskCredentials(cause instanceof Error ? cause.message : String(cause));
    await recordFailure(db, source.id, { error, forgetValidators }, now());
    return { source, status: 'error', error, cause };
  };
  const validators = source.etag || source.last_modified ? { etag: source.etag, lastModified: source.last_modified } : null;
  let fetched: Awaited<ReturnType<typeof fetchIfChanged>>;
  try {
    fetched = await fetchIfChanged(source.url, validators, options.fetch);
  } catch (error) {
    // Nothing arrived: the stored validators still describe what was imported last.
    return failed(error, false);
  }
  if (fetched.status === 'not-modified') {
    await recordNotModified(db, source.id, now());
    return { source, status: 'not-modified' };
  }
  let report: SourceImportReport;
  try {
    report = await importSourceBytes(db, fetched.source, maskCredentials(source.url), {
      defaultCategory: source.category ?? undefined,
      timeZone: options.timeZone,
      now: now(),
    });
  } catch (error) {
    // The validators are kept only once their reply is imported: a reply that failed must come in whole next time.
    return failed(error, true);
  }
  await recordImported(db, source.id, { validators: fetched.validators, result: describeImport(report) }, now());
  return { source, status: 'ok', report };
}

/**
 * Fetches every source, one after another (a feed host sees one request at
 * a time from us), calling `onResult` as each is done. One source's failure
 * never stops the others.
 *
 * @example
 * const results = await fetchAllSources(db, { timeZone: config.timeZone }, (r) => console.log(r.status));
 */
export async function fetchAllSources(db: Db, options: SourceFetchOptions, onResult?: (result: SourceFetchResult) => void): Promise<SourceFetchResult[]> {
  const results: SourceFetchResult[] = [];
  for (const source of await listSources(db)) {
    if (options.signal?.aborted) break;
    const result = await fetchSource(db, source, options);
    results.push(result);
    onResult?.(result);
  }
  return results;
}
