/*
 * Plain-text clean-up for titles, names and headers. Kept apart from the
 * Markdown renderer so that a sending process does not load markdown-it.
 */

/** Removes anything shaped like an HTML tag from plain text, so markup never survives as markup. */
export function stripTags(text: string): string {
  return text.replace(/<\/?[a-z!][^>]*>?/gi, '').replace(/[ \t]{2,}/g, ' ');
}

/** Plain one-line text for headers and titles: no control characters (C0, C1 with U+0085 NEL) or line separators, no tags, collapsed spaces. */
export function toOneLine(text: string): string {
  return stripTags(text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first `max` characters, never half of a surrogate pair (an emoji cut in two is not text any more). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}
