/**
 * How long an editor waits in the preview, measured in Debian's Chromium
 * against a real `digest preview` process on a fresh copy of the demo data:
 *
 * - first page: from spawning `digest preview` to the week's page (a built
 *   digest) loaded with its email visible in the iframe;
 * - save to visible: from clicking "Save the issue" (a new note each time) to
 *   that note visible in the email on screen, over --edits saves (median,
 *   min, max).
 *
 *   npm run bench:preview                 # 10 saves
 *   npm run bench:preview -- --edits 20
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import { lastCompletedWeek, weekContaining } from '../src/week.ts';

const { values } = parseArgs({ options: { edits: { type: 'string', default: '10' } } });
const edits = Number(values.edits);
const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'preview-bench-'));
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: `file:${dir}/digest.db`, OUTBOX_DIR: join(dir, 'outbox') };

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/digest.js'), ...args], { cwd: root, env });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`digest ${args.join(' ')} exited ${code}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await run(['demo']);
// The demo sent the last completed week; the week before is the draft an editor shapes.
const sent = lastCompletedWeek(new Date(), 'UTC');
const week = weekContaining(sent.start.minus({ days: 1 }).toJSDate(), 'UTC').id;
await run(['build', '--week', week]);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const started = performance.now();
const child = spawn(process.execPath, [join(root, 'bin/digest.js'), 'preview', '--port', '0'], { cwd: root, env });
try {
  const url = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /Preview at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  const listening = performance.now() - started;
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const weekPage = `${url}/preview/weekly-digest?week=${week}`;
  await page.goto(weekPage);
  await page.frameLocator('#email').locator('.lead h2').waitFor();
  const firstPage = performance.now() - started;
  const saves: number[] = [];
  for (let i = 1; i <= edits; i++) {
    const note = `Bench note number ${i}.`;
    await page.getByLabel('Intro note').fill(note);
    const clicked = performance.now();
    await page.getByRole('button', { name: 'Save the issue' }).click();
    await page.frameLocator('#email').getByText(note).waitFor();
    saves.push(performance.now() - clicked);
  }
  console.log(`week ${week}: first page ${(firstPage / 1000).toFixed(2)} s after start (listening after ${(listening / 1000).toFixed(2)} s)`);
  console.log(
    `save to visible over ${edits} saves: median ${median(saves).toFixed(0)} ms, min ${Math.min(...saves).toFixed(0)} ms, max ${Math.max(...saves).toFixed(0)} ms`,
  );
} finally {
  child.kill('SIGTERM');
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
