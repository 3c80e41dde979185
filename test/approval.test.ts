import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkspace, runCli } from './helpers/cli.ts';
import { signToken } from '../src/personalize/tokens.ts';
import { waitFor } from './helpers/serve.ts';
import { serviceWeek } from './helpers/service-week.ts';
import type { SmtpSink } from './helpers/smtp-sink.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

const EDITOR = 'editor@example.com';
const READERS = 5;

/** Last week's sample articles, five readers, and a service that ticks every second with DIGEST_APPROVAL=required. */
async function setUp(env: Record<string, string> = {}) {
  const week = await serviceWeek(READERS, {}, { DIGEST_APPROVAL: 'required', EDITOR_EMAILS: EDITOR, ...env });
  cleanups.push(week.cleanup);
  const serve = (args: string[] = []) => week.serve({ DIGEST_CRON: '* * * * * *', CATCHUP_WINDOW: '1s' }, args);
  const cli = (args: string[]) => runCli(args, week.ws.env);
  return { ...week, serve, cli };
}

const toReaders = (sink: SmtpSink) => sink.received.filter((m) => m.envelopeTo[0] !== EDITOR);
const toEditor = (sink: SmtpSink) => sink.received.filter((m) => m.envelopeTo[0] === EDITOR);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Health {
  status: string;
  approvals: { week: string; state: string; overdue: boolean; reviewSentTo: string | null }[];
}

describe('DIGEST_APPROVAL=required', () => {
  it('the scheduled run sends a review copy and nothing else until approved, then the issue once', { timeout: 120_000 }, async () => {
    const { sink, db, ws, serve, cli, week } = await setUp();
    const service = await serve();
    await waitFor(() => toEditor(sink).length >= 1, 30_000, 'the review copy');
    // Several ticks later: still only the review copy, and it is a test copy of the issue.
    await pause(3000);
    expect(sink.received).toHaveLength(1);
    const review = await simpleParser(sink.received[0]!.raw);
    expect(review.subject).toMatch(/^\[For approval\] /);
    // Every personal link carries the inert test token, none a reader's.
    const tokens = [...(review.html as string).matchAll(/token=([\w.-]+)/g)].map((m) => m[1]);
    expect(tokens.length).toBeGreaterThan(0);
    expect(new Set(tokens)).toEqual(new Set([signToken(ws.env.APP_SECRET!, 'test', 0)]));
    expect(review.html).not.toMatch(/reader-\d@example\.com/);
    expect((await db.selectFrom('digests').select('status').where('week', '=', week).executeTakeFirstOrThrow()).status).toBe('draft');

    const health = (await (await fetch(`${service.url}/healthz`)).json()) as Health;
    expect(health.status).toBe('awaiting approval');
    expect(health.approvals).toEqual([expect.objectContaining({ week, state: 'awaiting approval', overdue: false, reviewSentTo: EDITOR })]);
    expect(await (await fetch(`${service.url}/metrics`)).text()).toContain(`digest_awaiting_approval{week="${week}"} 1`);
    const status = await cli(['status', '--week', week]);
    expect(status.stdout).toContain(`approval:   awaiting approval; review copy sent`);
    const approve = await cli(['approve', '--week', week, '--as', 'Ed']);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain('approved by Ed');
    await waitFor(() => toReaders(sink).length >= READERS, 30_000, 'the issue to every reader');
    await pause(3000);
    expect(toReaders(sink)).toHaveLength(READERS);
    expect(new Set(toReaders(sink).map((m) => m.envelopeTo[0])).size).toBe(READERS);
    expect(toEditor(sink)).toHaveLength(1);
    expect((await db.selectFrom('digests').select('status').where('week', '=', week).executeTakeFirstOrThrow()).status).toBe('sent');
    expect(((await (await fetch(`${service.url}/healthz`)).json()) as Health).status).toBe('ok');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('past APPROVAL_DEADLINE it holds the issue and alerts: a log line, /healthz and a metric', { timeout: 120_000 }, async () => {
    // Monday 00:00 after the week: the moment the week ended, so always past.
    const { sink, serve, week } = await setUp({ APPROVAL_DEADLINE: 'Mon 00:00' });
    const service = await serve();
    await waitFor(() => service.output.some((l) => l.includes('approval deadline passed')), 30_000, 'the alert');
    await pause(2000);
    expect(toReaders(sink)).toHaveLength(0);
    expect(toEditor(sink)).toHaveLength(1);
    const health = (await (await fetch(`${service.url}/healthz`)).json()) as Health;
    expect(health).toMatchObject({ status: 'awaiting approval', approvals: [{ week, state: 'awaiting approval', overdue: true }] });
    expect(await (await fetch(`${service.url}/metrics`)).text()).toContain(`digest_awaiting_approval{week="${week}"} 2`);
    // One alert, not one per tick.
    expect(service.output.filter((l) => l.includes('approval deadline passed'))).toHaveLength(1);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('with APPROVAL_FALLBACK=send it sends once the deadline passed, approved or not', { timeout: 120_000 }, async () => {
    const { sink, serve } = await setUp({ APPROVAL_DEADLINE: 'Mon 00:00', APPROVAL_FALLBACK: 'send' });
    const service = await serve();
    await waitFor(() => toReaders(sink).length >= READERS, 30_000, 'the issue to every reader');
    await pause(2000);
    expect(toReaders(sink)).toHaveLength(READERS);
    expect(toEditor(sink)).toHaveLength(1);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('an edit after the approval withdraws it; approving again lets a worker send it', { timeout: 120_000 }, async () => {
    const { sink, serve, cli, week } = await setUp();
    const build = await cli(['build', '--week', week]);
    expect(build.code).toBe(0);
    expect((await cli(['approve', '--week', week, '--as', 'Ed'])).stdout).toContain('approved by Ed');
    expect((await cli(['edit', '--week', week, '--subject', 'A late change', '--as', 'Ed'])).code).toBe(0);
    expect((await cli(['status', '--week', week])).stdout).toContain('approval:   awaiting approval');
    // A manual send waits for the approval too (no service runs yet: nothing else holds the sender lease).
    const manual = await cli(['send', '--week', week]);
    expect(manual.code).not.toBe(0);
    expect(manual.stderr.trim()).toMatch(/awaits approval .*digest approve --week/);
    expect(sink.received).toHaveLength(0);
    // Not approved now: the worker's run rebuilds the issue (the editor's choices kept), sends the review copy and waits.
    const service = await serve(['--worker']);
    await waitFor(() => toEditor(sink).length >= 1, 30_000, 'the review copy');
    await pause(2000);
    expect(toReaders(sink)).toHaveLength(0);
    expect((await cli(['approve', '--week', week])).code).toBe(0);
    await waitFor(() => toReaders(sink).length >= READERS, 30_000, 'the issue to every reader');
    const sent = await simpleParser(toReaders(sink)[0]!.raw);
    expect(sent.subject).toBe('A late change');
    expect((await cli(['edit', '--week', week, '--subject', 'Too late'])).stderr).toContain('already');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('refuses DIGEST_APPROVAL=required without EDITOR_EMAILS, and a bad deadline, in one line', async () => {
    const ws = createWorkspace({ DIGEST_APPROVAL: 'required' });
    cleanups.push(() => ws.cleanup());
    const missing = await runCli(['status'], ws.env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).toMatch(/^digest: invalid configuration: EDITOR_EMAILS must name who reviews each issue when DIGEST_APPROVAL=required$/);
    const deadline = await runCli(['status'], { ...ws.env, EDITOR_EMAILS: EDITOR, APPROVAL_DEADLINE: 'noon' });
    expect(deadline.stderr.trim()).toMatch(/APPROVAL_DEADLINE must be a weekday and a time like "Mon 12:00", got "noon"$/);
  });
});
