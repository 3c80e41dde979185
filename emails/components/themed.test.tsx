import { Markdown, Tailwind } from '@react-email/components';
import { render } from '@react-email/render';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { compileMjml } from '../../src/render/compile-mjml.ts';
import WeeklyDigest, { PreviewProps } from '../weekly-digest.tsx';
import { SafeMarkdown } from './markdown.tsx';
import { palette } from './theme.ts';

const HOSTILE = 'A [link](javascript:alert(1)) and <script>alert(2)</script> and <img src=x onerror="alert(3)">';

describe('React Email’s components in the digest', () => {
  it('take the theme’s colours, not their own defaults, and keep dark mode', async () => {
    const { html } = await compileMjml(createElement(WeeklyDigest, PreviewProps));
    // Link's default blue and Hr's grey never reach the email; headlines are in the text colour, unlined.
    expect(html).not.toMatch(/#067df7|#eaeaea/i);
    expect(html).toMatch(new RegExp(`<h3[^>]*><a href="[^"]+" style="[^"]*color:${palette.light.text};text-decoration:none"`));
    // Nor the two defaults caniemail lists as unsupported (Gmail: target; Outlook: text-decoration-line).
    expect(html).not.toMatch(/target="_blank"|text-decoration-line/);
    expect(html).toContain('@media (prefers-color-scheme:dark)');
  });

  // Why the digest renders Markdown with its own SafeMarkdown, never React Email's Markdown.
  it('React Email’s Markdown passes hostile HTML and javascript: links through; SafeMarkdown keeps them inert', async () => {
    const theirs = await render(createElement(Markdown, null, HOSTILE), { pretty: false });
    expect(theirs).toMatch(/<script>alert\(2\)<\/script>|onerror="alert\(3\)"|href="javascript:/);
    const ours = await render(createElement(SafeMarkdown, { source: HOSTILE }), { pretty: false });
    // Tags and the unsafe link stay text: no element, no href.
    expect(ours).not.toMatch(/<script|<img|href="javascript:/i);
    expect(ours).toContain('&lt;script&gt;');
  });

  // Why the theme is plain CSS with a prefers-color-scheme block, never React Email's Tailwind.
  it('React Email’s Tailwind turns dark: and sm: variants into permanent inline styles or drops them', async () => {
    const html = await render(createElement(Tailwind, null, createElement('div', { className: 'bg-white dark:bg-black p-2 sm:p-8' }, 'x')), { pretty: false });
    const div = /<div[^>]*>x<\/div>/.exec(html)?.[0] ?? '';
    // No media query survives for the dark variant: a reader in dark mode gets no dark rule from it.
    expect(html).not.toMatch(/prefers-color-scheme/);
    expect(div).toMatch(/style="[^"]*background-color/);
  });
});
