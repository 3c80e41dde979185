/**
 * Text that is not Markdown (a feed's summary, once its HTML is read) kept
 * as written when a summary is rendered as Markdown: `2*3*4` stays `2*3*4`,
 * not an italic 3. The characters markdown-it would act on inside a line are
 * backslash-escaped (`\` `` ` `` `*` `_` `[` `]` `<` `~`, `&` before an entity
 * name), and a `>` that opens a line; a list marker that opens a line (`* `,
 * `- `, `1. `, as html-to-text writes a list) is left to make a list.
 *
 * @example
 * escapeMarkdown('2*3*4 is [not] a_link'); // '2\\*3\\*4 is \\[not\\] a\\_link'
 */
export function escapeMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const marker = /^(?:[*-] |\d{1,9}[.)] )/.exec(line)?.[0] ?? '';
      const rest = line.slice(marker.length).replace(/[\\`*_[\]<~]|&(?=#?[a-z0-9]+;)/gi, '\\$&');
      return marker + (marker === '' ? rest.replace(/^>/, '\\>') : rest);
    })
    .join('\n');
}

/**
 * What `escapeMarkdown` wrote, back as the text it was: for showing or
 * comparing a summary as plain text without rendering it.
 *
 * @example
 * unescapeMarkdown('2\\*3\\*4'); // '2*3*4'
 */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_[\]<>~&])/g, '$1');
}
