import { existsSync, readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/helpers/browser.ts';
import { AXE_SCRIPT_URL, axePanelScript, axeScriptPath } from './axe.ts';

/** One picture without alt text, one paragraph of light grey on white (contrast 1.9:1). */
const EMAIL_WITHOUT_ALT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Week 47</title></head><body style="background:#ffffff">
<table role="presentation"><tr><td><img src="/chart.png" width="120" height="60" class="chart"></td></tr>
<tr><td><p style="color:#bbbbbb;background:#ffffff;font-size:14px">Read the rest of the story online.</p></td></tr></table></body></html>`;

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checks</title></head><body>
<iframe id="email" src="/email" title="The email"></iframe><div id="axe-results"></div>
<script>${axePanelScript()}</script></body></html>`;

/** What the server serves as the email now: a test edits it, as an editor's save would. */
let email = EMAIL_WITHOUT_ALT;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  const axe = readFileSync(axeScriptPath());
  server = createServer((req, res) => {
    if (req.url === AXE_SCRIPT_URL) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(axe);
    if (req.url === '/email') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(email);
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('axeScriptPath', () => {
  it("is axe-core's browser build", () => {
    expect(axeScriptPath()).toMatch(/node_modules\/axe-core\/axe\.min\.js$/);
    expect(existsSync(axeScriptPath())).toBe(true);
  });
});

describe('axePanelScript', () => {
  it('lists the picture without alt and the low-contrast text, in Chromium', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/`);
      const summary = page.locator('#axe-results > p');
      await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toMatch(/finding/);

      expect(await summary.textContent()).toBe('2 serious or critical findings (2 in all)');
      const rules = await page.locator('#axe-results li[data-rule]').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.rule));
      expect(rules).toEqual(['image-alt', 'color-contrast']);

      const imageAlt = page.locator('#axe-results li[data-rule="image-alt"]');
      expect(await imageAlt.locator('strong').textContent()).toBe('critical: image-alt');
      expect(await imageAlt.locator('code.target').allTextContents()).toEqual(['img']);
      expect(await imageAlt.locator('small.html').textContent()).toBe('<img src="/chart.png" width="120" height="60" class="chart">');
      // the email's HTML is shown as text, never inserted as elements
      expect(await page.locator('#axe-results img').count()).toBe(0);

      // a save reloads the frame: the findings follow
      email = EMAIL_WITHOUT_ALT.replace('class="chart"', 'class="chart" alt="Pay cuts by month"');
      await page.evaluate(() => (document.getElementById('email') as HTMLIFrameElement).contentWindow!.location.reload());
      await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toBe('1 serious or critical finding (1 in all)');
      expect(await page.locator('#axe-results li[data-rule]').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.rule))).toEqual([
        'color-contrast',
      ]);
    } finally {
      email = EMAIL_WITHOUT_ALT;
      await page.close();
    }
  }, 60_000);

  it('says so when axe cannot be loaded into the frame', async () => {
    const page = await browser.newPage();
    try {
      await page.route(`${base}${AXE_SCRIPT_URL}`, (route) => route.fulfill({ status: 404 }));
      await page.goto(`${base}/`);
      await expect.poll(() => page.locator('#axe-results > p').textContent(), { timeout: 30_000 }).toMatch(/failed/);
      expect(await page.locator('#axe-results > p').textContent()).toBe(`Accessibility check failed: could not load ${AXE_SCRIPT_URL}`);
    } finally {
      await page.close();
    }
  }, 60_000);
});
