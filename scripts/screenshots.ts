/**
 * Screenshots of a compiled digest in headless Chromium (Debian's package),
 * at phone and desktop widths, in light and dark mode.
 *
 *   npx digest render --out out && npx tsx scripts/screenshots.ts out/digest.html out
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';

const [htmlFile = 'out/digest.html', outDir = 'out'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  for (const width of [375, 600]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
      await page.goto(pathToFileURL(resolve(htmlFile)).href);
      const file = resolve(outDir, `digest-${width}-${colorScheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
      await page.close();
    }
  }
} finally {
  await browser.close();
}
