import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { launchChromium } from './helpers/browser.ts';
import { type Workspace, childEnv, createWorkspace, runCli } from './helpers/cli.ts';
import { copyProject } from './helpers/project-copy.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { openTestDb } from './helpers/store.ts';

/** Starts `digest preview --port 0` in `root` and resolves with its URL. */
function startPreview(root: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'bin/digest.js'), 'preview', '--port', '0'], { cwd: root, env: childEnv(env) });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`preview did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /Preview at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`preview exited with ${code}:\n${output}`)));
  });
}

describe('digest preview in a real browser', () => {
  let project: ReturnType<typeof copyProject>;
  let ws: Workspace;
  let sink: SmtpSink;
  let preview: { url: string; child: ChildProcess };
  let browser: Browser;
  let page: Page;
  let db: Db;
  const digestFile = () => join(project.dir, 'emails/weekly-digest.tsx');
  const headerFile = () => join(project.dir, 'emails/components/header.tsx');

  beforeAll(async () => {
    project = copyProject();
    sink = await startSmtpSink();
    ws = createWorkspace({ SMTP_URL: sink.url });
    await runCli(['articles', 'import', 'data/sample/articles.json'], ws.env, project.dir);
    await runCli(['subscribers', 'add', 'reader@example.com', '--name', 'Rita Reader', '--confirmed'], ws.env, project.dir);
    // The sender's copy, to compare with what the preview shows.
    const sent = await runCli(['send', '--week', '2026-W47'], ws.env, project.dir);
    expect(sent.stdout).toContain('this run sent 1');
    db = await openTestDb(ws.env.DATABASE_URL!);
    preview = await startPreview(project.dir, ws.env);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    preview?.child.kill('SIGTERM');
    await db?.destroy();
    await sink?.close();
    ws?.cleanup();
    project?.cleanup();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lists every template, and the weeks with articles newest first under the upcoming week', async () => {
    await page.goto(`${preview.url}/`);
    await expect
      .poll(() => page.locator('#templates li').allTextContents())
      .toEqual(['Weekly digest emails/weekly-digest.tsx', 'Confirm subscription emails/confirm-subscription.tsx', 'Welcome emails/welcome.tsx']);
    const weeks = await page.locator('#weeks li a').allTextContents();
    expect(weeks.slice(1)).toEqual(['2026-W47', '2026-W46', '2026-W45', '2026-W44', '2026-W43', '2026-W42']);
    expect(await page.locator('#weeks li').first().textContent()).toContain('upcoming');
  });

  it('shows in the iframe exactly the HTML the sender sent to that subscriber', async () => {
    const [message] = await sink.parsed();
    const served = await (await fetch(`${preview.url}/render/weekly-digest?week=2026-W47`)).text();
    expect(served).toBe(message!.html);
    await page.goto(`${preview.url}/preview/weekly-digest?week=2026-W47`);
    expect(await page.locator('#subject').textContent()).toBe(message!.subject);
    expect(await page.locator('#preheader').textContent()).toMatch(/ — and 7 more stories$/);
    expect(await page.locator('#size').textContent()).toMatch(/KB of 90\.0 KB/);
    expect(await page.locator('#links li').count()).toBeGreaterThan(20);
    await page.getByRole('tab', { name: 'Plain text' }).click();
    expect(await page.locator('#text-source').textContent()).toBe(message!.text);
  });

  it('switches between desktop and mobile widths, and light and dark', async () => {
    await page.goto(`${preview.url}/preview/weekly-digest?week=2026-W47`);
    const frame = page.locator('#email');
    expect((await frame.boundingBox())!.width).toBe(700);
    await page.getByRole('button', { name: 'Mobile 375 px' }).click();
    expect((await frame.boundingBox())!.width).toBe(375);
    const cardBackground = () =>
      page
        .frameLocator('#email')
        .locator('.dm-card')
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await cardBackground()).toBe('rgb(255, 255, 255)');
    await page.getByRole('button', { name: 'Dark', exact: true }).click();
    expect(await cardBackground()).toBe('rgb(31, 33, 37)');
    await page.getByRole('button', { name: 'Light', exact: true }).click();
    expect(await cardBackground()).toBe('rgb(255, 255, 255)');
  });

  it('updates the open page when a template is saved, without a manual reload', async () => {
    await page.goto(`${preview.url}/preview/weekly-digest?week=2026-W47&width=mobile`);
    const intro = page.frameLocator('#email').getByText('what happened, and why it matters');
    await expect.poll(() => intro.count()).toBe(1);
    const original = readFileSync(digestFile(), 'utf8');
    const saved = Date.now();
    writeFileSync(digestFile(), original.replace('what happened, and why it matters', 'what changed, and why you should care'));
    const edited = page.frameLocator('#email').getByText('what changed, and why you should care');
    await expect.poll(() => edited.count(), { timeout: 10_000, interval: 50 }).toBe(1);
    console.log(`preview updated ${Date.now() - saved} ms after the save`);
    // Still the mobile width the editor had chosen.
    expect((await page.locator('#email').boundingBox())!.width).toBe(375);
    writeFileSync(digestFile(), original);
    await expect.poll(() => intro.count(), { timeout: 10_000 }).toBe(1);
  });

  it('shows a broken template’s error with file and line, and recovers when it is fixed', async () => {
    await page.goto(`${preview.url}/preview/weekly-digest?week=2026-W47`);
    const original = readFileSync(headerFile(), 'utf8');
    writeFileSync(headerFile(), original.replace('<h1 style', '<h1 {oops style'));
    const error = page.locator('#error');
    await expect.poll(() => error.count(), { timeout: 10_000 }).toBe(1);
    expect(await error.textContent()).toMatch(/error in emails\/components\/header\.tsx, line \d+/);
    // The server is still up and answers other pages.
    expect((await fetch(`${preview.url}/`)).status).toBe(200);
    writeFileSync(headerFile(), original);
    await expect.poll(() => page.locator('#email').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.frameLocator('#email').getByText('The Harm Ledger').first().count()).toBe(1);
  });

  it('sends a test copy through the configured SMTP server without creating deliveries', async () => {
    const before = await db.selectFrom('deliveries').select('id').execute();
    await page.goto(`${preview.url}/preview/weekly-digest?week=2026-W47`);
    await page.getByLabel('To', { exact: true }).fill('editor@example.org');
    await page.getByLabel(/^Your name/).fill('Eddie Editor');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Test sent to editor@example.org.');
    const test = sink.received.find((m) => m.envelopeTo.includes('editor@example.org'));
    expect(test).toBeDefined();
    const parsed = (await sink.parsed()).find((m) => m.subject?.startsWith('[TEST] '));
    expect(parsed?.subject).toMatch(/^\[TEST\] The Harm Ledger · Week 47: /);
    // The editor's copy, not the sample reader's (test/preview-guards.test.ts follows its links).
    expect(parsed?.to).toMatchObject({ value: [{ address: 'editor@example.org', name: 'Eddie Editor' }] });
    expect(parsed?.text).toContain('Hi Eddie Editor,');
    expect(test!.raw.toString('latin1')).not.toContain('reader@example.com');
    expect(await db.selectFrom('deliveries').select('id').execute()).toEqual(before);
  });

  it('renders the confirmation and welcome emails too', async () => {
    for (const [template, text] of [
      ['confirm-subscription', 'Confirm my subscription'],
      ['welcome', 'thank you for confirming'],
    ] as const) {
      await page.goto(`${preview.url}/preview/${template}`);
      await expect.poll(() => page.frameLocator('#email').getByText(text).count()).toBeGreaterThan(0);
    }
  });
});
