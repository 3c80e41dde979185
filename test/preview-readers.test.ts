import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.ts';
import type { Db } from '../src/db/connect.ts';
import { type PreviewServer, startPreviewServer } from '../src/preview/server.ts';
import { addSubscriber } from '../src/subscribers/subscriber-store.ts';
import { createOutboxTransport } from '../src/transport/outbox.ts';
import { ROOT, type Workspace, createWorkspace } from './helpers/cli.ts';
import { testConfig } from './helpers/fixtures.ts';
import { seedSampleArticles } from './helpers/seed.ts';
import { openTestDb } from './helpers/store.ts';

/** Any reader, and every version of the week, through the send path, picked with a plain GET form. */
describe('the preview for any reader and every version', () => {
  let ws: Workspace;
  let config: Config;
  let db: Db;
  let preview: PreviewServer;
  let articles: { title: string; category: string }[];
  let topic: string;
  const get = async (path: string) => (await fetch(`${preview.url}${path}`)).text();
  /** A rendered email's text as a reader sees it (entities decoded), to look for titles in. */
  const shown = async (path: string) =>
    (await get(path))
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');

  beforeAll(async () => {
    ws = createWorkspace();
    config = testConfig({ DATABASE_URL: ws.env.DATABASE_URL!, DIGEST_TZ: 'UTC' });
    db = await openTestDb(config.databaseUrl);
    await seedSampleArticles(db);
    articles = await db
      .selectFrom('articles')
      .select(['title', 'category'])
      .where('published_at', '>=', '2026-11-16')
      .where('published_at', '<', '2026-11-23')
      .execute();
    topic = articles[0]!.category;
    await addSubscriber(db, { email: 'everything@example.com', name: 'Eve' }, { confirmed: true });
    await addSubscriber(db, { email: 'narrow.reader@example.org', name: 'Nora', topics: [topic] }, { confirmed: true });
    await addSubscriber(db, { email: 'elsewhere@example.net', name: 'Elle', topics: ['Gardening'] }, { confirmed: true });
    preview = await startPreviewServer({ db, config, root: ROOT, port: 0, createTransport: () => createOutboxTransport(join(ws.dir, 'outbox')) });
  });

  afterAll(async () => {
    await preview?.close();
    await db?.destroy();
    ws?.cleanup();
  });

  it('lists the week’s versions with their readers, and shows a reader found by part of the address in their version', async () => {
    const others = articles.filter((a) => a.category !== topic);
    expect(others.length).toBeGreaterThan(0);
    const index = await get('/preview/weekly-digest?week=2026-W47');
    expect(index).toContain('<form method="get" id="reader-form">');
    expect(index).toContain('Full digest (1 reader)');
    expect(index).toContain(`${topic.toLowerCase()} (1 reader)`);

    const page = await get('/preview/weekly-digest?week=2026-W47&reader=narrow.reader');
    expect(page).toContain('<dt>To (sample)</dt><dd>narrow.reader@example.org</dd>');
    expect(page).toContain(`the ${topic.toLowerCase()} version`);
    const html = await shown('/render/weekly-digest?week=2026-W47&reader=narrow.reader');
    expect(html).toContain('Nora');
    for (const a of articles.filter((x) => x.category === topic)) expect(html).toContain(a.title.slice(0, 30));
    for (const a of others) expect(html).not.toContain(a.title.slice(0, 30));
  });

  it('shows any version by its key, and says when a reader is not found or gets nothing this week', async () => {
    const full = await shown('/render/weekly-digest?week=2026-W47&reader=narrow.reader&segment=all');
    for (const a of articles) expect(full).toContain(a.title.slice(0, 30));
    expect(await get('/preview/weekly-digest?week=2026-W47&reader=nobody-here')).toContain('No subscriber matches &quot;nobody-here&quot;');
    expect(await get('/preview/weekly-digest?week=2026-W47&reader=elsewhere@example.net')).toContain(
      'elsewhere@example.net gets no digest this week: no stories in their topics.',
    );
  });

  it('sends a test copy of the version on screen to the editor, greeting the editor', async () => {
    const answer = await fetch(`${preview.url}/send-test`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ template: 'weekly-digest', week: '2026-W47', reader: 'narrow.reader', to: 'edna@example.com', name: 'Edna' }),
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/preview/weekly-digest?week=2026-W47&reader=narrow.reader&sent=edna%40example.com');
    const files = readdirSync(join(ws.dir, 'outbox'), { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files).toHaveLength(1);
    const message = await simpleParser(readFileSync(join(files[0]!.parentPath, files[0]!.name)));
    expect(message.subject).toMatch(/^\[TEST\] /);
    expect(message.text).toContain('Hi Edna,');
    expect(message.text).not.toContain('Nora');
    for (const a of articles) {
      if (a.category === topic) expect(message.text).toContain(a.title.slice(0, 20));
      else expect(message.text).not.toContain(a.title.slice(0, 20));
    }
  });
});
