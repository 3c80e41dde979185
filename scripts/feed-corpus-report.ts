/**
 * The feedparser corpus against our feed import, for the engineer fixing it,
 * in two measures (test/feed-corpus.test.ts):
 *
 * 1. items: expected items (a link and a title or summary) through the whole
 *    import into a store — the counts, the failures grouped by kind (with an
 *    example file each), then every failure (file, field, expected, got);
 * 2. fields: every assertion on a field we store, against the mapped item at
 *    its index, link or not — the counts, the exclusion rules (what we decided
 *    not to store) with their counts, the wrong ones grouped by kind, then
 *    every wrong and every excluded assertion.
 *
 *   npx tsx scripts/feed-corpus-report.ts [path prefix, e.g. wellformed/atom10]
 *
 * Runs in an in-memory store; writes nothing.
 */
import { migrateToLatest, openDatabase } from '../src/db/connect.ts';
import { EXCLUSION_RULES } from '../test/helpers/corpus-field-check.ts';
import { type CorpusFileResult, importCorpusFile, listCorpusFiles } from '../test/helpers/feed-corpus.ts';
import { general, howWrong } from '../test/helpers/feed-corpus-fields.ts';
import { countByFolder, countFieldsByFolder, formatCountsTable, formatFieldsTable } from '../test/helpers/feed-corpus-summary.ts';

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

console.log('# 1. Items: expected items (a link and a title or summary) through the whole import\n');
console.log(formatCountsTable(countByFolder(results)));
const failures = results.flatMap(failuresOf);
console.log(
  `\n${failures.length} failures of ${byKind(failures).length} kinds: crashes, unstable re-imports, feeds refused that feedparser reads as well-formed (all of wellformed/, and files whose Expect says 'not bozo'), and expected items not imported or with a field wrong:\n`,
);
printKinds(failures);
printList(failures);

console.log('\n# 2. Fields: every assertion on url, title, summary, publishedAt, imageUrl, against the mapped item at its index, link or not\n');
console.log(formatFieldsTable(countFieldsByFolder(results)));
const assertions = results.flatMap((r) => r.fields.map((f) => ({ ...f, file: r.file })));
const excluded = assertions.filter((f) => f.excludedBy);
console.log(`\n${excluded.length} excluded, neither right nor wrong: about what we decided not to store.\n`);
for (const [rule, { rule: what, reason }] of Object.entries(EXCLUSION_RULES)) {
  const count = excluded.filter((f) => f.excludedBy === rule).length;
  console.log(`${String(count).padStart(5)}  ${rule}: ${what}\n       why: ${reason}`);
}
const wrong: Failure[] = assertions
  .filter((f) => f.verdict === 'wrong')
  .map((f) => ({ file: f.file, kind: f.kind!, field: f.path, expected: f.expected, got: f.got ?? '(none)' }));
console.log(`\n${wrong.length} wrong of ${byKind(wrong).length} kinds:\n`);
printKinds(wrong);
printList(wrong);
console.log('\nexcluded:\nfile\tfield\trule\texpected\tgot');
for (const f of excluded) console.log([f.file, f.path, f.excludedBy, show(f.expected), show(f.got ?? '(none)')].join('\t'));

function byKind(list: Failure[]): [string, Failure[]][] {
  const kinds = new Map<string, Failure[]>();
  for (const failure of list) kinds.set(failure.kind, [...(kinds.get(failure.kind) ?? []), failure]);
  return [...kinds].sort((a, b) => b[1].length - a[1].length);
}

/** Each kind with its count and one example: file, expected and got. */
function printKinds(list: Failure[]): void {
  for (const [kind, group] of byKind(list)) {
    const example = group[0]!;
    console.log(
      `${String(group.length).padStart(5)}  ${kind}\n       e.g. ${example.file} ${example.field}: expected ${show(example.expected)}, got ${show(example.got)}`,
    );
  }
}

function printList(list: Failure[]): void {
  console.log('\nfile\tfield\texpected\tgot');
  for (const f of list) console.log([f.file, f.field, show(f.expected), show(f.got)].join('\t'));
}

function failuresOf(result: CorpusFileResult): Failure[] {
  const failures: Failure[] = [];
  const file = result.file;
  for (const outcome of [result.first, result.second]) {
    if (outcome.kind === 'crash')
      failures.push({ file, kind: `crash: ${general(outcome.message, file)}`, field: '(file)', expected: 'an import or a UserError', got: outcome.message });
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
      failures.push({
        file,
        kind: `${check.field}: ${howWrong(check.expected, check.got, check.note)}`,
        field: check.path,
        expected: check.expected,
        got: check.got ?? '(none)',
      });
    }
  }
  return failures;
}

/** Quoted on one line; C1 controls escaped too (JSON leaves them raw, and a terminal shows them as nothing). */
function show(value: string): string {
  const oneLine = JSON.stringify(value).replace(/[\u0080-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}…"` : oneLine;
}
