import { escapeControls, escapeControlsInJson } from '../text/escape-controls.ts';
import { maskCredentials } from '../text/mask-credentials.ts';

/**
 * A line for people, made safe to print: what we print often quotes text from
 * outside (a CSV cell, an argument, a feed, a server's reply, a store URL),
 * which must neither drive the terminal (control characters and bidi
 * overrides come out escaped) nor show a password (masked). Every line that
 * can quote such text goes through here.
 *
 * @example
 * console.error(forTerminal(`line 3: invalid email address "${cell}"`));
 */
export function forTerminal(text: string): string {
  return escapeControls(maskCredentials(text));
}

/** Prints rows as aligned columns for people; `--json` callers print JSON instead. */
export function printTable(headers: string[], rows: string[][]): void {
  const shown = rows.map((row) => row.map(forTerminal));
  const widths = headers.map((h, i) => Math.max(h.length, ...shown.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  console.log(line(headers));
  for (const row of shown) console.log(line(row));
}

/** Prints JSON, C1 controls and bidi overrides written as `\u` escapes (the same JSON to a parser). */
export function printJson(value: unknown): void {
  console.log(escapeControlsInJson(JSON.stringify(value, null, 2)));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
