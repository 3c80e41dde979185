import { describe, expect, it } from 'vitest';
import { markdownToHtml, markdownToText } from './markdown.ts';
import { escapeMarkdown, unescapeMarkdown } from './escape-markdown.ts';

const asWritten = [
  '2*3*4 = 24, file_name_here and __init__',
  'See [the minutes](javascript:alert(1)) and `code`',
  'a <b>tag</b> written about, ~~struck~~, AT&amp;T',
  '> not a quote',
  'back\\slash',
];

/** The text a reader sees in the HTML part: one paragraph, entities decoded. */
function shown(html: string): string {
  return html
    .replace(/^<p>|<\/p>$/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

describe('escapeMarkdown', () => {
  it('keeps feed text as written through the Markdown renderer', () => {
    for (const text of asWritten) {
      expect(shown(markdownToHtml(escapeMarkdown(text))), text).toBe(text);
      expect(unescapeMarkdown(escapeMarkdown(text)), text).toBe(text);
    }
    // The text part drops tag-shaped text whatever the source (text/markdown.ts); the rest reads as written.
    expect(markdownToText(escapeMarkdown(asWritten[0]!))).toBe(asWritten[0]);
    expect(markdownToHtml(escapeMarkdown(asWritten[0]!))).toBe('<p>2*3*4 = 24, file_name_here and __init__</p>');
    expect(markdownToHtml(escapeMarkdown(asWritten[1]!))).not.toContain('<a');
  });

  it('leaves the list markers html-to-text writes, so a list stays a list', () => {
    expect(markdownToHtml(escapeMarkdown('* first_item\n* second'))).toBe('<ul>\n<li>first_item</li>\n<li>second</li>\n</ul>');
  });
});
