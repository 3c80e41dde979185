import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchAllSources } from '../src/articles/fetch-sources.ts';
import { addSource, failingSources, listSources } from '../src/articles/source-store.ts';
import type { Db } from '../src/db/connect.ts';
import { type Workspace, createWorkspace, runCli } from './helpers/cli.ts';
import { type FeedItem, type FeedServer, startFeedServer } from './helpers/feed-server.ts';
import { openScratchDb, openTestDb } from './helpers/store.ts';

const ITEMS: FeedItem[] = [
  {
    title: 'Warehouse scanners set the pace',
    link: 'https://wire.example.org/2026/11/scanners',
    publishedAt: new Date('2026-11-17T09:00:00Z'),
    description: 'Workers describe quotas set by handheld scanners.',
  },
  {
    title: 'Tenant scores questioned',
    link: 'https://wire.example.org/2026/11/tenant-scores',
    publishedAt: new Date('2026-11-18T10:30:00Z'),
    description: 'A housing board asks how the scores are made.',
  },
];

async function articleRows(db: Db) {
  return db.selectFrom('articles').select(['url', 'title', 'category', 'updated_at']).orderBy('url').execute();
}

describe('fetching the sources into the store', () => {
  let db: Db;
  let feed: FeedServer;
  beforeEach(async () => {
    db = await openScratchDb();
    feed = await startFeedServer(ITEMS.map((item) => ({ ...item })));
  });
  afterEach(async () => {
    await feed.close();
    await db.destroy();
  });
  const fetchAll = () => fetchAllSources(db, { timeZone: 'UTC' });
  const onlySource = async () => (await listSources(db))[0]!;

  it('sends the last validators back; a 304 is "not modified": nothing imported, nothing counted', async () => {
    await addSource(db, { url: `${feed.base}/feed.xml`, category: 'Labor' });
    const [first] = await fetchAll();
    expect(first).toMatchObject({ status: 'ok', report: { created: 2, updated: 0, unchanged: 0, rejected: [] } });
    const imported = await articleRows(db);
    expect(imported.map((a) => [a.title, a.category])).toEqual([
      ['Warehouse scanners set the pace', 'Labor'],
      ['Tenant scores questioned', 'Labor'],
    ]);
    expect(await onlySource()).toMatchObject({ last_status: 'ok', last_result: '2 created, 0 updated, 0 unchanged, 0 rejected', etag: '"v1"', error_count: 0 });

    const [second] = await fetchAll();
    expect(second!.status).toBe('not-modified');
    expect(feed.requests.map((r) => [r.ifNoneMatch, r.ifModifiedSince])).toEqual([
      [undefined, undefined],
      ['"v1"', 'Mon, 23 Nov 2026 08:00:00 GMT'],
    ]);
    expect(await articleRows(db)).toEqual(imported);
    expect(await onlySource()).toMatchObject({ last_status: 'not-modified', last_result: 'not modified', etag: '"v1"', error_count: 0 });
  });

  it('counts failures in a row, lists the source as failing, and starts again from 0 after a success', async () => {
    const source = await addSource(db, { url: `${feed.base}/feed.xml`, name: 'Test Wire' });
    feed.state.failWith = 503;
    await fetchAll();
    const [again] = await fetchAll();
    expect(again).toMatchObject({ status: 'error', error: `cannot fetch ${feed.base}/feed.xml: 503 Service Unavailable` });
    expect(await onlySource()).toMatchObject({
      last_status: 'error',
      error_count: 2,
      last_error: `cannot fetch ${feed.base}/feed.xml: 503 Service Unavailable`,
    });
    expect((await failingSources(db)).map((s) => s.id)).toEqual([source.id]);

    feed.state.failWith = undefined;
    expect((await fetchAll())[0]!.status).toBe('ok');
    expect(await onlySource()).toMatchObject({ last_status: 'ok', error_count: 0, last_error: null });
    expect(await failingSources(db)).toEqual([]);

    // A failure where nothing arrived keeps the validators; the 304 that follows ends the streak too.
    feed.state.failWith = 503;
    await fetchAll();
    expect(await onlySource()).toMatchObject({ error_count: 1, etag: '"v1"' });
    feed.state.failWith = undefined;
    expect((await fetchAll())[0]!.status).toBe('not-modified');
    expect(await onlySource()).toMatchObject({ last_status: 'not-modified', error_count: 0, last_error: null });
  });

  it('keeps validators only once their reply is imported: after a failed import the whole feed is fetched again', async () => {
    await addSource(db, { url: `${feed.base}/feed.xml` });
    await fetchAll();
    // A new version that cannot be imported: its validators must not be kept, nor the old ones.
    feed.state.version = 2;
    feed.state.malformed = true;
    expect((await fetchAll())[0]!.status).toBe('error');
    expect(await onlySource()).toMatchObject({ last_status: 'error', error_count: 1, etag: null, last_modified: null });

    feed.state.malformed = false;
    feed.state.items.push({
      title: 'Benefit checks paused',
      link: 'https://wire.example.org/2026/11/benefits',
      publishedAt: new Date('2026-11-19T08:00:00Z'),
      description: 'A pause.',
    });
    expect((await fetchAll())[0]).toMatchObject({ status: 'ok', report: { created: 1, unchanged: 2 } });
    expect(feed.requests.map((r) => r.ifNoneMatch)).toEqual([undefined, '"v1"', undefined]);
    expect(await onlySource()).toMatchObject({ etag: '"v2"', error_count: 0 });
  });

  it('goes on to the next source when one fails', async () => {
    await addSource(db, { url: `${feed.base}/missing.xml` });
    await addSource(db, { url: `${feed.base}/feed.xml` });
    expect((await fetchAll()).map((r) => r.status)).toEqual(['error', 'ok']);
    expect(await articleRows(db)).toHaveLength(2);
  });

  it('refuses a URL that is not http(s), and a feed added already', async () => {
    await expect(addSource(db, { url: 'ftp://wire.example.org/feed.xml' })).rejects.toThrow(
      'a source must be an http(s) URL without spaces or control characters, got "ftp://wire.example.org/feed.xml"',
    );
    await expect(addSource(db, { url: 'https://wire.example.org/feed\n.xml' })).rejects.toThrow('without spaces or control characters');
    const first = await addSource(db, { url: 'https://ann:hunter2@wire.example.org/feed.xml' });
    await expect(addSource(db, { url: 'HTTPS://Wire.Example.org/feed.xml' })).rejects.toThrow(
      `already a source: #${first.id} https://ann:***@wire.example.org/feed.xml`,
    );
  });
});

describe('digest sources (the CLI)', () => {
  const PASSWORD = 'feed-hunter2';
  let feed: FeedServer;
  const workspaces: Workspace[] = [];
  beforeEach(async () => {
    feed = await startFeedServer([
      ...ITEMS,
      { title: 'A link that is not one', link: 'javascript:alert(1)', publishedAt: new Date('2026-11-19T08:00:00Z'), description: 'x' },
    ]);
  });
  afterEach(() => feed.close());
  afterAll(() => {
    for (const ws of workspaces) ws.cleanup();
  });

  /** A user mistake: exit code 1, exactly one line on stderr, no stack trace. */
  function expectOneLineError(result: { code: number; stderr: string }, pattern: RegExp): void {
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  }

  it('adds, lists, fetches, reports failures in `digest status`, and removes sources, never showing a password', { timeout: 240_000 }, async () => {
    const ws = createWorkspace();
    workspaces.push(ws);
    const cli = (...args: string[]) => runCli(args, ws.env);
    const privateUrl = `${feed.base.replace('//', `//ann:${PASSWORD}@`)}/feed.xml`;
    const masked = `${feed.base.replace('//', '//ann:***@')}/feed.xml`;
    const gone = `${feed.base}/gone.xml`;

    const runs = [
      await cli('sources', 'add', privateUrl, '--category', 'Labor'),
      await cli('sources', 'add', privateUrl.replace('http://', 'HTTP://')),
      await cli('sources', 'add', 'ftp://wire.example.org/feed.xml'),
      await cli('sources', 'add', gone, '--name', 'Gone Wire'),
    ];
    expect(runs[0]!.stdout).toContain(`added source #1 ${masked}; \`digest sources fetch\` fetches it now`);
    expectOneLineError(runs[1]!, new RegExp(`^digest: already a source: #1 ${escapeRegExp(masked)}$`));
    expectOneLineError(runs[2]!, /^digest: a source must be an http\(s\) URL/);
    expect(runs[3]!.stdout).toContain('added source #2 Gone Wire;');

    const list = await cli('sources', 'list');
    expect(list.stdout).toMatch(new RegExp(`^1 +${escapeRegExp(masked)} +Labor +never +0`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^2 +Gone Wire +${escapeRegExp(gone)} +never +0`, 'm'));

    const first = await cli('sources', 'fetch');
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(`${masked}: 2 created, 0 updated, 0 unchanged, 1 rejected\n`);
    expect(first.stdout).toContain(`Gone Wire: error: cannot fetch ${gone}: 404 Not Found\n`);
    // Rejected items as `articles import` prints them, named by their source.
    expect(first.stderr).toMatch(new RegExp(`^${escapeRegExp(masked)}: item 2: `, 'm'));
    // The credentials went as Basic authentication.
    expect(feed.requests[0]!.authorization).toBe(`Basic ${Buffer.from(`ann:${PASSWORD}`).toString('base64')}`);

    const second = await cli('sources', 'fetch', '--json');
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout)).toEqual([
      { id: 1, name: null, url: masked, status: 'not-modified' },
      { id: 2, name: 'Gone Wire', url: gone, status: 'error', error: `cannot fetch ${gone}: 404 Not Found` },
    ]);

    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('sources that failed (1 source; `digest sources list` shows all):');
    expect(status.stdout).toMatch(
      new RegExp(
        `^  #2 Gone Wire ${escapeRegExp(gone)}: 2 failures in a row, last at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: cannot fetch ${escapeRegExp(gone)}: 404 Not Found$`,
        'm',
      ),
    );
    expect(status.stdout).not.toContain('#1');
    const statusJson = JSON.parse((await cli('status', '--json')).stdout) as { failedSources: unknown[] };
    expect(statusJson.failedSources).toEqual([
      { id: 2, name: 'Gone Wire', url: gone, errorCount: 2, lastError: `cannot fetch ${gone}: 404 Not Found`, lastFetchedAt: expect.any(String) },
    ]);

    // While the service fetches (it holds the sources lease), a fetch by hand waits its turn.
    const db = await openTestDb(ws.env.DATABASE_URL!);
    const until = new Date(Date.now() + 60_000).toISOString();
    await db.insertInto('leases').values({ name: 'sources', owner: 'feeds-2.example.net:4242:abcd', expires_at: until }).execute();
    const busy = await cli('sources', 'fetch');
    expectOneLineError(busy, /^digest: another process is fetching the sources now \(feeds-2\.example\.net:4242:abcd\); try again when it is done$/);
    await db.deleteFrom('leases').execute();

    const removed = [await cli('sources', 'remove', '2'), await cli('sources', 'remove', privateUrl), await cli('sources', 'remove', privateUrl)];
    expect(removed[0]!.stdout).toContain('removed source #2 Gone Wire; the articles it imported stay in the store');
    expect(removed[1]!.stdout).toContain(`removed source #1 ${masked}; the articles it imported stay in the store`);
    expectOneLineError(removed[2]!, new RegExp(`^digest: no source "${escapeRegExp(masked)}" \\(see \`digest sources list\`\\)$`));
    expect((await cli('sources', 'list')).stdout).toBe('no sources: add one with `digest sources add <url>`\n');
    expect((await cli('status')).stdout).not.toContain('sources that failed');

    try {
      expect(await db.selectFrom('articles').select('title').orderBy('title').execute()).toEqual([
        { title: 'Tenant scores questioned' },
        { title: 'Warehouse scanners set the pace' },
      ]);
    } finally {
      await db.destroy();
    }
    for (const run of [...runs, list, first, second, status, ...removed]) expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
