import { describe, expect, it } from 'vitest';
import { formatWeekRange, lastCompletedWeek, weekContaining, weekOf } from './week.ts';

describe('weekOf', () => {
  it('spans Monday 00:00 to the next Monday 00:00 in UTC', () => {
    const week = weekOf('2026-W48', 'UTC');
    expect(week.start.toUTC().toISO()).toBe('2026-11-23T00:00:00.000Z');
    expect(week.end.toUTC().toISO()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('uses local midnight in the digest time zone', () => {
    const week = weekOf('2026-W48', 'America/New_York');
    expect(week.start.toUTC().toISO()).toBe('2026-11-23T05:00:00.000Z');
    expect(weekOf('2026-W48', 'Asia/Tokyo').start.toUTC().toISO()).toBe('2026-11-22T15:00:00.000Z');
  });

  it('lasts 167 hours across the spring DST change and 169 across the autumn one', () => {
    // Europe/Berlin: clocks go forward on Sun 29 March 2026 (W13), back on Sun 25 October 2026 (W43).
    const spring = weekOf('2026-W13', 'Europe/Berlin');
    expect(spring.end.diff(spring.start, 'hours').hours).toBe(167);
    expect(spring.start.toUTC().toISO()).toBe('2026-03-22T23:00:00.000Z');
    expect(spring.end.toUTC().toISO()).toBe('2026-03-29T22:00:00.000Z');
    const autumn = weekOf('2026-W43', 'Europe/Berlin');
    expect(autumn.end.diff(autumn.start, 'hours').hours).toBe(169);
  });

  it('puts W01 in the previous December when the year starts late in the week', () => {
    // 1 January 2026 is a Thursday, so 2026-W01 starts on Monday 29 December 2025.
    expect(weekOf('2026-W01', 'UTC').start.toISODate()).toBe('2025-12-29');
    // 1 January 2027 is a Friday, so it still belongs to 2026-W53.
    expect(weekContaining(new Date('2027-01-01T12:00:00Z'), 'UTC').id).toBe('2026-W53');
    expect(weekOf('2026-W53', 'UTC').end.toISODate()).toBe('2027-01-04');
  });

  it('rejects a W53 in a year that has 52 weeks, and malformed ids', () => {
    expect(() => weekOf('2025-W53', 'UTC')).toThrow('2025 has 52 ISO weeks');
    expect(() => weekOf('2026-48', 'UTC')).toThrow('expected an ISO week like 2026-W48');
    expect(() => weekOf('2026-W00', 'UTC')).toThrow('invalid week');
  });
});

describe('lastCompletedWeek', () => {
  it('is the week before the current one', () => {
    expect(lastCompletedWeek(new Date('2026-11-28T15:00:00Z'), 'UTC').id).toBe('2026-W47');
    expect(lastCompletedWeek(new Date('2026-11-30T08:00:00Z'), 'UTC').id).toBe('2026-W48');
  });

  it('depends on the time zone around Monday midnight', () => {
    // Sunday 23:30 UTC is already Monday in Berlin.
    const instant = new Date('2026-11-29T23:30:00Z');
    expect(lastCompletedWeek(instant, 'UTC').id).toBe('2026-W47');
    expect(lastCompletedWeek(instant, 'Europe/Berlin').id).toBe('2026-W48');
  });

  it('crosses the year boundary', () => {
    expect(lastCompletedWeek(new Date('2027-01-05T09:00:00Z'), 'UTC').id).toBe('2026-W53');
    expect(lastCompletedWeek(new Date('2026-01-06T09:00:00Z'), 'UTC').id).toBe('2026-W01');
  });
});

describe('formatWeekRange', () => {
  it('names the days of the week for people', () => {
    expect(formatWeekRange(weekOf('2026-W47', 'UTC'))).toBe('16–22 November 2026');
    expect(formatWeekRange(weekOf('2026-W49', 'UTC'))).toBe('30 November – 6 December 2026');
    expect(formatWeekRange(weekOf('2026-W53', 'UTC'))).toBe('28 December 2026 – 3 January 2027');
  });
});
