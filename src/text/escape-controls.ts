/*
 * Text from outside (a CSV cell, a command-line argument, a feed, a server's
 * reply) must not drive the terminal it is printed on: an ESC or CSI sequence
 * recolours or rewrites the screen, CR or backspace overwrite what came
 * before, and a bidi override reverses what follows (CVE-2021-42574,
 * "Trojan Source"). Shown escaped instead, they are visible and harmless.
 */

/** C0 controls, which JSON.stringify already escapes. */
const C0 = '\\u0000-\\u001f';
/**
 * DEL and C1 controls; the line and paragraph separators (U+2028/2029), which
 * some readers take for line breaks; the bidi embeddings/overrides
 * (U+202A–U+202E) and isolates (U+2066–U+2069).
 */
const PAST_C0 = '\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';

const UNSAFE = new RegExp(`[${C0}${PAST_C0}]`, 'g');
const UNSAFE_IN_JSON = new RegExp(`[${PAST_C0}]`, 'g');

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function hex(char: string, digits: number): string {
  return char.charCodeAt(0).toString(16).padStart(digits, '0');
}

/**
 * `text` with every control character and bidi override written as an
 * escape (`\x1b`, `\x9b`, `\n`, `\u202e`), so it prints as one inert line.
 * Other text, non-Latin scripts included, is left as it is.
 *
 * @example
 * escapeControls('evil\x1b[31m@example.com'); // 'evil\\x1b[31m@example.com'
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (char) => NAMED[char] ?? (char.charCodeAt(0) <= 0xff ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`));
}

/**
 * JSON text (from JSON.stringify, which escapes C0 itself) with DEL, C1
 * controls and bidi overrides written as `\u` escapes too: the same JSON to
 * a parser, inert on a terminal.
 *
 * @example
 * escapeControlsInJson(JSON.stringify({ name: 'a\u202eb' })); // '{"name":"a\\u202eb"}'
 */
export function escapeControlsInJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${hex(char, 4)}`);
}

/**
 * `"…"` for an error message: `value` as a JSON string, so it stays one
 * line whatever it holds, with every control, line separator and bidi
 * override escaped.
 *
 * @example
 * quoteForMessage('ada\u2028@example.com'); // '"ada\\u2028@example.com"'
 */
export function quoteForMessage(value: string): string {
  return escapeControlsInJson(JSON.stringify(value));
}
