import type { CorpusFileResult } from './feed-corpus.ts';

/** The corpus counts of one folder (or of all), as issue #15 asks for them. */
export interface CorpusCounts {
  folder: string;
  files: number;
  /** Items in the files' sources. */
  items: number;
  /** Items with a link and a title or summary. */
  expected: number;
  /** Expected items stored as an article. */
  imported: number;
  /** Expected items stored with every field the Expect line asserts right. */
  fieldsRight: number;
  /** Stored fields the Expect lines assert, on any item. */
  asserted: number;
  /** …on expected items. */
  assertedOnExpected: number;
  /** …on expected items that were imported: compared with the stored article. */
  checked: number;
  /** Files refused with one UserError line. */
  clearErrors: number;
  /** Files whose import (first or second) threw anything else. */
  crashes: number;
  /** Files whose second import created or updated something, or ended differently. */
  reimportUnstable: number;
  /** Files given the URL and Content-Type feedparser's suite serves them with. */
  servedOverHttp: number;
  /** Files whose Expect line this harness cannot read. */
  unreadableExpect: number;
}

/** Counts by top-level folder, then a total row. */
export function countByFolder(results: CorpusFileResult[]): CorpusCounts[] {
  const folders = [...new Set(results.map((r) => r.folder))];
  return [
    ...folders.map((folder) =>
      count(
        folder,
        results.filter((r) => r.folder === folder),
      ),
    ),
    count('total', results),
  ];
}

function count(folder: string, results: CorpusFileResult[]): CorpusCounts {
  const expected = results.flatMap((r) => r.items.filter((i) => i.expected));
  return {
    folder,
    files: results.length,
    items: results.reduce((n, r) => n + r.items.length, 0),
    expected: expected.length,
    imported: expected.filter((i) => i.imported).length,
    fieldsRight: expected.filter((i) => i.imported && i.checks.every((c) => c.ok)).length,
    asserted: results.reduce((n, r) => n + r.items.reduce((m, i) => m + i.asserted, 0), 0),
    assertedOnExpected: expected.reduce((n, i) => n + i.asserted, 0),
    checked: expected.reduce((n, i) => n + i.checks.length, 0),
    clearErrors: results.filter((r) => r.first.kind === 'clear-error').length,
    crashes: results.filter((r) => r.first.kind === 'crash' || r.second.kind === 'crash').length,
    reimportUnstable: results.filter((r) => !r.reimportStable).length,
    servedOverHttp: results.filter((r) => r.servedAs).length,
    unreadableExpect: results.filter((r) => r.unreadableExpect).length,
  };
}

/** The share of expected items imported with their fields right (the issue's 95 % measure). */
export function fieldsRightShare(counts: CorpusCounts): number {
  return counts.expected === 0 ? 1 : counts.fieldsRight / counts.expected;
}

type Column<Row> = [title: string, cell: (row: Row) => string];

const COLUMNS: Column<CorpusCounts>[] = [
  ['folder', (c) => c.folder],
  ['files', (c) => String(c.files)],
  ['items', (c) => String(c.items)],
  ['expected', (c) => String(c.expected)],
  ['imported', (c) => String(c.imported)],
  ['fields right', (c) => String(c.fieldsRight)],
  ['% right', (c) => (c.expected === 0 ? '–' : `${(100 * fieldsRightShare(c)).toFixed(1)} %`)],
  ['fields asserted', (c) => String(c.asserted)],
  ['…on expected', (c) => String(c.assertedOnExpected)],
  ['…checked', (c) => String(c.checked)],
  ['clear errors', (c) => String(c.clearErrors)],
  ['crashes', (c) => String(c.crashes)],
  ['re-import unstable', (c) => String(c.reimportUnstable)],
  ['served over HTTP', (c) => String(c.servedOverHttp)],
  ['Expect unread', (c) => String(c.unreadableExpect)],
];

/** The item measure as a table. */
export function formatCountsTable(rows: CorpusCounts[]): string {
  return formatTable(COLUMNS, rows);
}

/** The field measure of one folder (or of all): every stored-field assertion, judged against the mapped item. */
export interface FieldCounts {
  folder: string;
  files: number;
  assertions: number;
  right: number;
  wrong: number;
  /** About what we decided not to store (EXCLUSION_RULES): neither right nor wrong. */
  excluded: number;
}

/** Field counts by top-level folder, then a total row. */
export function countFieldsByFolder(results: CorpusFileResult[]): FieldCounts[] {
  const folders = [...new Set(results.map((r) => r.folder))];
  const count = (folder: string, of: CorpusFileResult[]): FieldCounts => {
    const fields = of.flatMap((r) => r.fields);
    const verdicts = (verdict: string) => fields.filter((f) => f.verdict === verdict).length;
    return { folder, files: of.length, assertions: fields.length, right: verdicts('right'), wrong: verdicts('wrong'), excluded: verdicts('excluded') };
  };
  return [
    ...folders.map((folder) =>
      count(
        folder,
        results.filter((r) => r.folder === folder),
      ),
    ),
    count('total', results),
  ];
}

/** Right out of those judged: the excluded ones are neither. */
export function fieldsRightPercent(counts: FieldCounts): string {
  const judged = counts.right + counts.wrong;
  return judged === 0 ? '–' : `${((100 * counts.right) / judged).toFixed(1)} %`;
}

const FIELD_COLUMNS: Column<FieldCounts>[] = [
  ['folder', (c) => c.folder],
  ['files', (c) => String(c.files)],
  ['assertions', (c) => String(c.assertions)],
  ['excluded', (c) => String(c.excluded)],
  ['right', (c) => String(c.right)],
  ['wrong', (c) => String(c.wrong)],
  ['% right (of right + wrong)', fieldsRightPercent],
];

/** The field measure as a table. */
export function formatFieldsTable(rows: FieldCounts[]): string {
  return formatTable(FIELD_COLUMNS, rows);
}

/** A Markdown table, padded so that it also reads in a CI log. */
function formatTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const cells = [columns.map(([title]) => title), ...rows.map((row) => columns.map(([, cell]) => cell(row)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) => `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}
