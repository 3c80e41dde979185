import MarkdownIt from 'markdown-it';
import { stripTags } from './one-line.ts';

const SAFE_LINK = /^(https?:|mailto:)/i;

/**
 * Article text is Markdown written by editors or pulled from feeds: untrusted.
 * `html: false` makes markdown-it escape any raw HTML as text; validateLink
 * drops every link that is not http(s) or mailto (no javascript:, data:, vbscript:).
 * Images and headings are turned off: a digest card holds prose and links only.
 */
const md = new MarkdownIt('default', { html: false, linkify: true, typographer: true, breaks: false });
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
md.disable(['image', 'heading', 'lheading', 'table', 'code', 'fence', 'hr', 'html_block', 'html_inline']);

/** Renders untrusted Markdown to HTML safe to embed in an email. */
export function markdownToHtml(source: string): string {
  return md.render(source).trim();
}

/**
 * Renders untrusted Markdown to plain text for the text/plain part: inline
 * formatting dropped, links as `text (url)`, paragraphs separated by a blank line.
 */
export function markdownToText(source: string): string {
  const paragraphs: string[] = [];
  let current = '';
  for (const token of md.parse(source, {})) {
    if (token.type === 'paragraph_close' || token.type === 'list_item_close') {
      if (current.trim()) paragraphs.push(current.trim());
      current = '';
    } else if (token.type === 'bullet_list_open' || token.type === 'ordered_list_open') {
      // Each item becomes its own paragraph with a bullet.
    } else if (token.type === 'list_item_open') {
      current = '- ';
    } else if (token.type === 'inline') {
      let href: string | null = null;
      let linkText = '';
      for (const child of token.children ?? []) {
        if (child.type === 'link_open') {
          const target = child.attrGet('href');
          href = target === null ? null : String(target);
          linkText = '';
        } else if (child.type === 'link_close') {
          const shown = linkText.trim();
          current += href && href !== shown && `mailto:${shown}` !== href ? `${shown} (${href})` : shown;
          href = null;
        } else if (child.type === 'text' || child.type === 'code_inline') {
          if (href !== null) linkText += child.content;
          else current += child.content;
        } else if (child.type === 'softbreak' || child.type === 'hardbreak') {
          if (href !== null) linkText += ' ';
          else current += ' ';
        }
      }
    }
  }
  if (current.trim()) paragraphs.push(current.trim());
  return paragraphs.map(stripTags).join('\n\n');
}
