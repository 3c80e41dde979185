import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderArticles } from '../src/digests/digest-content.ts';
import { personalize, renderDigest } from '../src/personalize/personalize.ts';
import { recipientValues } from '../src/personalize/recipient-values.ts';
import { launchChromium } from './helpers/browser.ts';
import { articleRow, digestOf, manyArticles, testConfig } from './helpers/fixtures.ts';

/** A 1×1 PNG: the lead's picture, served to the page by the browser test itself (no network). */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/**
 * A 30-story week as a reader's client lays it out, in Debian's Chromium: on a
 * phone (375 px) and a desktop (600 px), light and dark, nothing wider than
 * the screen, every story a link that can be reached, the lead's picture
 * scaled to fit.
 */
describe('a 30-story week in a browser', () => {
  let browser: Browser;
  let html: string;
  const config = testConfig();

  beforeAll(async () => {
    const articles = [articleRow(100, { image_url: 'https://images.example.org/lead.png', published_at: '2026-11-16T06:00:00.000Z' }), ...manyArticles(29)];
    const rendered = await renderDigest(digestOf(orderArticles(articles), config), config);
    html = personalize(rendered, recipientValues(config, { id: 7, email: 'ada@example.com', name: 'Ada' })).html;
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  for (const width of [375, 600]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`at ${width} px, ${colorScheme}: fits the screen, every story reachable, the lead's picture scaled`, async () => {
        const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme });
        await page.route('https://images.example.org/**', (route) => route.fulfill({ contentType: 'image/png', body: PIXEL }));
        await page.setContent(html, { waitUntil: 'load' });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        // Every story's title is a visible link with a tappable height.
        for (const url of new Set(await page.locator('.card h3 a, .lead h2 a, .more li > a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))) {
          const link = page.locator(`a[href="${url}"]`).first();
          expect(await link.isVisible()).toBe(true);
        }
        expect(await page.locator('.card h3 a, .lead h2 a, .more li > a').count()).toBe(30);
        const picture = await page.locator('.lead-img img').boundingBox();
        expect(picture!.width).toBeLessThanOrEqual(width - 40);
        expect(picture!.width).toBeGreaterThan(width / 2);
        const cardBackground = await page
          .locator('.dm-card')
          .first()
          .evaluate((el) => getComputedStyle(el).backgroundColor);
        expect(cardBackground).toBe(colorScheme === 'dark' ? 'rgb(31, 33, 37)' : 'rgb(255, 255, 255)');
        const moreLink = await page
          .locator('.more li > a')
          .first()
          .evaluate((el) => getComputedStyle(el).color);
        expect(moreLink).toBe(colorScheme === 'dark' ? 'rgb(236, 236, 236)' : 'rgb(29, 31, 35)');
        if (width === 375) {
          // On a phone each one-line story is a block link at least 44 px tall, for a thumb.
          expect((await page.locator('.more li > a').first().boundingBox())!.height).toBeGreaterThanOrEqual(44);
        }
        await page.close();
      });
    }
  }
});
