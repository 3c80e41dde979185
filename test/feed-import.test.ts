import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
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

/** The password of the private feeds under /private/ (user `ann`); no message may ever show it. */
const PASSWORD = 'feed-hunter2';
const PRIVATE_AUTH = `Basic ${Buffer.from(`ann:${PASSWORD}`).toString('base64')}`;

let server: Server;
let base: string;
/** A second origin (another port), for a redirect that leaves the first. */
let otherBase: string;
const workspaces: Workspace[] = [];

function serveFeeds(req: IncomingMessage, res: ServerResponse): void {
  let path = req.url ?? '';
  if (path.startsWith('/private/')) {
    if (req.headers.authorization !== PRIVATE_AUTH) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="feeds"' }).end();
    path = path.slice('/private'.length);
    if (path === '/loop') return void res.writeHead(302, { location: '/private/loop' }).end();
    if (path === '/elsewhere') return void res.writeHead(302, { location: `${otherBase}/private/atom.xml` }).end();
    if (path === '/malformed.xml')
      return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(readFileSync(join(FEEDS, 'malformed.rss.xml')));
  }
  const type = SERVED[path];
  if (!type) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('no such feed');
  res.writeHead(200, { 'content-type': type }).end(readFileSync(join(FEEDS, FILES[path]!)));
}

async function listen(): Promise<{ server: Server; base: string }> {
  const server = createServer(serveFeeds);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let other: Server;
beforeAll(async () => {
  ({ server, base } = await listen());
  ({ server: other, base: otherBase } = await listen());
});

afterAll(async () => {
  await Promise.all([server, other].map((s) => new Promise((resolve) => s.close(resolve))));
  for (const ws of workspaces) ws.cleanup();
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
    expectOneLineError(
      await runCli(['articles', 'import', `${base}/missing.xml`], ws.env),
      new RegExp(`^digest: cannot fetch ${base}/missing\\.xml: 404 Not Found$`),
    );
  });

  it('explains a malformed feed file in one line', async () => {
    const ws = workspace();
    expectOneLineError(
      await runCli(['articles', 'import', join(FEEDS, 'malformed.rss.xml')], ws.env),
      /^digest: .*malformed\.rss\.xml is not well-formed XML: Expected closing tag 'item' .*\(line 7, column 3\)$/,
    );
    expect(await storedArticles(ws)).toEqual([]);
  });

  it("reads a private feed with the URL's credentials, and never shows its password", async () => {
    const ws = workspace();
    const privateUrl = (path: string, password = PASSWORD) => `${base.replace('//', `//ann:${password}@`)}/private${path}`;
    const masked = (path: string) => `${base.replace('//', '//ann:***@')}/private${path}`;
    const closed = await listen();
    await new Promise((resolve) => closed.server.close(resolve));
    const runs = {
      imported: await runCli(['articles', 'import', privateUrl('/atom.xml')], ws.env),
      status: await runCli(['articles', 'import', privateUrl('/atom.xml', `wrong-${PASSWORD}`)], ws.env),
      unreachable: await runCli(['articles', 'import', `${closed.base.replace('//', `//ann:${PASSWORD}@`)}/private/atom.xml`], ws.env),
      parse: await runCli(['articles', 'import', privateUrl('/malformed.xml')], ws.env),
      loop: await runCli(['articles', 'import', privateUrl('/loop')], ws.env),
      elsewhere: await runCli(['articles', 'import', privateUrl('/elsewhere')], ws.env),
    };
    for (const run of Object.values(runs)) expect(run.stdout + run.stderr).not.toContain(PASSWORD);

    // Sent as Basic authentication: the server let it in.
    expect(runs.imported.stdout).toContain('articles: 2 created, 0 updated, 0 unchanged, 1 rejected');
    // Each failure still names the server and says what went wrong.
    expectOneLineError(runs.status, new RegExp(`^digest: cannot fetch ${escapeRegExp(masked('/atom.xml'))}: 401 Unauthorized$`));
    expectOneLineError(
      runs.unreachable,
      new RegExp(`^digest: cannot fetch ${escapeRegExp(closed.base.replace('//', '//ann:***@'))}/private/atom\\.xml: connect ECONNREFUSED`),
    );
    expectOneLineError(runs.parse, new RegExp(`^digest: ${escapeRegExp(masked('/malformed.xml'))} is not well-formed XML: `));
    expectOneLineError(runs.loop, new RegExp(`^digest: cannot fetch ${escapeRegExp(masked('/loop'))}: redirect count exceeded$`));
    // A redirect to another origin does not take the credentials along.
    expectOneLineError(runs.elsewhere, new RegExp(`^digest: cannot fetch ${escapeRegExp(masked('/elsewhere'))}: 401 Unauthorized$`));
  }, 180_000);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
