import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Workspace, createWorkspace, runCli } from './helpers/cli.ts';

const workspaces: Workspace[] = [];
function workspace(env: Record<string, string> = {}): Workspace {
  const ws = createWorkspace(env);
  workspaces.push(ws);
  return ws;
}
afterAll(() => {
  for (const ws of workspaces) ws.cleanup();
});

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A user mistake: exit code 1, exactly one line on stderr, no stack trace. */
function expectOneLineError(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('digest CLI', () => {
  it('lists every command, one line each', async () => {
    const { code, stdout } = await runCli(['--help'], {});
    expect(code).toBe(0);
    for (const command of [
      'migrate',
      'demo',
      'articles import',
      'articles list',
      'sources add',
      'sources list',
      'sources remove',
      'sources fetch',
      'subscribers add',
      'subscribers list',
      'subscribers remove',
      'build',
      'render',
      'send',
      'status',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b.*\\S{3,}.*$`, 'm'));
    }
  });

  it('stops on a bad setting before touching anything', async () => {
    const ws = workspace({ SEND_CONCURRENCY: 'abc' });
    const result = await runCli(['status'], ws.env);
    expectOneLineError(result, /^digest: invalid configuration: SEND_CONCURRENCY must be a whole number, got "abc"$/);
    expect(existsSync(join(ws.dir, 'digest.db'))).toBe(false);
    const tz = await runCli(['status'], { ...ws.env, SEND_CONCURRENCY: '5', DIGEST_TZ: 'Mars/Base' });
    expectOneLineError(tz, /DIGEST_TZ must be an IANA time zone/);
  });

  it('explains user mistakes in one line', async () => {
    const ws = workspace();
    expectOneLineError(await runCli(['build', '--week', '2026-48'], ws.env), /invalid week "2026-48": expected an ISO week like 2026-W48/);
    expectOneLineError(await runCli(['articles', 'import', 'no/such/file.json'], ws.env), /no such file: no\/such\/file\.json/);
    const broken = join(ws.dir, 'broken.json');
    writeFileSync(broken, '[{"url": ');
    expectOneLineError(await runCli(['articles', 'import', broken], ws.env), /broken\.json is not valid JSON/);
    expectOneLineError(await runCli(['subscribers', 'add', 'not-an-email'], ws.env), /invalid email address "not-an-email"/);
    expectOneLineError(await runCli(['subscribers', 'remove', 'nobody@example.com'], ws.env), /no subscriber with address nobody@example.com/);
  });

  it('never shows a store or SMTP password, yet names the server', async () => {
    const ws = workspace();
    const port = await closedPort();
    const storeErrors = {
      mistyped: await runCli(['status'], { ...ws.env, DATABASE_URL: 'postgress://digest:db-hunter2@db.example.com/news' }),
      unparsable: await runCli(['status'], { ...ws.env, DATABASE_URL: 'postgres://digest:db-hunter2@[db.example.com/news' }),
      unreachable: await runCli(['status'], { ...ws.env, DATABASE_URL: `postgres://digest:db-hunter2@127.0.0.1:${port}/news` }),
    };
    expectOneLineError(
      storeErrors.mistyped,
      /^digest: invalid configuration: DATABASE_URL must be .*, got "postgress:\/\/digest:\*\*\*@db\.example\.com\/news"$/,
    );
    expectOneLineError(storeErrors.unparsable, /^digest: invalid configuration: DATABASE_URL .*got "postgres:\/\/digest:\*\*\*@\[db\.example\.com\/news"$/);
    expectOneLineError(storeErrors.unreachable, new RegExp(`^digest: cannot reach PostgreSQL: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`));
    const smtp = await runCli(['subscribers', 'add', 'new@example.org'], { ...ws.env, SMTP_URL: `smtp://mailer:smtp-hunter2@127.0.0.1:${port}` });
    expect(smtp.stderr).toMatch(new RegExp(`^could not send the confirmation email to new@example\\.org: .*127\\.0\\.0\\.1:${port}`));
    for (const run of [...Object.values(storeErrors), smtp]) expect(run.stdout + run.stderr).not.toContain('hunter2');
  }, 120_000);

  it('shows control characters from arguments and CSV files escaped, never raw', async () => {
    const ws = workspace();
    const argument = await runCli(['subscribers', 'add', 'evil\x1b[31m@example.com'], ws.env);
    expectOneLineError(argument, /^digest: invalid email address "evil\\u001b\[31m@example\.com": contains a control character \(U\+001B\)$/);
    const command = await runCli(['evil\x1b]0;owned\x07'], ws.env);
    expect(command.stderr).toContain("unknown command 'evil\\x1b]0;owned\\x07'");

    const file = join(ws.dir, 'people.csv');
    writeFileSync(file, 'email,name,topics\nbad\x1b[2J@example.com,Eve,\nok@example.com,Mallory\x1b[1A \u009b31m \u202eevil\u202c,\n');
    const imported = await runCli(['subscribers', 'import', file, '--confirmed'], ws.env);
    expect(imported.stderr).toBe('line 2: invalid email address "bad\\u001b[2J@example.com": contains a control character (U+001B)\n');
    expect(imported.stdout).toContain('1 created');
    const listed = await runCli(['subscribers', 'list'], ws.env);
    // Stored without its C0 and C1 controls (cleanName); what is left that a terminal would act on is shown escaped.
    expect(listed.stdout).toContain('Mallory [1A 31m \\u202eevil\\u202c');
    const json = await runCli(['subscribers', 'list', '--json'], ws.env);
    expect((JSON.parse(json.stdout) as { name: string }[])[0]!.name).toBe('Mallory [1A 31m \u202eevil\u202c');

    for (const run of [argument, command, imported, listed, json]) {
      expect(run.stdout + run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }
  }, 120_000);

  it('imports the good articles of a file and names each bad one', async () => {
    const ws = workspace();
    const file = join(ws.dir, 'mixed.json');
    const good = {
      url: 'https://harmledger.example/a',
      title: 'A good article',
      category: 'Privacy',
      publishedAt: '2026-11-18T09:30:00Z',
      summary: 'Fine.',
      source: { title: 'Report', name: 'Outlet', url: 'https://news.example.org/r' },
    };
    writeFileSync(file, JSON.stringify([good, { ...good, url: 'not a url' }, { ...good, url: 'https://harmledger.example/b', publishedAt: 'yesterday' }]));
    const result = await runCli(['articles', 'import', file], ws.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('item 1: url: must be an http(s) URL');
    expect(result.stderr).toContain('item 2: publishedAt: must be an ISO-8601 date-time');
    expect(result.stdout).toContain('articles: 1 created, 0 updated, 0 unchanged, 2 rejected');
    const again = await runCli(['articles', 'import', file], ws.env);
    expect(again.stdout).toContain('articles: 0 created, 0 updated, 1 unchanged, 2 rejected');
    const listed = await runCli(['articles', 'list', '--week', '2026-W47', '--json'], ws.env);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  });

  it('manages subscribers: pending with a confirmation email, or confirmed; remove; forget', async () => {
    const ws = workspace();
    const pending = await runCli(['subscribers', 'add', 'new@example.org', '--name', 'New Reader'], ws.env);
    expect(pending.stdout).toContain('created new@example.org (pending)');
    expect(pending.stdout).toContain('confirmation email sent to new@example.org');
    const confirmation = readdirSync(join(ws.dir, 'outbox', 'confirm'));
    expect(confirmation).toHaveLength(1);
    expect(readFileSync(join(ws.dir, 'outbox', 'confirm', confirmation[0]!), 'utf8')).toMatch(/^Subject: Confirm your subscription to The Harm Ledger$/m);

    const added = await runCli(['subscribers', 'add', ' Ada@Example.COM ', '--name', 'Ada', '--topics', 'Privacy,Labor', '--confirmed'], ws.env);
    expect(added.stdout).toContain('created Ada@example.com (active)');
    expect(added.stdout).not.toContain('confirmation email');
    const again = await runCli(['subscribers', 'add', 'ada@example.com'], ws.env);
    expect(again.stdout).toContain('updated Ada@example.com (active)');
    expect((await runCli(['subscribers', 'remove', 'ADA@example.com'], ws.env)).stdout).toContain('unsubscribed Ada@example.com');
    const list = JSON.parse((await runCli(['subscribers', 'list', '--json'], ws.env)).stdout) as { email: string; status: string; topics: string[] }[];
    expect(list).toEqual([
      expect.objectContaining({ email: 'new@example.org', status: 'pending', topics: [] }),
      expect.objectContaining({ email: 'Ada@example.com', status: 'unsubscribed', topics: ['Privacy', 'Labor'] }),
    ]);
    expectOneLineError(await runCli(['subscribers', 'add', 'ada@example.com'], ws.env), /is unsubscribed since .*; they must subscribe again themselves/);
    const forgotten = await runCli(['subscribers', 'remove', 'ada@example.com', '--forget'], ws.env);
    expect(forgotten.stdout).toContain('erased Ada@example.com');
    const csv = (await runCli(['subscribers', 'export'], ws.env)).stdout;
    expect(csv).toMatch(/^email,name,topics,status,created_at,confirmed_at,unsubscribed_at\nnew@example.org,New Reader,,pending,/);
    expect(csv).not.toContain('Ada');
  });

  it('imports its own export without a new subscriber, formula-guarded cells included', async () => {
    const ws = workspace();
    for (const [email, name] of [
      ['-ada@example.com', '=Ada'],
      ["'bob@example.com", "'=Bob"],
      ['+cy@example.com', '@Cy'],
    ]) {
      expect((await runCli(['subscribers', 'add', `--name=${name}`, '--topics=-Privacy,Labor', '--confirmed', '--', email!], ws.env)).code).toBe(0);
    }
    const before = (await runCli(['subscribers', 'list', '--json'], ws.env)).stdout;
    const csv = (await runCli(['subscribers', 'export'], ws.env)).stdout;
    expect(csv).toContain("\n'-ada@example.com,'=Ada,'-Privacy;Labor,active,");
    const file = join(ws.dir, 'export.csv');
    writeFileSync(file, csv);
    const imported = await runCli(['subscribers', 'import', file], ws.env);
    expect(imported.stdout).toContain('subscribers: 0 created, 3 updated, 0 skipped, 0 rejected');
    expect(JSON.parse((await runCli(['subscribers', 'list', '--json'], ws.env)).stdout)).toEqual(
      (JSON.parse(before) as { updated_at: string }[]).map((row) => ({ ...row, updated_at: expect.any(String) })),
    );
  }, 120_000);

  it('says so when a week has no articles', async () => {
    const ws = workspace();
    const result = await runCli(['build', '--week', '2020-W10'], ws.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2020-W10 (2–8 March 2020) has no articles: no digest built.');
  });

  it('runs the demo into the outbox, and again without duplicating anything', async () => {
    const ws = workspace();
    const first = await runCli(['demo'], ws.env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/articles: 50 from data\/sample\/articles\.json/);
    expect(first.stdout).toMatch(/subscribers: 26 in data\/sample\/subscribers\.csv; 26 added/);
    expect(first.stdout).toMatch(/this run sent 26, deferred 0, failed 0/);
    const week = /last week, (\d{4}-W\d{2})/.exec(first.stdout)![1]!;
    const files = readdirSync(join(ws.dir, 'outbox', week));
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(26);
    // The demo's last week holds 6 to 12 articles.
    const count = Number(/digest \S+ created: (\d+) articles/.exec(first.stdout)![1]);
    expect(count).toBeGreaterThanOrEqual(6);
    expect(count).toBeLessThanOrEqual(12);

    const second = await runCli(['demo'], ws.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('reusing the data already there');
    expect(second.stdout).toContain('0 created');
    expect(second.stdout).toContain('nothing new to send');
    expect(readdirSync(join(ws.dir, 'outbox', week))).toHaveLength(26);

    const fresh = await runCli(['demo', '--fresh'], ws.env);
    expect(fresh.stdout).toContain('starting over');
    expect(fresh.stdout).toMatch(/this run sent 26/);
  });
});
