import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/connect.ts';
import { openScratchDb } from '../../test/helpers/store.ts';
import { catchUpDecision, describeSchedule, nextRun, previousRun, weekForRun } from '../config/cron-times.ts';
import { acquireLease, leaseHolder, releaseLease, renewLease } from '../db/lease-store.ts';

describe('schedule times', () => {
  it('finds the next Monday 08:00 in the digest time zone, across a DST change', () => {
    // Berlin leaves summer time on Sunday 25 October 2026: 08:00 is 06:00 UTC before, 07:00 UTC after.
    expect(nextRun('0 8 * * 1', 'Europe/Berlin', new Date('2026-10-15T12:00:00Z')).toISOString()).toBe('2026-10-19T06:00:00.000Z');
    expect(nextRun('0 8 * * 1', 'Europe/Berlin', new Date('2026-10-22T12:00:00Z')).toISOString()).toBe('2026-10-26T07:00:00.000Z');
    expect(nextRun('0 8 * * 1', 'America/New_York', new Date('2026-11-28T12:00:00Z')).toISOString()).toBe('2026-11-30T13:00:00.000Z');
  });

  it('finds the most recent scheduled time, counting one due this very second', () => {
    expect(previousRun('0 8 * * 1', 'Europe/Berlin', new Date('2026-10-27T12:00:00Z')).toISOString()).toBe('2026-10-26T07:00:00.000Z');
    expect(previousRun('0 8 * * 1', 'UTC', new Date('2026-11-30T08:00:00Z')).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    // Spring forward: Sunday 29 March 2026 in Berlin.
    expect(previousRun('0 8 * * 1', 'Europe/Berlin', new Date('2026-03-31T00:00:00Z')).toISOString()).toBe('2026-03-30T06:00:00.000Z');
  });

  it('describes a weekly schedule in words for readers', () => {
    expect(describeSchedule('0 8 * * 1', 'Europe/Berlin')).toBe('every Monday at 08:00 (Europe/Berlin)');
    expect(describeSchedule('30 7 * * 0', 'UTC')).toBe('every Sunday at 07:30 (UTC)');
    expect(describeSchedule('* * * * * *', 'UTC')).toBe('every week');
  });

  it('sends, on a Monday run, the week that just ended', () => {
    expect(weekForRun(new Date('2026-11-30T07:00:00Z'), 'Europe/Berlin').id).toBe('2026-W48');
  });
});

describe('catch-up decision', () => {
  const scheduledAt = new Date('2026-11-30T08:00:00Z');
  const day = 24 * 3_600_000;
  const decide = (hoursLate: number, digestStatus: 'draft' | 'sending' | 'sent' | null) =>
    catchUpDecision({ now: new Date(scheduledAt.getTime() + hoursLate * 3_600_000), scheduledAt, week: '2026-W48', digestStatus, windowMs: day }).action;

  it('sends a missed run inside the window, and leaves an older one for an operator', () => {
    expect(decide(2, null)).toBe('send');
    expect(decide(23.9, 'draft')).toBe('send');
    expect(decide(24.1, null)).toBe('too-late');
  });

  it('always resumes a half-finished send, and never repeats a sent one', () => {
    expect(decide(100, 'sending')).toBe('resume');
    expect(decide(1, 'sent')).toBe('none');
  });
});

describe('lease', () => {
  let db: Db;
  beforeEach(async () => {
    db = await openScratchDb();
  });
  afterEach(() => db.destroy());

  it('has one owner at a time, renewed while held, taken over only after it expires', async () => {
    const t0 = new Date('2026-11-30T08:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    expect(await acquireLease(db, 'sender', 'a', 30_000, t0)).toBe(true);
    expect(await acquireLease(db, 'sender', 'b', 30_000, at(10))).toBe(false);
    expect(await renewLease(db, 'sender', 'a', 30_000, at(20))).toBe(true);
    expect(await acquireLease(db, 'sender', 'b', 30_000, at(40))).toBe(false); // renewed until 50 s
    expect(await leaseHolder(db, 'sender', at(45))).toEqual({ owner: 'a', expiresAt: at(50).toISOString() });
    expect(await acquireLease(db, 'sender', 'b', 30_000, at(51))).toBe(true); // a died
    expect(await renewLease(db, 'sender', 'a', 30_000, at(52))).toBe(false);
    await releaseLease(db, 'sender', 'b');
    expect(await leaseHolder(db, 'sender', at(53))).toBeNull();
    expect(await acquireLease(db, 'sender', 'a', 30_000, at(53))).toBe(true);
  });
});
