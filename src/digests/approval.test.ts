import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { weekOf } from '../week.ts';
import type { EditAction } from '../db/schema.ts';
import { approvalDeadline, approvalOf, approvalStatus, reviewValue } from './approval.ts';

const BUILT = '2026-11-30T08:00:00.000Z';
const edit = (action: EditAction, value = '', editor = 'Ed', at = '2026-11-30T09:00:00.000Z') => ({ action, value, editor, at });
const required = loadConfig({ DIGEST_APPROVAL: 'required', EDITOR_EMAILS: 'ed@example.com', APPROVAL_DEADLINE: 'Mon 12:00', DIGEST_TZ: 'Europe/Berlin' });

describe('approvalOf', () => {
  it('approves the draft as built, by whom and when', () => {
    expect(approvalOf({ built_at: BUILT }, [edit('approve', BUILT)]).approved).toEqual({ by: 'Ed', at: '2026-11-30T09:00:00.000Z' });
  });

  it('an approval of an earlier build (a rebuild since) does not count', () => {
    expect(approvalOf({ built_at: '2026-11-30T10:00:00.000Z' }, [edit('approve', BUILT)]).approved).toBeNull();
  });

  it('any change after it, or a withdrawal, takes it back; a review step does not', () => {
    expect(approvalOf({ built_at: BUILT }, [edit('approve', BUILT), edit('subject', 'New')]).approved).toBeNull();
    expect(approvalOf({ built_at: BUILT }, [edit('approve', BUILT), edit('withdraw')]).approved).toBeNull();
    expect(approvalOf({ built_at: BUILT }, [edit('approve', BUILT), edit('review', reviewValue(BUILT, ['a@x.org']))]).approved).not.toBeNull();
  });

  it('remembers the last review copy: which build, to whom', () => {
    const { reviewed } = approvalOf(undefined, [edit('review', reviewValue(BUILT, ['a@x.org', 'b@x.org']))]);
    expect(reviewed).toEqual({ at: '2026-11-30T09:00:00.000Z', builtAt: BUILT, to: 'a@x.org, b@x.org' });
  });
});

describe('approvalDeadline', () => {
  it('is the first such weekday and time after the week ended, in DIGEST_TZ', () => {
    const week = weekOf('2026-W48', 'Europe/Berlin');
    expect(approvalDeadline(week, { weekday: 1, hour: 12, minute: 0 }).toISO()).toBe('2026-11-30T12:00:00.000+01:00');
    expect(approvalDeadline(week, { weekday: 3, hour: 9, minute: 30 }).toISO()).toBe('2026-12-02T09:30:00.000+01:00');
  });

  it('keeps the local time across a change to summer time', () => {
    // 2027-W12 ends on Monday 29 March 2027, the day after Europe/Berlin moves to CEST.
    expect(approvalDeadline(weekOf('2027-W12', 'Europe/Berlin'), { weekday: 1, hour: 12, minute: 0 }).toISO()).toBe('2027-03-29T12:00:00.000+02:00');
  });
});

describe('approvalStatus', () => {
  const week = weekOf('2026-W48', 'Europe/Berlin');
  const draft = { built_at: BUILT, status: 'draft' as const };

  it('is automatic with DIGEST_APPROVAL=auto', () => {
    expect(approvalStatus(loadConfig({}), week, draft, [], new Date()).state).toBe('automatic');
  });

  it('awaits approval until the deadline, then is overdue', () => {
    const before = approvalStatus(required, week, draft, [], new Date('2026-11-30T10:59:59Z'));
    expect(before).toMatchObject({ state: 'awaiting approval', overdue: false, deadline: '2026-11-30T11:00:00.000Z' });
    expect(approvalStatus(required, week, draft, [], new Date('2026-11-30T11:00:00Z')).overdue).toBe(true);
  });

  it('is approved, or sending/sent once the send started, never overdue then', () => {
    const late = new Date('2026-12-01T00:00:00Z');
    expect(approvalStatus(required, week, draft, [edit('approve', BUILT)], late)).toMatchObject({ state: 'approved', approvedBy: 'Ed', overdue: false });
    expect(approvalStatus(required, week, { ...draft, status: 'sent' }, [], late)).toMatchObject({ state: 'sent', overdue: false });
    expect(approvalStatus(required, week, undefined, [], late).state).toBe('not built');
  });
});
