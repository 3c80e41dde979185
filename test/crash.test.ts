import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, childEnv, runCli } from './helpers/cli.ts';
import { copiesByRecipient, startSendRun } from './helpers/send-run.ts';
import { TEST_STORE } from './helpers/store.ts';

const RECIPIENTS = 1000;
const CONCURRENCY = 5;
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/**
 * `digest send` as a real process, killed with SIGKILL once the SMTP server
 * has accepted `killAfter` messages; then `digest send` again to the end.
 */
async function crashAndResume(killAfter: number) {
  let killed = false;
  let child: ReturnType<typeof spawn> | null = null;
  const run = await startSendRun(RECIPIENTS, {
    sink: {
      onAccepted: (count) => {
        if (count >= killAfter && !killed && child) {
          killed = true;
          child.kill('SIGKILL');
        }
      },
    },
    env: { SEND_CONCURRENCY: String(CONCURRENCY) },
  });
  cleanups.push(run.close);
  const { sink, ws, db } = run;

  const exit = await new Promise<NodeJS.Signals | number | null>((resolve) => {
    child = spawn(process.execPath, [join(ROOT, 'bin/digest.js'), 'send', '--week', '2026-W47'], { cwd: ROOT, env: childEnv(ws.env), stdio: 'ignore' });
    child.on('exit', (code, signal) => resolve(signal ?? code));
  });
  const beforeResume = sink.received.length;
  const inFlight = await db.selectFrom('deliveries').select('id').where('status', '=', 'sending').execute();
  const resumed = await runCli(['send', '--week', '2026-W47'], ws.env);
  return { sink, db, exit, beforeResume, inFlight: inFlight.length, resumed };
}

describe('a send killed with SIGKILL and run again', () => {
  // Three points on SQLite; on PostgreSQL the middle one (test/workers.test.ts kills a worker there too).
  for (const killAfter of TEST_STORE === 'postgres' ? [400] : [1, 400, 800]) {
    it(`after ${killAfter} accepted messages: everyone gets it, duplicates only for what was in flight, with the same Message-ID`, async () => {
      const { sink, db, exit, beforeResume, inFlight, resumed } = await crashAndResume(killAfter);
      expect(exit).toBe('SIGKILL');
      expect(beforeResume).toBeGreaterThanOrEqual(killAfter);
      expect(beforeResume).toBeLessThan(RECIPIENTS);
      expect(resumed.code).toBe(0);
      // The resumed run reports exactly what the killed one left in flight (or says nothing when it left none).
      if (inFlight === 0) expect(resumed.stdout).not.toContain('interrupted mid-send');
      else expect(resumed.stdout).toContain(`found ${inFlight === 1 ? '1 delivery' : `${inFlight} deliveries`} interrupted mid-send (now uncertain)`);

      // Every active subscriber ends with exactly one sent row.
      const rows = await db.selectFrom('deliveries').select(['status', 'message_id', 'subscriber_id']).execute();
      expect(rows).toHaveLength(RECIPIENTS);
      expect(rows.every((r) => r.status === 'sent')).toBe(true);

      // The server received every recipient; the only duplicates are the in-flight ones, each with its first copy's Message-ID.
      const byRecipient = copiesByRecipient(sink);
      expect(byRecipient.size).toBe(RECIPIENTS);
      const duplicated = [...byRecipient.values()].filter((ids) => ids.length > 1);
      expect(duplicated.length).toBeLessThanOrEqual(inFlight);
      expect(inFlight).toBeLessThanOrEqual(CONCURRENCY);
      for (const ids of duplicated) {
        expect(ids).toHaveLength(2);
        expect(ids[1]).toBe(ids[0]);
      }
      const recorded = new Set(rows.map((r) => r.message_id));
      for (const ids of byRecipient.values()) expect(recorded.has(ids[0]!)).toBe(true);
      console.log(`killed after ${beforeResume} accepted; ${inFlight} in flight; ${duplicated.length} received twice`);
    });
  }
});

describe('a send stopped with SIGTERM', () => {
  it('finishes and records what was in flight, leaves nothing in sending, and the next run completes without duplicates', async () => {
    let child: ReturnType<typeof spawn> | null = null;
    let signalled = false;
    const run = await startSendRun(1000, {
      sink: {
        onAccepted: (count) => {
          if (count >= 300 && !signalled && child) {
            signalled = true;
            child.kill('SIGTERM');
          }
        },
      },
      env: { SEND_CONCURRENCY: String(CONCURRENCY) },
    });
    cleanups.push(run.close);
    const { sink, ws, db } = run;
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child = spawn(process.execPath, [join(ROOT, 'bin/digest.js'), 'send', '--week', '2026-W47'], { cwd: ROOT, env: childEnv(ws.env) });
      child.stderr!.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (c) => resolve(c));
    });
    expect(stderr).toContain('SIGTERM: finishing messages in flight, then stopping');
    expect(code).toBe(130);
    const states = await db.selectFrom('deliveries').select('status').execute();
    expect(states.filter((s) => s.status === 'sending')).toEqual([]);
    const sentRows = states.filter((s) => s.status === 'sent').length;
    // Every message the server accepted was recorded as sent before the exit.
    expect(sentRows).toBe(sink.received.length);
    expect(sentRows).toBeLessThan(1000);

    const resumed = await runCli(['send', '--week', '2026-W47'], ws.env);
    expect(resumed.stdout).not.toContain('interrupted mid-send');
    expect(sink.received).toHaveLength(1000);
    expect(new Set(sink.received.map((m) => m.envelopeTo[0])).size).toBe(1000);
  });
});
