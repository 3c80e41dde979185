import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { markDigestSending } from '../src/digests/digest-store.ts';
import { createWorkspace, runCli } from './helpers/cli.ts';
import { TEST_STORE, openTestDb } from './helpers/store.ts';

const ws = createWorkspace();
let db: Db | undefined;
afterAll(async () => {
  await db?.destroy();
  ws.cleanup();
});

/** The week's frozen digest: its subject, preheader and stories by URL, in reading order. */
async function frozen(store: Db) {
  const digest = await store.selectFrom('digests').selectAll().where('week', '=', '2026-W47').executeTakeFirstOrThrow();
  const ids = JSON.parse(digest.article_ids) as number[];
  const rows = await store.selectFrom('articles').select(['id', 'url']).where('id', 'in', ids).execute();
  return { digest, urls: ids.map((id) => rows.find((r) => r.id === id)!.url) };
}

function expectOneLineError(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr.trim()).toMatch(pattern);
}

describe(`digest edit on ${TEST_STORE}`, () => {
  it('shapes the issue (exclude, lead, pin, subject), keeps it through a rebuild, and shows who changed what', async () => {
    expect((await runCli(['articles', 'import', 'data/sample/articles.json'], ws.env)).code).toBe(0);
    expect((await runCli(['build', '--week', '2026-W47'], ws.env)).code).toBe(0);
    db = await openTestDb(ws.env.DATABASE_URL!);
    const before = await frozen(db);
    expect(before.urls.length).toBeGreaterThanOrEqual(4);
    const [first, second, , fourth] = before.urls as [string, string, string, string];

    const edited = await runCli(
      ['edit', '--week', '2026-W47', '--exclude', second, '--lead', fourth, '--pin', first, '--subject', 'Our pick:\nthe week in harms', '--as', 'Edna Editor'],
      ws.env,
    );
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('2026-W47: 4 changes recorded');
    // The built draft follows at once.
    expect(edited.stdout).toContain('digest 2026-W47 refreshed');
    const after = await frozen(db);
    expect(after.urls[0]).toBe(fourth);
    expect(after.urls).not.toContain(second);
    expect(after.urls).toHaveLength(before.urls.length - 1);
    expect(after.digest.subject).toBe('Our pick: the week in harms');
    // The automatic preheader follows the new order.
    expect(after.digest.preheader).not.toBe(before.digest.preheader);

    // A rebuild keeps the choices.
    expect((await runCli(['build', '--week', '2026-W47'], ws.env)).code).toBe(0);
    expect((await frozen(db)).urls).toEqual(after.urls);

    const shown = await runCli(['edit', '--week', '2026-W47', '--show'], ws.env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`lead:      ${fourth}`);
    expect(shown.stdout).toContain(`excluded:  ${second}`);
    expect(shown.stdout).toContain('subject:   Our pick: the week in harms');
    // Taking a story back in: the rebuild says what arrived.
    const included = await runCli(['edit', '--week', '2026-W47', '--include', second], ws.env);
    expect(included.stdout).toContain('new since the last build: 1 story');
    expect(included.stdout).toContain(second);
    expect(shown.stdout).toMatch(new RegExp(`\\d{4}-\\d\\d-\\d\\dT\\S+  Edna Editor  exclude "${second.replace(/[.?]/g, '\\$&')}"`));
  });

  it('moves a story within its section and into another, frozen with the issue through a rebuild', async () => {
    const rows = await db!.selectFrom('articles').select(['url', 'category']).execute();
    const sections = [...new Set(rows.map((r) => r.category))];
    // Not the lead (the first story, chosen above): the lead is shown first of all, wherever its section.
    const story = (await frozen(db!)).urls.slice(1).find((u) => rows.find((r) => r.url === u)!.category === sections[0])!;
    const other = sections.find((c) => c !== sections[0])!;
    const moved = await runCli(['edit', '--week', '2026-W47', '--move', story, '--to', other, '--position', '1', '--as', 'Edna Editor'], ws.env);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain(`placed:    ${story} → ${other}, #1`);
    expect((await runCli(['build', '--week', '2026-W47'], ws.env)).code).toBe(0);
    // Frozen: the story is the first of its new section in the issue, in the HTML and the text part.
    const out = join(ws.dir, 'moved');
    expect((await runCli(['render', '--week', '2026-W47', '--out', out], ws.env)).code).toBe(0);
    const text = readFileSync(join(out, 'digest.txt'), 'utf8');
    const title = (await db!.selectFrom('articles').select('title').where('url', '=', story).executeTakeFirstOrThrow()).title;
    const heading = text.indexOf(`${other.toUpperCase()} · `);
    expect(heading).toBeGreaterThan(-1);
    // The first story under the heading (titles wrap: their first words).
    const next = text.indexOf('\n\n', text.indexOf('\n', heading + 1) + 1);
    expect(text.slice(heading, next + 200)).toContain(title.slice(0, 24));
    const shown = await runCli(['edit', '--week', '2026-W47', '--show'], ws.env);
    expect(shown.stdout).toContain(`move ${story} to ${other}, place 1`);
    expectOneLineError(
      await runCli(['edit', '--week', '2026-W47', '--move', story, '--to', 'Nowhere'], ws.env),
      /^digest: 2026-W47 has no section "Nowhere"; its sections: /,
    );
  });

  it('puts the editor’s note (Markdown, rendered safely) above the stories and the sign-off after them, in the HTML and the text part', async () => {
    const noteFile = join(ws.dir, 'note.md');
    writeFileSync(
      noteFile,
      'This week: **three** warehouses.\r\n\r\nSee [the report](https://report.example/x) <script>alert(1)</script> [bad](javascript:alert(2))\n',
    );
    const edited = await runCli(['edit', '--week', '2026-W47', '--note', noteFile, '--signoff', '— Edna, for the desk', '--as', 'Edna Editor'], ws.env);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('note:      This week: **three** warehouses. …');
    const out = join(ws.dir, 'rendered');
    expect((await runCli(['render', '--week', '2026-W47', '--out', out], ws.env)).code).toBe(0);
    const html = readFileSync(join(out, 'digest.html'), 'utf8');
    expect(html).toContain('This week: <strong>three</strong> warehouses.');
    expect(html).toContain('href="https://report.example/x"');
    expect(html).not.toContain('<script>');
    // An unsafe link stays text: never an href.
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('— Edna, for the desk');
    // The note before the first story, the sign-off after the last.
    const firstCard = html.indexOf('class="card"');
    expect(firstCard).toBeGreaterThan(0);
    expect(html.indexOf('three</strong>')).toBeLessThan(firstCard);
    expect(html.indexOf('— Edna, for the desk')).toBeGreaterThan(html.lastIndexOf('class="card"'));
    const text = readFileSync(join(out, 'digest.txt'), 'utf8');
    expect(text).toContain('This week: three warehouses.');
    expect(text).not.toContain('<script>');
    expect(text.indexOf('— Edna, for the desk')).toBeGreaterThan(text.indexOf('Read the story:'));
    expect(text.indexOf('This week: three warehouses.')).toBeLessThan(text.indexOf('Read the story:'));
  });

  it('refuses a story the week does not have, and any edit once sending started, in one line, changing nothing', async () => {
    expectOneLineError(
      await runCli(['edit', '--week', '2026-W47', '--exclude', 'https://elsewhere.example/story'], ws.env),
      /^digest: 2026-W47 has no article at https:\/\/elsewhere\.example\/story/,
    );
    const digest = await db!.selectFrom('digests').select('id').where('week', '=', '2026-W47').executeTakeFirstOrThrow();
    await markDigestSending(db!, digest.id);
    expectOneLineError(
      await runCli(['edit', '--week', '2026-W47', '--subject', 'Too late'], ws.env),
      /^digest: the digest for 2026-W47 is already being sent; it cannot be edited$/,
    );
    const edits = await db!.selectFrom('digest_edits').select('value').execute();
    expect(edits.map((e) => e.value)).not.toContain('Too late');
    expect(edits.map((e) => e.value)).not.toContain('https://elsewhere.example/story');
  });
});
