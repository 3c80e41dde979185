import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.ts';
import type { Db } from '../src/db/connect.ts';
import { buildDigest } from '../src/digests/build-digest.ts';
import { markDigestSending } from '../src/digests/digest-store.ts';
import { measureSampleCopy } from '../src/personalize/sample-copy.ts';
import { type PreviewServer, startPreviewServer } from '../src/preview/server.ts';
import { createOutboxTransport } from '../src/transport/outbox.ts';
import { weekOf } from '../src/week.ts';
import { ROOT, type Workspace, createWorkspace } from './helpers/cli.ts';
import { testConfig } from './helpers/fixtures.ts';
import { seedSampleArticles } from './helpers/seed.ts';
import { openTestDb } from './helpers/store.ts';

/**
 * The editor's desk on a week's preview page: a plain form (no JavaScript),
 * posted over a real socket, recorded with who, and visible on the next page.
 */
describe('the editor’s desk in the preview', () => {
  let ws: Workspace;
  let config: Config;
  let db: Db;
  let preview: PreviewServer;
  let urls: string[];
  const week = weekOf('2026-W47', 'UTC');
  const page = async () => (await fetch(`${preview.url}/preview/weekly-digest?week=2026-W47`)).text();
  const post = (fields: [string, string][], headers: Record<string, string> = {}) =>
    fetch(`${preview.url}/edit`, { method: 'POST', body: new URLSearchParams(fields), headers, redirect: 'manual' });
  const digestRow = () => db.selectFrom('digests').selectAll().where('week', '=', '2026-W47').executeTakeFirstOrThrow();

  beforeAll(async () => {
    ws = createWorkspace();
    config = testConfig({ DATABASE_URL: ws.env.DATABASE_URL!, DIGEST_TZ: 'UTC' });
    db = await openTestDb(config.databaseUrl);
    await seedSampleArticles(db);
    const built = await buildDigest(db, config, week, measureSampleCopy);
    if (built.outcome === 'empty') throw new Error('expected a digest');
    const ids = JSON.parse(built.digest.article_ids) as number[];
    const rows = await db.selectFrom('articles').select(['id', 'url']).execute();
    urls = ids.map((id) => rows.find((r) => r.id === id)!.url);
    preview = await startPreviewServer({
      db,
      config,
      root: ROOT,
      port: 0,
      createTransport: () => createOutboxTransport(join(ws.dir, 'outbox')),
    });
  });

  afterAll(async () => {
    await preview?.close();
    await db?.destroy();
    ws?.cleanup();
  });

  it('shows every story of the week with the choices, and saves what changed with who, at once', async () => {
    const before = await page();
    expect(before).toContain('<form method="post" action="/edit" id="desk">');
    for (const url of urls) expect(before).toContain(`name="exclude" value="${url}"`);
    expect(before).toContain('No changes yet.');

    const saved = await post([
      ['week', '2026-W47'],
      ['subject', 'Desk pick: the week'],
      ['preheader', ''],
      ['note', 'A **short** note <script>alert(1)</script>'],
      ['signoff', ''],
      ['lead', urls[2]!],
      ['exclude', urls[1]!],
      ['editor', 'Edna Editor'],
    ]);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/preview/weekly-digest?week=2026-W47&edited=4');

    const after = await (await fetch(`${preview.url}${saved.headers.get('location')}`)).text();
    expect(after).toContain('Saved: 4 changes.');
    expect(after).toContain('<dd id="subject">Desk pick: the week</dd>');
    expect(after).toMatch(/<li>[\d-]+ [\d:]+ · Edna Editor · exclude /);
    expect(after).toMatch(new RegExp(`name="exclude" value="${urls[1]!.replace(/[.?]/g, '\\$&')}" aria-label="[^"]+" checked`));
    // The built draft followed: what the next send would send.
    const digest = await digestRow();
    expect(digest.subject).toBe('Desk pick: the week');
    const frozenIds = JSON.parse(digest.article_ids) as number[];
    expect(frozenIds).toHaveLength(urls.length - 1);
    const lead = await db.selectFrom('articles').select('id').where('url', '=', urls[2]!).executeTakeFirstOrThrow();
    expect(frozenIds[0]).toBe(lead.id);
    const html = await (await fetch(`${preview.url}/render/weekly-digest?week=2026-W47`)).text();
    expect(html).toContain('A <strong>short</strong> note');
    expect(html).not.toContain('<script>alert(1)');

    // The same form again changes nothing and records nothing.
    const again = await post([
      ['week', '2026-W47'],
      ['subject', 'Desk pick: the week'],
      ['note', 'A **short** note <script>alert(1)</script>'],
      ['lead', urls[2]!],
      ['exclude', urls[1]!],
    ]);
    expect(again.headers.get('location')).toBe('/preview/weekly-digest?week=2026-W47&edited=0');
    expect(await db.selectFrom('digest_edits').select('id').execute()).toHaveLength(4);
  });

  it('places a story in another section from the form: every row posts its section and place, a changed one is a move', async () => {
    const before = await page();
    const rows = await db.selectFrom('articles').select(['url', 'category']).execute();
    // The stories the form lists with a place, in the order (the excluded one has none).
    const placed = [...before.matchAll(/name="story" value="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    const categoryOf = (u: string) => rows.find((r) => r.url === u)!.category;
    const story = placed.find((u) => u !== urls[2]);
    const target = [...new Set(rows.map((r) => r.category))].find((c) => c !== categoryOf(story!))!;
    const fields: [string, string][] = [
      ['week', '2026-W47'],
      ['subject', 'Desk pick: the week'],
      ['note', 'A **short** note <script>alert(1)</script>'],
      ['lead', urls[2]!],
      ['exclude', urls[1]!],
    ];
    const places = new Map<string, number>();
    for (const u of placed) {
      const position = (places.get(categoryOf(u)) ?? 0) + 1;
      places.set(categoryOf(u), position);
      fields.push(['story', u], ['section', u === story ? target : categoryOf(u)], ['position', u === story ? '1' : String(position)]);
    }
    const saved = await post(fields);
    expect(saved.headers.get('location')).toBe('/preview/weekly-digest?week=2026-W47&edited=1');
    const after = await page();
    expect(after).toMatch(/· move \S+ to [^,]+, place 1<\/li>/);
    // The story is now listed under its new section, first there.
    const row = after.slice(after.indexOf(`name="story" value="${story}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain(`<option selected>${target}</option>`);
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('value="1"');
  });

  it('refuses a form from another site, and any change once sending started', async () => {
    const foreign = await post(
      [
        ['week', '2026-W47'],
        ['subject', 'From elsewhere'],
      ],
      { origin: 'http://evil.example' },
    );
    expect(foreign.status).toBe(403);
    await markDigestSending(db, (await digestRow()).id);
    const late = await post([
      ['week', '2026-W47'],
      ['subject', 'Too late'],
    ]);
    expect(late.headers.get('location')).toContain('failed=Sending+has+started');
    expect((await digestRow()).subject).toBe('Desk pick: the week');
    expect(await db.selectFrom('digest_edits').select('id').execute()).toHaveLength(5);
    expect(await page()).toContain('Sending has started: this issue can no longer change.');
  });
});

describe('approving an issue from the desk (DIGEST_APPROVAL=required)', () => {
  let ws: Workspace;
  let db: Db;
  let preview: PreviewServer;
  const page = async () => (await fetch(`${preview.url}/preview/weekly-digest?week=2026-W47`)).text();
  const post = (path: string, fields: [string, string][]) =>
    fetch(`${preview.url}${path}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });

  beforeAll(async () => {
    ws = createWorkspace();
    const env = { DATABASE_URL: ws.env.DATABASE_URL!, DIGEST_TZ: 'UTC', DIGEST_APPROVAL: 'required', EDITOR_EMAILS: 'ed@example.com' };
    const config = testConfig(env);
    db = await openTestDb(config.databaseUrl);
    await seedSampleArticles(db);
    preview = await startPreviewServer({ db, config, root: ROOT, port: 0, createTransport: () => createOutboxTransport(join(ws.dir, 'outbox')) });
  });

  afterAll(async () => {
    await preview?.close();
    await db?.destroy();
    ws?.cleanup();
  });

  it('approves the issue as built, names who, and a later save withdraws the approval', async () => {
    expect(await page()).toContain('Not built yet');
    expect(await page()).not.toContain('action="/approve"');
    // Saving the desk builds nothing by itself on an unbuilt week: build, as the scheduled run or `digest build` would.
    await buildDigest(db, testConfig({ DATABASE_URL: ws.env.DATABASE_URL!, DIGEST_TZ: 'UTC' }), weekOf('2026-W47', 'UTC'), measureSampleCopy);
    expect(await page()).toContain('Awaiting approval: the scheduled run sends nothing');

    const approved = await post('/approve', [
      ['week', '2026-W47'],
      ['editor', 'Edna Editor'],
    ]);
    expect(approved.headers.get('location')).toBe('/preview/weekly-digest?week=2026-W47&approval=approved');
    const after = await (await fetch(`${preview.url}${approved.headers.get('location')}`)).text();
    expect(after).toContain('Approved: the next scheduled run sends this issue as it is.');
    expect(after).toMatch(/Approved by Edna Editor at [\d-]+ [\d:]+/);
    expect(after).toContain('Withdraw approval');

    await post('/edit', [
      ['week', '2026-W47'],
      ['subject', 'Changed after approval'],
    ]);
    expect(await page()).toContain('Awaiting approval');

    const foreign = await fetch(`${preview.url}/approve`, {
      method: 'POST',
      body: new URLSearchParams({ week: '2026-W47' }),
      headers: { origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(await page()).toContain('Awaiting approval');
  });
});
