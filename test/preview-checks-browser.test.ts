import { readFileSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importArticles } from '../src/articles/import-json.ts';
import type { Db } from '../src/db/connect.ts';
import { type PreviewServer, startPreviewServer } from '../src/preview/server.ts';
import { createOutboxTransport } from '../src/transport/outbox.ts';
import { launchChromium } from './helpers/browser.ts';
import { type Workspace, createWorkspace } from './helpers/cli.ts';
import { testConfig } from './helpers/fixtures.ts';
import { copyProject } from './helpers/project-copy.ts';
import { seedSubscribers } from './helpers/seed.ts';
import { openTestDb } from './helpers/store.ts';

/**
 * The checks an editor expects, in the preview's side panel, driven in
 * Debian's Chromium: the inbox row, every link's status (a local site
 * answers 200, 404 and 301; the reader's own links are never requested),
 * client support, the spam score (or why there is none), axe-core on the
 * email as rendered, the dark modes of clients that recolour, and MJML's
 * errors placed in the template that caused them.
 */
describe('the checks panel in a real browser', () => {
  let project: ReturnType<typeof copyProject>;
  let ws: Workspace;
  let db: Db;
  let site: Server;
  let preview: PreviewServer;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    site = createServer((req, res) => {
      requested.push(req.url ?? '');
      if (req.url?.startsWith('/gone')) return void res.writeHead(404).end();
      if (req.url?.startsWith('/moved')) return void res.writeHead(301, { location: '/elsewhere' }).end();
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>a story</p>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    project = copyProject();
    ws = createWorkspace();
    const config = testConfig({ DATABASE_URL: ws.env.DATABASE_URL!, DIGEST_TZ: 'UTC' });
    db = await openTestDb(config.databaseUrl);
    const story = (slug: string, day: number) => ({
      url: `${base}/${slug}`,
      title: `The ${slug} story`,
      category: 'Labor',
      publishedAt: `2026-11-${day}T10:00:00Z`,
      summary: `What happened in the ${slug} story.`,
      whyItMatters: 'It matters.',
      source: { title: 'Report', name: 'A Source', url: `${base}/source-${slug}` },
    });
    await importArticles(db, [story('fine', 16), story('gone', 17), story('moved', 18)]);
    await seedSubscribers(db, ['rita.reader@example.com']);
    preview = await startPreviewServer({ db, config, root: project.dir, port: 0, createTransport: () => createOutboxTransport(join(ws.dir, 'outbox')) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await preview?.close();
    await db?.destroy();
    site?.close();
    ws?.cleanup();
    project?.cleanup();
  });

  const linkRow = (path: string) => page.locator('#checks .check-links tr', { hasText: path });

  it('shows the inbox row, each link’s status, client support, the spam score and axe-core’s findings', async () => {
    await page.goto(`${preview.url}/preview/weekly-digest?week=2026-W47`);
    expect(await page.locator('.check-inbox figure').count()).toBe(2);
    expect(await page.locator('.check-inbox').textContent()).toContain('The Harm Ledger');

    await page.locator('#checks .check-links').waitFor({ timeout: 60_000 });
    expect(await linkRow('/gone').locator('.state').textContent()).toBe('broken');
    expect(await linkRow('/moved').locator('.state').textContent()).toBe('redirect');
    expect(await linkRow('/fine').first().locator('.state').textContent()).toBe('ok');
    // The reader's own links are listed as personal, never requested.
    expect(await page.locator('#checks').textContent()).toMatch(/personal links? \(the reader's own unsubscribe and preferences\) not requested/);
    expect(requested.some((url) => url.includes('token='))).toBe(false);
    expect(await page.locator('#checks .check-compat h4').allTextContents()).toEqual(expect.arrayContaining(['Gmail', 'Outlook']));
    // The spam score on request: SpamAssassin takes seconds (here: installed or not, it says which).
    await page.getByRole('link', { name: 'score this email' }).click();
    await expect.poll(() => page.locator('#spam-check .check-summary').textContent(), { timeout: 60_000 }).toMatch(/points, |^Not available: /);

    await expect
      .poll(() => page.locator('#axe-results .check-summary').textContent(), { timeout: 60_000 })
      .toMatch(/^\d+ serious or critical findings? \(\d+ in all\)$/);
    expect(await page.locator('#axe-results .check-summary').textContent()).toMatch(/^0 serious or critical findings/);
  });

  it('shows the email as Gmail’s app and Outlook.com recolour it in dark mode, marked as a simulation', async () => {
    await page.goto(`${preview.url}/preview/weekly-digest?week=2026-W47`);
    const card = () =>
      page
        .frameLocator('#email')
        .locator('.dm-card')
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await card()).toBe('rgb(255, 255, 255)');
    for (const [button, client] of [
      ['Gmail app dark', 'gmail'],
      ['Outlook.com dark', 'outlook'],
    ] as const) {
      await page.getByRole('button', { name: button }).click();
      await expect.poll(() => page.locator('#email').getAttribute('src')).toContain(`/simulate/${client}/weekly-digest?`);
      expect(await page.locator('#simulation-note').isVisible()).toBe(true);
      await expect.poll(async () => Number((await card()).match(/\d+/)?.[0] ?? 255)).toBeLessThan(80);
      expect(new URL(page.url()).searchParams.get('scheme')).toBe(client);
    }
    await page.getByRole('button', { name: 'Light', exact: true }).click();
    await expect.poll(card).toBe('rgb(255, 255, 255)');
    expect(await page.locator('#simulation-note').isVisible()).toBe(false);
  });

  it('places an MJML validation error in the template line that caused it', async () => {
    const file = join(project.dir, 'emails/weekly-digest.tsx');
    const original = readFileSync(file, 'utf8');
    const lines = original.split('\n');
    const at = lines.findIndex((l) => l.trim() === '<MjmlText>');
    lines[at] = lines[at]!.replace('<MjmlText>', '<MjmlText data-oops="1">');
    writeFileSync(file, lines.join('\n'));
    try {
      await expect
        .poll(
          async () => {
            await page.goto(`${preview.url}/preview/weekly-digest?week=2026-W47`);
            return page.locator('#error h2').count();
          },
          { timeout: 20_000 },
        )
        .toBe(1);
      expect(await page.locator('#error h2').textContent()).toBe(`Cannot render: error in emails/weekly-digest.tsx, line ${at + 1}`);
      expect(await page.locator('#error .check-mjml').textContent()).toContain('data-oops');
    } finally {
      writeFileSync(file, original);
    }
  });
});
