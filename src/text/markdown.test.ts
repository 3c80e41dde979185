import { describe, expect, it } from 'vitest';
import { markdownToHtml, markdownToText } from './markdown.ts';
import { toOneLine } from './one-line.ts';

describe('markdownToHtml', () => {
  it('renders emphasis and safe links', () => {
    expect(markdownToHtml('A **bold** claim, [the report](https://example.org/r).')).toBe(
      '<p>A <strong>bold</strong> claim, <a href="https://example.org/r">the report</a>.</p>',
    );
  });

  it('escapes raw HTML instead of passing it through', () => {
    const html = markdownToHtml('Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> <iframe src="https://x">');
    expect(html).not.toMatch(/<script|<img|<iframe/i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('drops javascript: and data: links, keeping their text', () => {
    const html = markdownToHtml('[click](javascript:alert(1)) [img](data:text/html;base64,PHNjcmlwdD4=) [ok](mailto:a@example.com)');
    expect(html).not.toMatch(/href="(javascript|data):/i);
    expect(html).toContain('<a href="mailto:a@example.com">ok</a>');
  });

  it('does not render images', () => {
    expect(markdownToHtml('![alt](https://example.org/x.png)')).not.toContain('<img');
  });
});

describe('markdownToText', () => {
  it('keeps words and link targets, drops formatting', () => {
    expect(markdownToText('A **bold** claim, [the report](https://example.org/r).\n\nSecond &amp; last.')).toBe(
      'A bold claim, the report (https://example.org/r).\n\nSecond & last.',
    );
  });

  it('leaves no tag-shaped text behind', () => {
    expect(markdownToText('Hi <script>alert(1)</script> there')).toBe('Hi alert(1) there');
  });
});

describe('toOneLine', () => {
  it('removes CR/LF and tags', () => {
    expect(toOneLine('Title\r\nBcc: x@example.com <b>bold</b>')).toBe('Title Bcc: x@example.com bold');
  });
});
