import { type SourceFetchResult, fetchAllSources } from '../articles/fetch-sources.ts';
import { sourceLabel } from '../articles/source-store.ts';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import { isUserError } from '../errors.ts';
import type { Logger } from '../config/log.ts';
import { withLease } from './lease.ts';

/** The lock a fetch of the sources holds: two processes on one store never import the same feeds at once. */
export const SOURCES_LEASE = 'sources';

/** Rejected items listed in the log per source; the rest are counted. */
const REJECTED_LOGGED = 20;

export type SourceFetchRun = { outcome: 'fetched'; results: SourceFetchResult[] } | { outcome: 'busy' };

/**
 * Fetches every source under the sources lease, logging each result. When
 * another process holds the lease, waits up to `waitMs` for it (a fetch
 * before the weekly build would rather build on that fetch's articles), then
 * gives up: `busy`. A source's failure is logged and recorded, never thrown;
 * `signal` stops between two sources.
 *
 * @example
 * await runSourceFetch({ db, config, log }, { owner, why: 'FETCH_CRON' });
 */
export async function runSourceFetch(
  deps: { db: Db; config: Config; log: Logger },
  options: { owner: string; why: string; waitMs?: number; signal?: AbortSignal },
): Promise<SourceFetchRun> {
  const { db, config, log } = deps;
  const started = Date.now();
  const run = await withLease(
    db,
    SOURCES_LEASE,
    options.owner,
    // A stop, or the lease lost to another process, ends the fetch between sources.
    (lost) =>
      fetchAllSources(db, { timeZone: config.timeZone, signal: options.signal ? AbortSignal.any([options.signal, lost]) : lost }, (result) =>
        logResult(log, result),
      ),
    options,
  );
  if (!run.held) {
    log.info({ why: options.why, holder: run.holder }, 'sources not fetched: another process is fetching them');
    return { outcome: 'busy' };
  }
  const failed = run.value.filter((r) => r.status === 'error').length;
  log.info({ why: options.why, sources: run.value.length, failed, durationSeconds: (Date.now() - started) / 1000 }, 'sources fetched');
  return { outcome: 'fetched', results: run.value };
}

function logResult(log: Logger, result: SourceFetchResult): void {
  const source = sourceLabel(result.source);
  if (result.status === 'not-modified') {
    log.info({ source }, 'source not modified');
    return;
  }
  if (result.status === 'error') {
    const errorCount = result.source.error_count + 1;
    // A feed's failure is a warning for its operator; one that is our bug is an error, with its stack.
    if (isUserError(result.cause)) log.warn({ source, error: result.error, errorCount }, 'source failed');
    else log.error({ source, err: result.cause, errorCount }, 'source failed');
    return;
  }
  const { created, updated, unchanged, rejected, notes } = result.report;
  log.info({ source, created, updated, unchanged, rejected: rejected.length, notes }, 'source fetched');
  if (rejected.length > 0) log.warn({ source, rejected: rejected.slice(0, REJECTED_LOGGED) }, 'source items rejected');
}
