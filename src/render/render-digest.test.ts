import mjml2html from 'mjml';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { articleRow, digestOf, manyArticles, testConfig } from '../../test/helpers/fixtures.ts';
import { composeDigestMessage } from '../personalize/compose-message.ts';
import { recipientValues } from '../personalize/recipient-values.ts';
import { toMailOptions } from '../transport/mail-options.ts';
import { orderArticles } from '../digests/digest-content.ts';
import { personalize, renderDigest } from '../personalize/personalize.ts';
import { checkEmailCompat, newCompatErrors } from './email-compat.ts';
import { HTML_BUDGET_BYTES, htmlBytes } from './size-budget.ts';

const config = testConfig();
const ada = { id: 7, email: 'ada@example.com', name: 'Ada Lovelace' };

async function renderFor(articles: ReturnType<typeof manyArticles>, recipient = ada) {
  const rendered = await renderDigest(digestOf(orderArticles(articles), config), config);
  return { rendered, ...personalize(rendered, recipientValues(config, recipient)) };
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
}

describe('renderDigest', () => {
  it('shows every article, the lead first, then grouped by category, biggest section first, with its links', async () => {
    const articles = [
      articleRow(1, { category: 'Labor', title: 'Couriers paid by algorithm' }),
      articleRow(2, { category: 'Privacy', title: 'Cabin cameras sold to insurers' }),
      articleRow(3, { category: 'Privacy', title: 'Dating app inferred orientation', published_at: '2026-11-21T09:00:00.000Z' }),
    ];
    const { html } = await renderFor(articles);
    const order = ['Cabin cameras sold to insurers', 'Dating app inferred orientation', 'Couriers paid by algorithm'].map((t) => html.lastIndexOf(t));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The first in reading order leads; the rest keep their sections.
    expect(html).toContain('THE LEAD · PRIVACY');
    expect(html).toContain('PRIVACY · 1 STORY');
    expect(html).toContain('LABOR · 1 STORY');
    expect(html).toContain('Why this matters');
    expect(html).toContain('Original source: The Northwind Tribune');
    expect(html).toContain(`href="${articles[0]!.url}"`);
    expect(html).toContain(`href="${articles[0]!.source_url}"`);
    expect(html).toContain('<html lang="en"');
    expect(html).toMatch(/<title>The Harm Ledger · Week 47: Cabin cameras sold to insurers<\/title>/);
    expect(html).toContain('name="color-scheme" content="light dark"');
    expect(html).toContain('prefers-color-scheme:dark');
    // No request leaves the reader's client: no web fonts, no remote stylesheets, no images (none of these stories has one).
    expect(html).not.toMatch(/<link|@import|<img/);
    // 3 stories: no table of contents.
    expect(html).not.toContain('IN THIS ISSUE');
  });

  it('fills the reader into the slots: greeting, address, signed links', async () => {
    const { html, text } = await renderFor(manyArticles(2));
    const values = recipientValues(config, ada);
    expect(html).toContain('Hi Ada Lovelace, here are the 2 stories');
    expect(html).toContain(values.unsubscribeUrl);
    expect(html).toContain(values.preferencesUrl);
    expect(html).toContain('https://harmledger.example/archive/2026-W47');
    expect(html).toContain('The Harm Ledger, 42 Example Street, Springfield 01234');
    expect(text).toContain(values.unsubscribeUrl);
    expect(html).not.toMatch(/SLOT[0-9a-f]{12}x/);
    expect(text).not.toMatch(/SLOT[0-9a-f]{12}x/);
  });

  it('greets a reader without a name politely and escapes a name with markup', async () => {
    expect((await renderFor(manyArticles(1), { ...ada, name: '' })).html).toContain('Hello, here is the one story');
    // Tag-shaped text is dropped from names; what remains is escaped.
    const { html } = await renderFor(manyArticles(1), { ...ada, name: '<b>Eve</b> & "co"' });
    expect(html).toContain('Hi Eve &amp; &quot;co&quot;,');
    expect(html).not.toContain('<b>Eve');
  });

  it('opens with a table of contents only when more than 5 full cards follow the lead', async () => {
    expect((await renderFor(manyArticles(6))).html).not.toContain('IN THIS ISSUE');
    expect((await renderFor(manyArticles(7))).html).toContain('IN THIS ISSUE');
  });

  it('lays a 30-story week out as the lead, 8 full cards and one line for each of the rest, every story linked', async () => {
    const articles = manyArticles(30);
    const { html, text } = await renderFor(articles);
    for (const article of articles) expect(hrefs(html)).toContain(article.url);
    for (const article of articles) expect(text).toContain(article.url);
    expect(html.match(/class="card"/g)).toHaveLength(8);
    expect(html).toContain('MORE THIS WEEK');
    expect(html).toContain('…and 21 more, one line each, under More this week.');
    const more = html.slice(html.indexOf('MORE THIS WEEK'), html.indexOf('class="foot'));
    expect(more.match(/<li[^>]*><a href="[^"]+"[^>]*>[^<]+<\/a> <span class="meta"[^>]*>The Northwind Tribune · \w{3} \d+ \w{3}<\/span><\/li>/g)).toHaveLength(
      21,
    );
    expect(text).toContain('MORE THIS WEEK');
    // DIGEST_FULL_CARDS=0: the lead, then every other story one line each, and no contents.
    const compact = await renderDigest(digestOf(orderArticles(articles), config), { ...config, fullCards: 0 });
    expect(compact.html).not.toContain('class="card"');
    expect(compact.html).not.toContain('IN THIS ISSUE');
  });

  it('shows the lead’s picture with width, alt text and a dark-mode frame; never a plain-http or tracking URL', async () => {
    const lead = (image_url: string) => [articleRow(1, { image_url, title: 'Cabin cameras sold to insurers' }), articleRow(2, { image_url })];
    const { html } = await renderFor(lead('https://img.example.org/cabin.jpg?w=1200&utm_source=feed&utm_medium=rss'));
    const imgs = html.match(/<img\b[^>]*>/g) ?? [];
    // Only the lead's; the other story's picture is not shown.
    expect(imgs).toHaveLength(1);
    expect(imgs[0]).toContain('src="https://img.example.org/cabin.jpg?w=1200"');
    expect(imgs[0]).toContain('width="544"');
    expect(imgs[0]).toContain('alt="Cabin cameras sold to insurers"');
    expect(imgs[0]).toMatch(/style="[^"]*height:auto/);
    expect(html).toMatch(/\.lead-img img\{border-color:#3a3d42!important\}|,\.lead-img img\{border-color/);
    expect((await renderFor(lead('http://img.example.org/cabin.jpg'))).html).not.toContain('<img');
    expect((await renderFor(lead('https://user:pw@img.example.org/cabin.jpg'))).html).not.toContain('<img');
  });

  it('keeps 30 articles under the 90 KB budget after personalisation', async () => {
    const { html } = await renderFor(manyArticles(30), {
      id: 123456,
      email: 'a.very.long.address.indeed@subdomain.example.org',
      name: 'Maximilian Alexander von Humboldt-Bergmann',
    });
    expect(htmlBytes(html)).toBeLessThan(HTML_BUDGET_BYTES);
    // The footer, with its unsubscribe link, is still there at the end.
    expect(html.lastIndexOf('Unsubscribe')).toBeGreaterThan(html.length - 3000);
  });

  it('is accessible: body text at least 14 px, alt on every image, no bare "click here" links', async () => {
    const { html } = await renderFor(manyArticles(8));
    const sizes = [...html.matchAll(/font-size:\s*(\d+)px/g)].map((m) => Number(m[1]));
    // 0 px is MJML's whitespace fix on layout cells; 1 px is the hidden preheader.
    expect(sizes.filter((size) => size > 1 && size < 14)).toEqual([]);
    for (const img of html.match(/<img\b[^>]*>/g) ?? []) expect(img).toMatch(/\salt="/);
    const linkTexts = [...html.matchAll(/<a\b[^>]*>([^<]*)<\/a>/g)].map((m) => m[1]!.trim().toLowerCase());
    expect(linkTexts.filter((t) => ['here', 'click here', 'read more', 'link', ''].includes(t))).toEqual([]);
  });

  it('hides the preheader without text coloured like the page (what spam filters score as low contrast)', async () => {
    const { html } = await renderFor(manyArticles(3));
    const hidden = /<body[^>]*>\s*<div style="([^"]*)">/.exec(html)?.[1] ?? '';
    expect(hidden).toMatch(/^display:none;/);
    expect(hidden).toContain('opacity:0');
    expect(hidden).not.toMatch(/(^|;)color:/);
  });

  it('only ever links to http(s) URLs', async () => {
    const { html } = await renderFor(manyArticles(8));
    for (const href of hrefs(html)) expect(href).toMatch(/^https?:\/\//);
  });
});

describe('hostile article content', () => {
  const longTitle = `${'Overlong '.repeat(1111)}end`;
  const hostile = [
    articleRow(1, {
      title: 'Pwned <script>alert("t")</script>\r\nBcc: victim@example.com <img src=x onerror=alert(1)>',
      category: 'Safety<style>body{display:none}</style>',
      summary:
        'Click <a href="javascript:alert(1)" onclick="steal()">here</a> or [here](javascript:alert(2)) or [there](data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==).\n\n<iframe src="https://evil.example.com"></iframe><script>alert(4)</script><style>*{color:red}</style>',
      why_it_matters: '<div onmouseover="alert(5)">hover</div> <svg onload=alert(6)>',
      source_name: 'Evil "Outlet" <script>alert(7)</script>',
      source_url: 'javascript:alert(8)',
      url: 'javascript:alert(9)',
    }),
    articleRow(2, { title: longTitle, category: 'Surveillance' }),
  ];

  it('reaches the HTML only as harmless text', async () => {
    const benign = await renderFor(manyArticles(2));
    const { html } = await renderFor(hostile);
    expect(html).not.toMatch(/<script|<iframe|<svg|<img/i);
    // No element carries an event handler (the words may survive as escaped text).
    expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html).not.toMatch(/(href|src)="\s*(javascript|data):/i);
    expect(html.match(/<style/g)?.length).toBe(benign.html.match(/<style/g)?.length);
    expect(html).toContain('Pwned alert(&quot;t&quot;) Bcc: victim@example.com');
    // The 10,000-character title is clipped for display.
    expect(html).not.toContain(longTitle);
    expect(htmlBytes(html)).toBeLessThan(HTML_BUDGET_BYTES);
  });

  it('reaches the text part without markup', async () => {
    const { text } = await renderFor(hostile);
    expect(text).not.toMatch(/<\/?(script|iframe|style|img|svg|div|a)\b/i);
    expect(text).not.toMatch(/\son\w+=/i);
    expect(text).toContain('Pwned alert("t") Bcc: victim@example.com');
  });

  it('reaches no header as markup or as a new header line', async () => {
    const rendered = await renderDigest(digestOf(orderArticles(hostile), config), config);
    const message = composeDigestMessage(config, rendered, '2026-W47', { ...ada, name: 'Ada\r\nBcc: x@example.com' }, new Date());
    const composer = createTransport({ streamTransport: true, buffer: true });
    const raw = (await composer.sendMail(toMailOptions(message))).message as Buffer;
    const parsed = await simpleParser(raw);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.subject).not.toMatch(/[\r\n<>]/);
    expect(parsed.subject).toContain('Pwned alert("t") Bcc: victim@example.com');
    const headerBlock = raw.toString('latin1').split(/\r?\n\r?\n/)[0]!;
    expect(headerBlock).not.toMatch(/^Bcc:/im);
    expect(headerBlock).toMatch(/^To: "Ada Bcc: x@example.com" <ada@example.com>$/m);
  });
});

describe('the opening line', () => {
  it('says what the publication covers, from PUBLICATION_TOPIC, in the HTML and the text', async () => {
    const own = testConfig({ PUBLICATION_NAME: 'Flood Watch', PUBLICATION_TOPIC: 'floods & drought <in Europe>' });
    const rendered = await renderDigest(digestOf(orderArticles(manyArticles(3)), own), own);
    const { html, text } = personalize(rendered, recipientValues(own, ada));
    expect(text).toContain('Here are the 3 stories we published this week on floods & drought <in Europe>,');
    expect(html).toContain('we published this week on floods &amp; drought &lt;in Europe&gt;,');
    expect(html + text).not.toContain('harms and risks');
  });
});

describe('the plain-text part', () => {
  it('is written for people', async () => {
    const articles = [
      articleRow(1, {
        category: 'Labor',
        title: 'Couriers say a routing update cut their pay & nobody explained why',
        summary:
          'Couriers in three cities compared payslips and found per-trip pay fell by **a fifth** after a [routing update](https://news.example.org/routing).',
        why_it_matters: 'Opaque pay formulas leave workers unable to check what they are owed.',
        source_name: 'Labour Watch',
        source_url: 'https://labourwatch.example.org/couriers',
        published_at: '2026-11-17T10:00:00.000Z',
      }),
      articleRow(2, {
        category: 'Privacy',
        title: 'Cabin cameras sold to insurers',
        summary: 'Filings show driver-monitoring scores went to insurers.',
        why_it_matters: '',
        source_name: 'The Northwind Tribune',
        source_url: 'https://tribune.example.com/cabin',
        published_at: '2026-11-18T10:00:00.000Z',
      }),
    ];
    const { text } = await renderFor(articles);
    for (const line of text.split('\n')) {
      if (!/^https?:\/\//.test(line)) expect(line.length).toBeLessThanOrEqual(78);
    }
    expect(text).not.toMatch(/&amp;|&lt;|&#|<\w/);
    expect(text.replace(/token=[\w.-]+/g, 'token=…')).toMatchInlineSnapshot(`
      "THE HARM LEDGER
      Weekly digest · Week 47 · 16–22 November 2026

      Hi Ada Lovelace,

      Here are the 2 stories we published this week on the harms and risks of AI,
      across 2 topics: what happened, and why it matters.

      ==============================================================================
      THE LEAD · LABOR
      ==============================================================================

      Couriers say a routing update cut their pay & nobody explained why
      Tue 17 Nov · reported by Labour Watch

      Couriers in three cities compared payslips and found per-trip pay fell by a
      fifth after a routing update (https://news.example.org/routing).

      Why this matters: Opaque pay formulas leave workers unable to check what they
      are owed.

      Read the story:
      https://harmledger.example/2026/11/17/story-number-1-about-ai-harms
      Original source, Labour Watch: https://labourwatch.example.org/couriers

      ==============================================================================
      PRIVACY · 1 story
      ==============================================================================

      Cabin cameras sold to insurers
      Wed 18 Nov · reported by The Northwind Tribune

      Filings show driver-monitoring scores went to insurers.

      Read the story:
      https://harmledger.example/2026/11/18/story-number-2-about-ai-harms
      Original source, The Northwind Tribune: https://tribune.example.com/cabin

      -- 
      You get this email because you subscribed to the weekly digest of The Harm
      Ledger as:
      ada@example.com

      Unsubscribe:
      https://harmledger.example/unsubscribe?token=…

      Choose your topics:
      https://harmledger.example/preferences?token=…

      Read this issue in your browser:
      https://harmledger.example/archive/2026-W47

      The Harm Ledger, 42 Example Street, Springfield 01234
      "
    `);
  });
});

describe('client compatibility (caniemail data for Gmail, Outlook, Apple Mail, Yahoo)', () => {
  it('adds no error on top of what MJML itself needs for a titled email with a preheader', async () => {
    const { html: boilerplate } = await mjml2html(
      '<mjml><mj-head><mj-title>T</mj-title><mj-preview>P</mj-preview></mj-head><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
      { validationLevel: 'strict', minify: true },
    );
    const baseline = checkEmailCompat(boilerplate);
    const ours = checkEmailCompat((await renderFor(manyArticles(8))).html);
    expect(baseline.errors.length).toBeGreaterThan(0);
    expect(newCompatErrors(baseline.errors, ours.errors)).toEqual([]);
  });
});
