/**
 * The README's screenshots: a 30-story week (the sample articles, moved into
 * one week) rendered by the sender's own path, in headless Chromium (Debian's
 * package) at 375 and 600 px, light and dark. The lead's picture is served
 * here (an SVG drawn below), as no network is needed or used.
 *
 *   npx tsx scripts/readme-screenshots.ts docs/screenshots
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { importArticles } from '../src/articles/import-json.ts';
import { loadConfig } from '../src/config/config.ts';
import { migrateToLatest, openDatabase } from '../src/db/connect.ts';
import { draftContent } from '../src/digests/find-digest.ts';
import { personalize, renderDigest } from '../src/personalize/personalize.ts';
import { recipientValues } from '../src/personalize/recipient-values.ts';
import { SAMPLE_RECIPIENT } from '../src/personalize/sample-copy.ts';
import { htmlBytes } from '../src/render/size-budget.ts';
import { weekOf } from '../src/week.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';

const IMAGE_HOST = 'https://images.harmledger.example/';
const PICTURE = `<svg xmlns="http://www.w3.org/2000/svg" width="1088" height="544" viewBox="0 0 1088 544">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#2d4a6b"/><stop offset="1" stop-color="#a3361a"/></linearGradient></defs>
<rect width="1088" height="544" fill="url(#g)"/><circle cx="820" cy="180" r="120" fill="#f2efe9" opacity=".25"/>
<rect x="90" y="300" width="520" height="36" rx="18" fill="#f2efe9" opacity=".5"/><rect x="90" y="360" width="380" height="36" rx="18" fill="#f2efe9" opacity=".35"/></svg>`;

const outDir = resolve(process.argv[2] ?? 'docs/screenshots');
const config = loadConfig({ DATABASE_URL: ':memory:' });
const week = weekOf('2026-W47', config.timeZone);
const db = openDatabase(config.databaseUrl);
await migrateToLatest(db);
// Thirty sample stories spread over one week, each with a picture (the lead shows its own).
const items = (JSON.parse(readFileSync('data/sample/articles.json', 'utf8')) as Record<string, unknown>[]).slice(0, 30).map((item, i) => ({
  ...item,
  publishedAt: week.start
    .plus({ hours: 6 + i * 5 })
    .toUTC()
    .toISO(),
  imageUrl: `${IMAGE_HOST}story-${i}.svg`,
}));
await importArticles(db, items);
const content = await draftContent(db, config, week);
if (!content) throw new Error('no articles');
const { html } = personalize(await renderDigest(content, config), recipientValues(config, SAMPLE_RECIPIENT));
await db.destroy();
console.log(`${content.articles.length} stories, ${(htmlBytes(html) / 1024).toFixed(1)} KB of HTML`);

await mkdir(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  for (const width of [375, 600]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
      await page.route(`${IMAGE_HOST}**`, (route) => route.fulfill({ contentType: 'image/svg+xml', body: PICTURE }));
      await page.route(/^https?:/, (route) => (route.request().url().startsWith(IMAGE_HOST) ? route.fallback() : route.abort()));
      await page.setContent(html, { waitUntil: 'load' });
      // The opening (header, contents, the lead) and the end of the issue ("More this week", the footer): the full page is 7,000–10,000 px.
      const more = (await page.getByRole('heading', { name: 'MORE THIS WEEK' }).boundingBox())!;
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      const shots = { top: { y: 0, height: 1500 }, end: { y: more.y - 24, height: Math.min(1500, height - more.y + 24) } };
      for (const [part, { y, height: h }] of Object.entries(shots)) {
        const file = resolve(outDir, `digest-${width}-${colorScheme}-${part}.png`);
        await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y, width, height: h } });
        console.log(file);
      }
      console.log(`  ${width} px ${colorScheme}: ${height} px tall`);
      await page.close();
    }
  }
} finally {
  await browser.close();
}
