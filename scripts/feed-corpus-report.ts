/**
 * The feedparser corpus against our feed import, for the engineer fixing it:
 * the counts table of test/feed-corpus.test.ts, the failures grouped by kind
 * (with an example file each), then every failure (file, field, expected, got).
 *
 *   npx tsx scripts/feed-corpus-report.ts [path prefix, e.g. wellformed/atom10]
 *
 * Runs in an in-memory store; writes nothing.
 */
import { migrateToLatest, openDatabase } from '../src/db/connect.ts';
import { type CorpusFileResult, importCorpusFile, listCorpusFiles } from '../test/helpers/feed-corpus.ts';
import { countByFolder, formatCountsTable } from '../test/helpers/feed-corpus-summary.ts';

interface Failure {
  file: string;
  /** What went wrong, general enough to group files by: "rejected publishedAt: …", "summary: words glued". */
  kind: string;
  field: string;
  expected: string;
  got: string;
}

const prefix = process.argv[2] ?? '';
const db = openDatabase(':memory:');
await migrateToLatest(db);
const results: CorpusFileResult[] = [];
try {
  for (const file of listCorpusFiles().filter((f) => f.startsWith(prefix))) results.push(await importCorpusFile(db, file));
} finally {
  await db.destroy();
}

console.log(formatCountsTable(countByFolder(results)));
const failures = results.flatMap(failuresOf);
const kinds = new Map<string, Failure[]>();
for (const failure of failures) kinds.set(failure.kind, [...(kinds.get(failure.kind) ?? []), failure]);
console.log(`\n${failures.length} failures of ${kinds.size} kinds: crashes, unstable re-imports, feeds refused that feedparser reads as well-formed (all of wellformed/, and files whose Expect says 'not bozo'), and expected items not imported or with a field wrong:\n`);
for (const [kind, group] of [...kinds].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`${String(group.length).padStart(5)}  ${kind}  (e.g. ${group[0]!.file})`);
}
console.log('\nfile\tfield\texpected\tgot');
for (const f of failures) console.log([f.file, f.field, show(f.expected), show(f.got)].join('\t'));

function failuresOf(result: CorpusFileResult): Failure[] {
  const failures: Failure[] = [];
  const file = result.file;
  for (const outcome of [result.first, result.second]) {
    if (outcome.kind === 'crash') failures.push({ file, kind: `crash: ${general(outcome.message, file)}`, field: '(file)', expected: 'an import or a UserError', got: outcome.message });
  }
  if (!result.reimportStable && result.second.kind !== 'crash') {
    const got = result.second.kind === 'imported' ? `${result.second.report.created} created, ${result.second.report.updated} updated` : result.second.kind;
    failures.push({ file, kind: 're-import not stable', field: '(file)', expected: '0 created, 0 updated', got });
  }
  if (result.first.kind === 'clear-error' && result.feedparserReadsWellFormed) {
    // An empty well-formed feed refused loses nothing; one with items loses them all.
    const what = result.items.length === 0 ? 'refused a well-formed feed (no items we count in it)' : 'refused a well-formed feed with items';
    failures.push({ file, kind: `${what}: ${general(result.first.message, file)}`, field: '(file)', expected: 'an import', got: result.first.message });
  }
  for (const item of result.items.filter((i) => i.expected)) {
    if (!item.imported && result.first.kind === 'imported') {
      const why = item.notImportedBecause ?? '';
      failures.push({ file, kind: `item not imported: ${general(why, file)}`, field: `entries[${item.index}]`, expected: 'an article', got: why });
    }
    for (const check of item.checks.filter((c) => !c.ok)) {
      failures.push({ file, kind: `${check.field}: ${howWrong(check.expected, check.got, check.note)}`, field: check.path, expected: check.expected, got: check.got ?? '(none)' });
    }
  }
  return failures;
}

/** A message with its specifics (the file's name, quoted text, positions) taken out, so that like groups with like. */
function general(message: string, file: string): string {
  return message
    .replaceAll(file, '<file>')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\(line \d+, column \d+\)/g, '(line …)');
}

/** The usual ways a text differs, named; anything else is "differs". */
function howWrong(expected: string, got: string | null, note: string | undefined): string {
  if (note?.startsWith('unsafe')) return 'unsafe markup survives';
  if (got === null || got === '') return 'missing';
  const squeeze = (s: string) => s.replace(/\s+/g, '');
  if (squeeze(expected) === squeeze(got)) return 'white space differs (words glued or split)';
  if (/&(?:#\d+|#x[0-9a-f]+|[a-z]+);/i.test(got) && !/&(?:#\d+|#x[0-9a-f]+|[a-z]+);/i.test(expected)) return 'entity left encoded';
  if (/<\/?[a-z][^>]*>/i.test(got) && !/<\/?[a-z][^>]*>/i.test(expected)) return 'markup left in';
  if (expected.includes(got)) return 'text lost (ours is part of the expected)';
  if (got.includes(expected)) return 'extra text (the expected is part of ours)';
  if (/^https?:/.test(expected) && /^https?:/.test(got)) return new URL(expected).host === new URL(got).host ? 'another path on the same host' : 'another host';
  if (/^\d{4}-\d\d-\d\dT/.test(expected) && /^\d{4}-\d\d-\d\dT/.test(got)) {
    const hours = (Date.parse(got) - Date.parse(expected)) / 3_600_000;
    return Number.isInteger(hours) ? `off by ${hours} h (time zone)` : 'another date';
  }
  return 'differs';
}

function show(value: string): string {
  const oneLine = JSON.stringify(value);
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}…"` : oneLine;
}
