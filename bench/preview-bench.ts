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
 *   npm run bench:preview                 # 5 starts, 10 saves
 *   npm run bench:preview -- --edits 20 --starts 9
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Page, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import { lastCompletedWeek, weekContaining } from '../src/week.ts';

const { values } = parseArgs({ options: { edits: { type: 'string', default: '10' }, starts: { type: 'string', default: '5' } } });
const edits = Number(values.edits);
const startCount = Number(values.starts);
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
const weekPath = `/preview/weekly-digest?week=${week}`;

/** Spawns `digest preview`, resolves with the process and its URL once it says where it listens. */
async function startPreview() {
  const child = spawn(process.execPath, [join(root, 'bin/digest.js'), 'preview', '--port', '0'], { cwd: root, env });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /Preview at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  return { child, url };
}

/**
 * When the email in the page's frame was first painted (its first
 * contentful paint; else its DOMContentLoaded), as epoch milliseconds read
 * by the page itself: Playwright's own polling, a round trip per look, would
 * add tens to hundreds of milliseconds.
 */
function frameReadyAt(page: Page): Promise<{ at: number; by: string }> {
  return page.evaluate(() => {
    const frame = (document.getElementById('email') as HTMLIFrameElement).contentWindow!;
    const paint = frame.performance.getEntriesByName('first-contentful-paint')[0];
    const nav = frame.performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return paint
      ? { at: frame.performance.timeOrigin + paint.startTime, by: 'first paint' }
      : { at: frame.performance.timeOrigin + nav.domContentLoadedEventEnd, by: 'DOMContentLoaded' };
  });
}

/**
 * From spawning the preview to the week's email parsed in the page's frame,
 * in a browser tab already open (an editor's browser is running; opening a
 * tab is Chromium's time, 0.15–0.3 s here, not the preview's); the page, for more.
 */
async function firstPage() {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const started = Date.now();
  const preview = await startPreview();
  const listening = Date.now() - started;
  await page.goto(preview.url + weekPath);
  await page.frameLocator('#email').locator('.lead h2').waitFor();
  const ready = await frameReadyAt(page);
  return { ...preview, page, listening, visible: ready.at - started, by: ready.by };
}

const starts: { listening: number; visible: number; by: string }[] = [];
try {
  for (let i = 1; i < startCount; i++) {
    const run = await firstPage();
    starts.push(run);
    // Each start on a quiet machine: the last preview gone, its page closed.
    const exited = new Promise((resolve) => run.child.once('exit', resolve));
    run.child.kill('SIGTERM');
    await Promise.all([exited, run.page.close()]);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const last = await firstPage();
  starts.push(last);
  const { page } = last;
  const saves: number[] = [];
  try {
    for (let i = 1; i <= edits; i++) {
      const note = `Bench note number ${i}.`;
      await page.getByLabel('Intro note').fill(note);
      const clicked = Date.now();
      await page.getByRole('button', { name: 'Save the issue' }).click();
      await page.frameLocator('#email').getByText(note).waitFor();
      saves.push((await frameReadyAt(page)).at - clicked);
    }
  } finally {
    last.child.kill('SIGTERM');
  }
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const visible = starts.map((s) => s.visible);
  console.log(
    `week ${week} (visible = the frame's ${starts[0]!.by}): first page over ${starts.length} starts: median ${seconds(median(visible))} after start (min ${seconds(Math.min(...visible))}, max ${seconds(Math.max(...visible))}; listening after ${seconds(median(starts.map((s) => s.listening)))})`,
  );
  console.log(
    `save to visible over ${edits} saves: median ${median(saves).toFixed(0)} ms, min ${Math.min(...saves).toFixed(0)} ms, max ${Math.max(...saves).toFixed(0)} ms`,
  );
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
