import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Workspace, createWorkspace, runCli } from './helpers/cli.ts';
import { openTestDb } from './helpers/store.ts';

const FEEDS = join(import.meta.dirname, 'fixtures/feeds');
const SERVED: Record<string, string> = {
  '/atom.xml': 'application/atom+xml; charset=utf-8',
  '/feed.json': 'application/feed+json; charset=utf-8',
};
const FILES: Record<string, string> = { '/atom.xml': 'field-notes.atom.xml', '/feed.json': 'field-notes.feed.json' };

let server: Server;
let base: string;
const workspaces: Workspace[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const type = SERVED[req.url ?? ''];
    if (!type) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('no such feed');
    res.writeHead(200, { 'content-type': type }).end(readFileSync(join(FEEDS, FILES[req.url!]!)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  workspaces.forEach((ws) => ws.cleanup());
});

function workspace(): Workspace {
  const ws = createWorkspace();
  workspaces.push(ws);
  return ws;
}

/** The stored text of every article: what a digest would show. */
async function storedArticles(ws: Workspace) {
  const db = await openTestDb(ws.env.DATABASE_URL!);
  try {
    return await db.selectFrom('articles').select(['url', 'title', 'category', 'topics', 'summary', 'source_name', 'published_at']).orderBy('url').execute();
  } finally {
    await db.destroy();
  }
}

function expectSanitized(rows: { title: string; summary: string }[]): void {
  for (const row of rows) {
    for (const text of [row.title, row.summary]) {
      expect(text).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/javascript:|onerror|alert\(/i);
    }
  }
}

/** A user mistake: exit code 1, exactly one line on stderr, no stack trace. */
function expectOneLineError(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('digest articles import <feed>', () => {
  it('imports an RSS file, and the same file again without creating anything', async () => {
    const ws = workspace();
    const file = join(FEEDS, 'field-notes.rss.xml');
    const first = await runCli(['articles', 'import', file, '--category', 'Welfare'], ws.env);
    expect(first.stdout).toContain('articles: 2 created, 0 updated, 0 unchanged, 1 rejected');
    expect(first.stderr.trim()).toBe('item 2: url: must be an http(s) URL');
    expect(first.code).toBe(1);

    const again = await runCli(['articles', 'import', file, '--category', 'Welfare'], ws.env);
    expect(again.stdout).toContain('articles: 0 created, 0 updated, 2 unchanged, 1 rejected');

    const rows = await storedArticles(ws);
    expect(rows.map((r) => [r.title, r.category, r.source_name])).toEqual([
      ['Council’s vote pauses predictive patrols & audits', 'Policing', 'Field Notes & Filings'],
      ['Benefit-screening model retired after appeal', 'Welfare', 'Field Notes & Filings'],
    ]);
    expect(JSON.parse(rows[0]!.topics)).toEqual(['predictive policing', 'audits']);
    expectSanitized(rows);
  });

  it('imports an Atom feed and a JSON Feed from URLs', async () => {
    const ws = workspace();
    const atom = await runCli(['articles', 'import', `${base}/atom.xml`], ws.env);
    expect(atom.stdout).toContain('articles: 2 created, 0 updated, 0 unchanged, 1 rejected');
    expect(atom.stderr.trim()).toBe('item 2: url: must be an http(s) URL');
    const json = await runCli(['articles', 'import', `${base}/feed.json`], ws.env);
    expect(json.stdout).toContain('articles: 2 created, 0 updated, 0 unchanged, 1 rejected');

    const rows = await storedArticles(ws);
    expect(rows).toHaveLength(4);
    expectSanitized(rows);
    const voice = rows.find((r) => r.url === 'https://notes.example.org/2026/11/voice-clones-helpline')!;
    expect(voice).toMatchObject({
      title: 'Voice clones & the bank helpline',
      summary: 'Callers heard a relative’s voice asking for money.\n\nReport a call',
      published_at: '2026-11-17T08:15:00.000Z',
    });
    const tenants = rows.find((r) => r.url === 'https://notes.example.org/2026/11/tenant-screening')!;
    expect(tenants.summary).toBe('Landlords relied on a score they couldn’t read.\n\nSee the letters tenants sent.');

    const listed = await runCli(['articles', 'list', '--week', '2026-W47', '--json'], ws.env);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(4);
  });

  it('explains a URL that does not answer with a feed in one line', async () => {
    const ws = workspace();
    expectOneLineError(await runCli(['articles', 'import', `${base}/missing.xml`], ws.env), new RegExp(`^digest: cannot fetch ${base}/missing\\.xml: 404 Not Found$`));
  });

  it('explains a malformed feed file in one line', async () => {
    const ws = workspace();
    expectOneLineError(
      await runCli(['articles', 'import', join(FEEDS, 'malformed.rss.xml')], ws.env),
      /^digest: .*malformed\.rss\.xml is not well-formed XML: Expected closing tag 'item' .*\(line 7, column 3\)$/,
    );
    expect(await storedArticles(ws)).toEqual([]);
  });
});
