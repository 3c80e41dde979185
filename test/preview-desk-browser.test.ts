import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { buildDigest } from '../src/digests/build-digest.ts';
import { loadDigestContent } from '../src/digests/find-digest.ts';
import { measureSampleCopy } from '../src/personalize/sample-copy.ts';
import { type PreviewServer, startPreviewServer } from '../src/preview/server.ts';
import { createOutboxTransport } from '../src/transport/outbox.ts';
import { weekOf } from '../src/week.ts';
import { launchChromium } from './helpers/browser.ts';
import { ROOT, type Workspace, createWorkspace } from './helpers/cli.ts';
import { testConfig } from './helpers/fixtures.ts';
import { seedSampleArticles, seedSubscribers } from './helpers/seed.ts';
import { openTestDb } from './helpers/store.ts';

/**
 * The editor's week driven in Debian's Chromium: shape the issue on the desk
 * (no JavaScript needed, but the page's own script running), see it at once,
 * send a test, approve; the view (width, scheme, tab, reader, version)
 * survives every one of them and a reload.
 */
describe('the editor’s desk in a real browser', () => {
  let ws: Workspace;
  let db: Db;
  let preview: PreviewServer;
  let browser: Browser;
  let page: Page;
  const titles: Record<string, string> = {};
  let topic: string;

  beforeAll(async () => {
    ws = createWorkspace();
    const env = { DATABASE_URL: ws.env.DATABASE_URL!, DIGEST_TZ: 'UTC', DIGEST_APPROVAL: 'required', EDITOR_EMAILS: 'chief@example.org' };
    const config = testConfig(env);
    db = await openTestDb(config.databaseUrl);
    await seedSampleArticles(db);
    await seedSubscribers(db, ['rita.reader@example.com', 'pat.topic@example.com']);
    // Pat reads one section of the week: the last in reading order.
    const inWeek = await db
      .selectFrom('articles')
      .select('category')
      .where('published_at', '>=', '2026-11-16')
      .where('published_at', '<', '2026-11-23')
      .execute();
    topic = inWeek.map((a) => a.category).sort()[0]!;
    await db
      .updateTable('subscribers')
      .set({ topics: JSON.stringify([topic]) })
      .where('email', '=', 'pat.topic@example.com')
      .execute();
    await buildDigest(db, config, weekOf('2026-W47', 'UTC'), measureSampleCopy);
    for (const a of await db.selectFrom('articles').select(['url', 'title']).execute()) titles[a.url] = a.title;
    preview = await startPreviewServer({ db, config, root: ROOT, port: 0, createTransport: () => createOutboxTransport(join(ws.dir, 'outbox')) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await preview?.close();
    await db?.destroy();
    ws?.cleanup();
  });

  const frame = () => page.frameLocator('#email');
  const status = () => page.getByRole('status').textContent();
  const view = () => Object.fromEntries(['width', 'scheme', 'reader'].map((k) => [k, new URL(page.url()).searchParams.get(k)]));
  const pressed = (name: string) => page.getByRole('button', { name, exact: true }).getAttribute('aria-pressed');
  const deskStories = async () => page.locator('#desk input[name="story"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));

  async function expectViewKept(): Promise<void> {
    expect(view()).toEqual({ width: 'mobile', scheme: 'dark', reader: 'rita' });
    expect(await pressed('Mobile 375 px')).toBe('true');
    expect(await pressed('Dark')).toBe('true');
    expect(await page.locator('#email').evaluate((f) => (f as HTMLIFrameElement).style.width)).toBe('375px');
    expect(await page.locator('#reader').inputValue()).toBe('rita');
  }

  it('shapes the issue and shows it at once, keeping the view through saves, a test send, an approval and a reload', async () => {
    await page.goto(`${preview.url}/preview/weekly-digest?week=2026-W47`);
    await page.getByRole('button', { name: 'Mobile 375 px' }).click();
    await page.getByRole('button', { name: 'Dark', exact: true }).click();
    await page.locator('#reader').fill('rita');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/reader=rita/);
    expect(view()).toEqual({ width: 'mobile', scheme: 'dark', reader: 'rita' });

    // Shape: a note, a new lead, a story left out, one moved into another section.
    const [first, second, third] = (await deskStories()) as [string, string, string];
    await page.getByLabel('Intro note').fill('A *quiet* week, says the desk.');
    await page.getByLabel(`Lead with: ${titles[third]}`).check();
    await page.getByLabel(`Leave out: ${titles[second]}`).check();
    const sections = await page.getByLabel(`Section of: ${titles[first]}`).locator('option').allTextContents();
    const current = await page.getByLabel(`Section of: ${titles[first]}`).inputValue();
    const other = sections.find((s) => s !== current)!;
    await page.getByLabel(`Section of: ${titles[first]}`).selectOption(other);
    await page.getByLabel(`Place in its section: ${titles[first]}`).fill('1');
    await page.getByRole('button', { name: 'Save the issue' }).click();
    await expect.poll(status).toBe('Saved: 4 changes.');
    await expectViewKept();
    // The email on screen is the issue as shaped.
    await expect.poll(() => frame().getByText('A quiet week, says the desk.').count()).toBe(1);
    expect(await frame().getByText(titles[second]!, { exact: true }).count()).toBe(0);
    const lead = frame().locator('.lead h2');
    expect(await lead.textContent()).toBe(titles[third]);
    expect(await page.locator('#desk-history').textContent()).toContain(`move ${first} to ${other}, place 1`);

    await page.getByLabel('To', { exact: true }).fill('editor@example.org');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await expect.poll(status).toBe('Test sent to editor@example.org.');
    await expectViewKept();
    expect(readdirSync(join(ws.dir, 'outbox'), { recursive: true }).filter((f) => String(f).endsWith('.eml'))).toHaveLength(1);

    expect(await page.locator('#approval-state').textContent()).toContain('Awaiting approval');
    await page.getByLabel(/^Approved by/).fill('Chief Editor');
    await page.getByRole('button', { name: 'Approve this issue' }).click();
    await expect.poll(status).toBe('Approved: the next scheduled run sends this issue as it is.');
    expect(await page.locator('#approval-state').textContent()).toMatch(/^Approved by Chief Editor at /);
    await expectViewKept();

    // An edit after the approval withdraws it.
    await page.getByLabel('Subject').fill('A late subject');
    await page.getByRole('button', { name: 'Save the issue' }).click();
    await expect.poll(status).toBe('Saved: 1 change.');
    expect(await page.locator('#approval-state').textContent()).toContain('Awaiting approval');
    expect(await page.locator('#subject').textContent()).toBe('A late subject');

    await page.getByRole('tab', { name: 'Plain text' }).click();
    await page.reload();
    await expectViewKept();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('text');
    expect(await page.locator('#text-source').isVisible()).toBe(true);
  });

  it('shows any of the week’s versions, and a reader in the version their topics give them', async () => {
    await page.goto(`${preview.url}/preview/weekly-digest?week=2026-W47`);
    // The issue's sections, as the editor shaped them above (a story moved into a section is in it).
    const digest = await db.selectFrom('digests').selectAll().where('week', '=', '2026-W47').executeTakeFirstOrThrow();
    const issue = await loadDigestContent(db, digest, weekOf('2026-W47', 'UTC'));
    const inTopic = issue.articles.filter((a) => a.category === topic).map((a) => a.title);
    const label = `${topic.toLowerCase()} (1 reader)`;
    expect(await page.locator('#segment option').allTextContents()).toContain(label);
    const all = await frame().locator('.lead h2, .card h3, .more li > a').allTextContents();
    await page.locator('#segment').selectOption({ label });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/segment=/);
    await expect.poll(async () => (await frame().locator('.lead h2, .card h3, .more li > a').allTextContents()).length).toBeLessThan(all.length);
    const shown = await frame().locator('.lead h2, .card h3, .more li > a').allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((title) => !inTopic.includes(title.trim()))).toEqual([]);

    // The Privacy reader, found by part of their address, gets the same version.
    await page.locator('#segment').selectOption({ label: 'Their version' });
    await page.locator('#reader').fill('pat.top');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/reader=pat.top/);
    expect(await frame().locator('.lead h2, .card h3, .more li > a').allTextContents()).toEqual(shown);
  });
});
