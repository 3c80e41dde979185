/*
 * Text from outside (a CSV cell, a command-line argument, a feed, a server's
 * reply) must not drive the terminal it is printed on: an ESC or CSI sequence
 * recolours or rewrites the screen, CR or backspace overwrite what came
 * before, and a bidi override reverses what follows (CVE-2021-42574,
 * "Trojan Source"). Shown escaped instead, they are visible and harmless.
 */

/** C0 controls, DEL and C1 controls; the bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeOne(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
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
  return text.replace(UNSAFE, escapeOne);
}
