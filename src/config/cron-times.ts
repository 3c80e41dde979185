import { CronExpressionParser } from 'cron-parser';
import { type Week, lastCompletedWeek } from '../week.ts';

/**
 * When the weekly job runs, from DIGEST_CRON evaluated in DIGEST_TZ
 * (5 fields, or 6 with seconds first). Pure: the clock is passed in.
 *
 * @example
 * nextRun('0 8 * * 1', 'Europe/Berlin', new Date('2026-11-28T12:00:00Z')) // 2026-11-30T07:00:00.000Z
 */
export function nextRun(cron: string, timeZone: string, now: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: now, tz: timeZone }).next().toDate();
}

/** The most recent scheduled time at or before `now`. */
export function previousRun(cron: string, timeZone: string, now: Date): Date {
  // prev() is strictly before currentDate; a run due this very second counts as passed.
  return CronExpressionParser.parse(cron, { currentDate: new Date(now.getTime() + 1000), tz: timeZone })
    .prev()
    .toDate();
}

export function isValidCron(cron: string): boolean {
  try {
    CronExpressionParser.parse(cron);
    return true;
  } catch {
    return false;
  }
}

/** The week a run at `scheduledAt` sends: the last one completed by then. */
export function weekForRun(scheduledAt: Date, timeZone: string): Week {
  return lastCompletedWeek(scheduledAt, timeZone);
}

export type CatchUp =
  | { action: 'resume'; reason: string }
  | { action: 'send'; reason: string }
  | { action: 'none'; reason: string }
  | { action: 'too-late'; reason: string };

/**
 * What to do at start for the most recent scheduled run: a half-finished
 * send is always resumed; an unsent one is sent if its time is less than
 * `windowMs` ago; an older one is left for an operator.
 */
export function catchUpDecision(input: {
  now: Date;
  scheduledAt: Date;
  week: string;
  digestStatus: 'draft' | 'sending' | 'sent' | null;
  windowMs: number;
}): CatchUp {
  const { now, scheduledAt, week, digestStatus, windowMs } = input;
  if (digestStatus === 'sending') return { action: 'resume', reason: `the ${week} send was interrupted` };
  if (digestStatus === 'sent') return { action: 'none', reason: `${week} is already sent` };
  const late = now.getTime() - scheduledAt.getTime();
  if (late <= windowMs) return { action: 'send', reason: `the ${week} run at ${scheduledAt.toISOString()} was missed` };
  return {
    action: 'too-late',
    reason: `the ${week} run at ${scheduledAt.toISOString()} was missed by more than the catch-up window; left for an operator (digest send --week ${week})`,
  };
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * The schedule in words for readers (the welcome email): `every Monday at
 * 08:00 (Europe/Berlin)` for a weekly cron; `every week` for anything fancier.
 */
export function describeSchedule(cron: string, timeZone: string): string {
  const fields = cron.trim().split(/\s+/);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.length === 6 ? fields.slice(1) : fields;
  if (!/^\d+$/.test(minute ?? '') || !/^\d+$/.test(hour ?? '') || dayOfMonth !== '*' || month !== '*' || !/^[0-7]$/.test(dayOfWeek ?? '')) return 'every week';
  return `every ${WEEKDAYS[Number(dayOfWeek)]} at ${hour!.padStart(2, '0')}:${minute!.padStart(2, '0')} (${timeZone})`;
}
