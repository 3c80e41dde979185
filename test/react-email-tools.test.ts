import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import ConfirmSubscription from '../emails/confirm-subscription.tsx';
import WeeklyDigest from '../emails/weekly-digest.tsx';
import Welcome from '../emails/welcome.tsx';
import { compileMjml } from '../src/render/compile-mjml.ts';
import { launchChromium } from './helpers/browser.ts';
import { ROOT, childEnv } from './helpers/cli.ts';
import { copyProject } from './helpers/project-copy.ts';

const TSX = join(ROOT, 'node_modules/.bin/tsx');

function run(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['scripts/email-dev.ts', ...args], { cwd, env: childEnv({}) });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether anything answers on `host:port` (a refused connection: false). */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });
}

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/**
 * React Email's own tools over our templates (`npm run email:export`,
 * `npm run email:dev`): each template shown as the compiled email by the
 * sender's compile, never raw MJML.
 */
describe('React Email’s tools', () => {
  it('email:export writes each template compiled, with its PreviewProps', { timeout: 120_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'email-export-'));
    cleanups.push(() => rmSync(out, { recursive: true, force: true }));
    const result = await run(['export', '--outDir', out], ROOT);
    expect(result.code, result.output).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['confirm-subscription.html', 'weekly-digest.html', 'welcome.html']);
    const digest = readFileSync(join(out, 'weekly-digest.html'), 'utf8');
    expect(digest).not.toMatch(/<mj-|<mjml/);
    expect(digest).toContain('prefers-color-scheme:dark');
    expect(digest).toContain('Exam-proctoring software flagged darker-skinned students');
    // The sender's compile, whichever tool shows it: each file's body is exactly the template's compiled body.
    const body = (html: string) => /<body[\s\S]*<\/body>/.exec(html)?.[0];
    for (const [name, Template] of [
      ['weekly-digest', WeeklyDigest],
      ['confirm-subscription', ConfirmSubscription],
      ['welcome', Welcome],
    ] as const) {
      const ours = await compileMjml(createElement(Template as (props: object) => ReturnType<typeof WeeklyDigest>));
      expect(body(readFileSync(join(out, `${name}.html`), 'utf8'))).toBe(body(ours.html));
    }
  });

  it('email:dev serves each template compiled, on 127.0.0.1 only, and shows a template edit', { timeout: 180_000 }, async () => {
    const project = copyProject();
    cleanups.push(() => project.cleanup());
    const port = await freePort();
    // Its own process group: tsx, the compile server and React Email's CLI all go at the end, none left behind.
    const dev: ChildProcess = spawn(TSX, ['scripts/email-dev.ts', 'dev', '--port', String(port)], { cwd: project.dir, env: childEnv({}), detached: true });
    cleanups.push(() => process.kill(-dev.pid!, 'SIGKILL'));
    let log = '';
    dev.stdout!.on('data', (c) => (log += c));
    dev.stderr!.on('data', (c) => (log += c));
    await expect.poll(() => log, { timeout: 60_000 }).toContain('Running preview at');

    const browser: Browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/preview/weekly-digest`, { timeout: 90_000 });
    const frame = page.frameLocator('iframe[title="weekly-digest.tsx"]');
    await expect.poll(() => frame.getByText('what happened, and why it matters').count(), { timeout: 90_000 }).toBeGreaterThan(0);
    const shown = await page.locator('iframe[title="weekly-digest.tsx"]').getAttribute('srcdoc');
    expect(shown).not.toMatch(/<mj-|<mjml/);
    expect(shown).toContain('class="dm-card');

    // Only on loopback: another address of this machine gets no answer.
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (other) expect(await answers(other, port)).toBe(false);

    const file = join(project.dir, 'emails/weekly-digest.tsx');
    const saved = Date.now();
    writeFileSync(file, readFileSync(file, 'utf8').replace('what happened, and why it matters', 'what changed, and why you should care'));
    await expect.poll(() => frame.getByText('what changed, and why you should care').count(), { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    console.log(`email dev showed the edit ${Date.now() - saved} ms after the save`);
  });
});
