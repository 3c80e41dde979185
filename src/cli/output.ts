import { escapeControls } from '../text/escape-controls.ts';
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

/**
 * JSON.stringify already escapes C0 controls; C1 controls and bidi overrides
 * it leaves raw, so they are written as `\u` escapes too: the same JSON to a
 * parser, inert on a terminal.
 */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
