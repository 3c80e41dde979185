import { DateTime } from 'luxon';
import { UserError } from './errors.ts';

/** An ISO week, e.g. `2026-W48`, with its window in one time zone. */
export interface Week {
  /** `2026-W48` */
  id: string;
  weekYear: number;
  weekNumber: number;
  timeZone: string;
  /** Monday 00:00 in the time zone, inclusive. */
  start: DateTime;
  /** The next Monday 00:00 in the time zone, exclusive. */
  end: DateTime;
}

const WEEK_ID = /^(\d{4})-W(\d{2})$/;

/**
 * The ISO week `id` in `timeZone`: Monday 00:00 to the next Monday 00:00 local
 * time, so a week with a DST change lasts 167 or 169 hours.
 *
 * @example
 * weekOf('2026-W48', 'Europe/Berlin').start.toISO() // '2026-11-23T00:00:00.000+01:00'
 */
export function weekOf(id: string, timeZone: string): Week {
  const match = WEEK_ID.exec(id);
  if (!match) throw new UserError(`invalid week "${id}": expected an ISO week like 2026-W48`, 'EWEEK');
  const weekYear = Number(match[1]);
  const weekNumber = Number(match[2]);
  const start = DateTime.fromObject({ weekYear, weekNumber, weekday: 1 }, { zone: timeZone }).startOf('day');
  if (!start.isValid || weekNumber < 1 || start.weekNumber !== weekNumber) {
    throw new UserError(`invalid week "${id}": ${weekYear} has ${weeksInYear(weekYear)} ISO weeks`, 'EWEEK');
  }
  return { id, weekYear, weekNumber, timeZone, start, end: start.plus({ weeks: 1 }) };
}

/** The ISO week that contains `instant` in `timeZone`. */
export function weekContaining(instant: Date, timeZone: string): Week {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  return weekOf(formatWeekId(local.weekYear, local.weekNumber), timeZone);
}

/** The most recent week that has fully ended at `now`: what a Monday run sends. */
export function lastCompletedWeek(now: Date, timeZone: string): Week {
  const current = weekContaining(now, timeZone);
  return weekContaining(current.start.minus({ days: 1 }).toJSDate(), timeZone);
}

/** `--week` when given, else the last completed week. */
export function resolveWeek(id: string | undefined, now: Date, timeZone: string): Week {
  return id === undefined ? lastCompletedWeek(now, timeZone) : weekOf(id, timeZone);
}

export function formatWeekId(weekYear: number, weekNumber: number): string {
  return `${weekYear}-W${String(weekNumber).padStart(2, '0')}`;
}

function weeksInYear(year: number): number {
  return DateTime.fromObject({ year }).weeksInWeekYear;
}

/** Human date range of the week's days: `16–22 November 2026`, `28 December 2026 – 3 January 2027`. */
export function formatWeekRange(week: Week): string {
  const first = week.start;
  const last = week.end.minus({ days: 1 });
  if (first.year !== last.year) return `${first.toFormat('d MMMM yyyy')} – ${last.toFormat('d MMMM yyyy')}`;
  if (first.month !== last.month) return `${first.toFormat('d MMMM')} – ${last.toFormat('d MMMM yyyy')}`;
  return `${first.toFormat('d')}–${last.toFormat('d MMMM yyyy')}`;
}
