/** Prints rows as aligned columns for people; `--json` callers print JSON instead. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  console.log(line(headers));
  for (const row of rows) console.log(line(row));
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
