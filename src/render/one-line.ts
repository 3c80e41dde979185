/*
 * Plain-text clean-up for titles, names and headers. Kept apart from the
 * Markdown renderer so that a sending process does not load markdown-it.
 */

/** Removes anything shaped like an HTML tag from plain text, so markup never survives as markup. */
export function stripTags(text: string): string {
  return text.replace(/<\/?[a-z!][^>]*>?/gi, '').replace(/[ \t]{2,}/g, ' ');
}

/** Plain one-line text for headers and titles: no control characters, no tags, collapsed spaces. */
export function toOneLine(text: string): string {
  return stripTags(text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')).replace(/\s+/g, ' ').trim();
}
