import type { Command } from 'commander';
import type { SourceFetchResult } from '../../articles/fetch-sources.ts';
import { describeImport } from '../../articles/import-source.ts';
import { addSource, findSource, listSources, removeSource, sourceLabel } from '../../articles/source-store.ts';
import type { SourceRow } from '../../db/schema.ts';
import { UserError, isUserError } from '../../errors.ts';
import { quoteForMessage } from '../../text/escape-controls.ts';
import { maskCredentials } from '../../text/mask-credentials.ts';
import { newOwner } from '../../delivery/owner.ts';
import { withLease } from '../../schedule/lease.ts';
import { withContext } from '../context.ts';
import { forTerminal, plural, printJson, printTable } from '../output.ts';

/** A source as JSON for people's tools: the URL masked like everywhere else. */
function sourceJson(source: SourceRow) {
  return {
    id: source.id,
    name: source.name,
    url: maskCredentials(source.url),
    category: source.category,
    lastFetchedAt: source.last_fetched_at,
    lastStatus: source.last_status,
    lastResult: source.last_result,
    lastError: source.last_error,
    errorCount: source.error_count,
  };
}

function nonEmpty(option: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UserError(`${option} must not be empty`, 'EINPUT');
  return value?.trim();
}

export function registerSourceCommands(program: Command): void {
  const sources = program.command('sources').description('the feeds the service fetches before each weekly build (and on FETCH_CRON)');

  sources
    .command('add <url>')
    .description('add an RSS, Atom or JSON Feed http(s) URL to fetch (not fetched now)')
    .option('--category <name>', 'category of its items that name none (default: General)')
    .option('--name <name>', 'what lists, logs and `digest status` call it (default: its URL)')
    .action(addSourceCommand);

  sources.command('list').description('list the sources: last fetch, its result, failures in a row').option('--json', 'print JSON').action(listSourcesCommand);

  sources.command('remove <source>').description('remove a source by id or URL; the articles it imported stay in the store').action(removeSourceCommand);

  sources
    .command('fetch')
    .description('fetch and import every source now (conditional GET); exit 1 if any failed')
    .option('--json', 'print JSON')
    .action(fetchSourcesCommand);
}

async function addSourceCommand(url: string, options: { category?: string; name?: string }): Promise<void> {
  const category = nonEmpty('--category', options.category);
  const name = nonEmpty('--name', options.name);
  await withContext(async ({ db }) => {
    const source = await addSource(db, { url, name, category });
    console.log(
      forTerminal(`added source #${source.id} ${sourceLabel(source)}; \`digest sources fetch\` fetches it now, the service before each weekly build`),
    );
  });
}

async function listSourcesCommand(options: { json?: boolean }): Promise<void> {
  await withContext(async ({ db }) => {
    const rows = await listSources(db);
    if (options.json) return printJson(rows.map(sourceJson));
    if (rows.length === 0) return console.log('no sources: add one with `digest sources add <url>`');
    printTable(
      ['ID', 'NAME', 'URL', 'CATEGORY', 'LAST FETCH', 'ERRORS', 'RESULT'],
      rows.map((s) => [
        String(s.id),
        s.name ?? '',
        maskCredentials(s.url),
        s.category ?? '',
        s.last_fetched_at?.slice(0, 16).replace('T', ' ') ?? 'never',
        String(s.error_count),
        s.last_status === 'error' ? `error: ${s.last_error ?? ''}` : (s.last_result ?? ''),
      ]),
    );
  });
}

async function removeSourceCommand(ref: string): Promise<void> {
  await withContext(async ({ db }) => {
    const source = await findSource(db, ref);
    if (!source) throw new UserError(`no source ${quoteForMessage(maskCredentials(ref))} (see \`digest sources list\`)`, 'ENOTFOUND');
    await removeSource(db, source.id);
    console.log(forTerminal(`removed source #${source.id} ${sourceLabel(source)}; the articles it imported stay in the store`));
  });
}

async function fetchSourcesCommand(options: { json?: boolean }): Promise<void> {
  // Feed parsing libraries load only for a fetch.
  const [{ fetchAllSources }, { SOURCES_LEASE }] = await Promise.all([import('../../articles/fetch-sources.ts'), import('../../schedule/source-fetch-job.ts')]);
  await withContext(async ({ db, config }) => {
    // Under the service's lock: two imports of one feed at once would race on the same articles.
    const run = await withLease(db, SOURCES_LEASE, newOwner(), (lost) =>
      fetchAllSources(db, { timeZone: config.timeZone, signal: lost }, options.json ? undefined : printFetchResult),
    );
    if (!run.held) throw new UserError(`another process is fetching the sources now (${run.holder ?? 'unknown'}); try again when it is done`, 'EBUSY');
    const results = run.value;
    if (options.json) printJson(results.map(fetchResultJson));
    else if (results.length === 0) console.log('no sources: add one with `digest sources add <url>`');
    if (results.some((r) => r.status === 'error')) process.exitCode = 1;
    // A failure that is our bug, not the feed's: recorded and the other sources fetched, now shown in full.
    const bug = results.find((r) => r.status === 'error' && !isUserError(r.cause));
    if (bug?.status === 'error') throw bug.cause;
  });
}

/** One line per source, its rejected items after it on stderr, as `articles import` prints them. */
function printFetchResult(result: SourceFetchResult): void {
  const label = sourceLabel(result.source);
  if (result.status !== 'ok') {
    console.log(forTerminal(result.status === 'error' ? `${label}: error: ${result.error}` : `${label}: not modified`));
    return;
  }
  const { report } = result;
  console.log(forTerminal(`${label}: ${describeImport(report)}`));
  for (const note of report.notes) console.log(forTerminal(`  ${note}`));
  for (const r of report.rejected) console.error(forTerminal(`${label}: item ${r.index}: ${r.field}: ${r.reason}`));
}

function fetchResultJson(result: SourceFetchResult) {
  const base = { id: result.source.id, name: result.source.name, url: maskCredentials(result.source.url), status: result.status };
  if (result.status === 'error') return { ...base, error: result.error };
  if (result.status === 'not-modified') return base;
  const { created, updated, unchanged, rejected, notes } = result.report;
  return { ...base, created, updated, unchanged, rejected, notes };
}

/** The `digest status` lines about sources whose last fetch failed; nothing when none did. */
export function printFailingSources(rows: SourceRow[]): void {
  if (rows.length === 0) return;
  console.log(`sources that failed (${plural(rows.length, 'source')}; \`digest sources list\` shows all):`);
  for (const s of rows) {
    const name = s.name ? `${s.name} ` : '';
    console.log(
      forTerminal(
        `  #${s.id} ${name}${maskCredentials(s.url)}: ${plural(s.error_count, 'failure')} in a row, last at ${s.last_fetched_at}: ${s.last_error ?? ''}`,
      ),
    );
  }
}

/** The same for `digest status --json`. */
export function failingSourcesJson(rows: SourceRow[]) {
  return rows.map((s) => ({
    id: s.id,
    name: s.name,
    url: maskCredentials(s.url),
    errorCount: s.error_count,
    lastError: s.last_error,
    lastFetchedAt: s.last_fetched_at,
  }));
}
