import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestMessageId } from '../src/personalize/compose-message.ts';
import { type Workspace, ROOT, childEnv, createWorkspace, runCli } from './helpers/cli.ts';
import { testConfig } from './helpers/fixtures.ts';
import { arfReport, dsnReport, originalHeaders } from './helpers/reports.ts';

describe('digest feedback import', () => {
  const ws: Workspace = createWorkspace({ HARD_BOUNCE_LIMIT: '1' });
  afterAll(() => ws.cleanup());
  const config = testConfig(ws.env);
  const subscribers = async () => {
    const listed = await runCli(['subscribers', 'list', '--json'], ws.env);
    return Object.fromEntries((JSON.parse(listed.stdout) as { email: string; status: string }[]).map((s) => [s.email, s.status]));
  };

  it('acts on the reports in a mailbox folder, once each, and the next digest leaves those readers out', async () => {
    for (const email of ['ada@example.org', 'bob@example.org', 'cy@example.org']) await runCli(['subscribers', 'add', email, '--confirmed'], ws.env);
    await runCli(['articles', 'import', join(ROOT, 'data/sample/articles.json')], ws.env);
    expect(await subscribers()).toEqual({ 'ada@example.org': 'active', 'bob@example.org': 'active', 'cy@example.org': 'active' });

    // A Maildir: reports in new/ and cur/, an auto-reply among them.
    const maildir = join(ws.dir, 'Maildir');
    for (const sub of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
    writeFileSync(
      join(maildir, 'new', '1700000001.complaint'),
      arfReport({ reportId: '<fbl-1@x>', original: originalHeaders(digestMessageId(config, '2026-W42', 1), 'redacted@x') }),
    );
    writeFileSync(
      join(maildir, 'cur', '1700000002.bounce:2,S'),
      dsnReport({
        reportId: '<dsn-1@mx>',
        recipient: 'bob@example.org',
        action: 'failed',
        status: '5.1.1',
        original: originalHeaders(digestMessageId(config, '2026-W42', 2), 'bob@example.org'),
      }),
    );
    writeFileSync(join(maildir, 'cur', '1700000003.reply:2,S'), 'From: cy@example.org\r\nSubject: Out of office\r\n\r\nBack soon.\r\n');

    const first = await runCli(['feedback', 'import', maildir, join(ws.dir, 'no-such.eml')], ws.env);
    expect(first.code).toBe(1);
    expect(first.stderr.trim().split('\n')).toEqual([`${join(ws.dir, 'no-such.eml')}: cannot read it: ENOENT`]);
    expect(first.stdout).toContain('1700000001.complaint: complaint from ada@example.org: marked complained, no more digests');
    expect(first.stdout).toMatch(/1700000002\.bounce:2,S: bounce 5\.1\.1 for bob@example\.org .*: hard bounce 1 of 1, bounced: no more digests/);
    expect(first.stdout).toContain('1700000003.reply:2,S: ignored: not a complaint or bounce report (text/plain)');
    expect(first.stdout).toContain('feedback: 1 complaint, 1 bounce, 1 ignored, 0 already imported, 1 unreadable');
    expect(await subscribers()).toEqual({ 'ada@example.org': 'complained', 'bob@example.org': 'bounced', 'cy@example.org': 'active' });

    // Read again (a mailbox fetched twice), and one more report on stdin.
    const again = spawnSync(process.execPath, [join(ROOT, 'bin/digest.js'), 'feedback', 'import', maildir, '-'], {
      env: childEnv(ws.env),
      input: dsnReport({ reportId: '<dsn-2@mx>', recipient: 'cy@example.org', action: 'delayed', status: '4.2.2' }),
      encoding: 'utf8',
    });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('stdin: ignored: no permanent failure (delayed 4.2.2)');
    expect(again.stdout).toContain('feedback: 0 complaints, 0 bounces, 1 ignored, 3 already imported');

    const send = await runCli(['send', '--week', '2026-W42'], ws.env);
    expect(send.code).toBe(0);
    expect(readdirSync(join(ws.dir, 'outbox', '2026-W42')).filter((f) => f.endsWith('.eml'))).toEqual([expect.stringContaining('cy@example.org')]);
    // The operator sees the week's reports, and the complaint rate Gmail watches.
    const status = await runCli(['status', '--week', '2026-W42'], ws.env);
    expect(status.stdout).toContain('  feedback:   1 spam complaint (100.00 % of those sent), 1 late bounce (digest feedback import)');
    const json = JSON.parse((await runCli(['status', '--week', '2026-W42', '--json'], ws.env)).stdout) as { feedback: unknown };
    expect(json.feedback).toEqual({ complaints: 1, lateBounces: 1 });
  });
});
