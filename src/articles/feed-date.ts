import { DateTime, IANAZone } from 'luxon';
import { quoteForMessage } from '../text/escape-controls.ts';

/**
 * A feed item's date as an instant, or why it cannot be one. Nothing here
 * reads the host's zone (issue #15: `Date.parse` read zone-less dates in
 * `TZ`, which moved articles to another week, and guessed `03-12-31` was 2031).
 */
export type FeedDate =
  | {
      ok: true;
      /** UTC, in `Date.prototype.toISOString()` form. */
      iso: string;
      /** The text named no zone, so it was read in the `timeZone` passed in. */
      zoneAssumed: boolean;
    }
  | {
      ok: false;
      /** One line for the user, e.g. `unreadable date "03-12-31"`. */
      reason: string;
    };

/** What a zone token means: a fixed offset, or a zone with DST rules. */
type Zone = { offsetMinutes: number } | { iana: string };

const hours = (h: number): Zone => ({ offsetMinutes: h * 60 });

/**
 * Zone names feeds write, lower-cased. RFC 822 §5.1's own names keep their
 * RFC meaning (CST is US Central, not China). Where an abbreviation has
 * several meanings, the one feeds use wins: BST is British Summer Time (not
 * Bangladesh), AST Atlantic (not Arabia, as feedparser reads it too). IST
 * (India, Ireland, Israel) has no such winner and is refused.
 */
const NAMED_ZONES: Record<string, Zone> = {
  ut: hours(0),
  utc: hours(0),
  gmt: hours(0),
  z: hours(0),
  est: hours(-5),
  edt: hours(-4),
  cst: hours(-6),
  cdt: hours(-5),
  mst: hours(-7),
  mdt: hours(-6),
  pst: hours(-8),
  pdt: hours(-7),
  ast: hours(-4),
  adt: hours(-3),
  nst: hours(-3.5),
  ndt: hours(-2.5),
  akst: hours(-9),
  akdt: hours(-8),
  hst: hours(-10),
  wet: hours(0),
  west: hours(1),
  bst: hours(1),
  cet: hours(1),
  cest: hours(2),
  met: hours(1),
  mest: hours(2),
  eet: hours(2),
  eest: hours(3),
  // Moscow has been +3 since October 2014; its 2011–2014 "MSK" meant +4.
  msk: hours(3),
  sgt: hours(8),
  hkt: hours(8),
  awst: hours(8),
  jst: hours(9),
  kst: hours(9),
  acst: hours(9.5),
  acdt: hours(10.5),
  aest: hours(10),
  aedt: hours(11),
  nzst: hours(12),
  nzdt: hours(13),
  // Generic names (feedparser's "Disney" cases) name a place, not an offset:
  // "16:31 ET" is EDT in July, so these follow the place's rules.
  et: { iana: 'America/New_York' },
  ct: { iana: 'America/Chicago' },
  mt: { iana: 'America/Denver' },
  pt: { iana: 'America/Los_Angeles' },
  at: { iana: 'America/Halifax' },
};

const AMBIGUOUS_ZONES = new Set(['ist']);

/**
 * RFC 822's military letters counted the wrong way from UT (RFC 1123
 * §5.2.14), so a letter's sign depends on which text its writer followed.
 * RFC 2822 §4.3 says to read them as -0000: the time is UT, the writer's own
 * zone unknown. We do that, at most 12 hours off, rather than guess a sign.
 */
const MILITARY_LETTER = /^[a-ik-y]$/;

/** `+0100`, `-05:00`, `+01`; with a `GMT`/`UTC` prefix also `GMT+2`, `GMT-01:01` (JavaScript's `Date#toString`). */
const NUMERIC_OFFSET = /^(gmt|utc|ut)?([+-])(\d\d?)(?::?(\d\d))?$/;

/** No offset in use is wider than Kiritimati's +14:00; `-9999` is a typo. */
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * RFC 3339 / W3C-DTF, and its SQL-style cousin with a space for the `T`:
 * `2026-11-18T09:30:00.5+01:00`, `2004-07-08 23:56:58 -00:20`, `2026-11-18`.
 */
const ISO = /^(\d{4})-(\d\d)-(\d\d)(?:[t ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?(?: ?([a-z+-][^ ]*))?)?$/i;

/** W3C-DTF's year and year-month forms: valid, but they place no article in a week. */
const NO_DAY = /^\d{4}(?:-\d\d)?$/;

/**
 * RFC 822/2822 as feeds write it, on whitespace already collapsed: optional
 * weekday with or without its comma, day and month in either order (`Thu Aug
 * 30 2012`), a stray comma before the year, seconds, time and zone optional.
 */
const RFC822 = /^(?:([a-z]+)(?:, ?| ))?(?:(\d\d?) ([a-z]+)|([a-z]+) (\d\d?)),? (\d\d|\d{4})(?: (\d\d?):(\d\d)(?::(\d\d))?(?: ?([a-z+-][^ ]*))?)?$/i;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Earlier dates are feed bugs (the 1970 epoch of an empty timestamp, year 0100), not articles: the web began in 1991. */
const EARLIEST_YEAR = 1990;
/** A feed date this far ahead is a typo (2031 for 2021); scheduled posts are weeks ahead, not years. */
const LATEST_AHEAD_MS = 366 * 24 * 3600 * 1000;
/** Longer text is no date; refusing it early keeps the regexes' work bounded. */
const MAX_LENGTH = 100;

interface DateFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** The zone as written, if any. */
  zoneToken: string | undefined;
}

/**
 * Reads a feed's date: RFC 822/2822 (`pubDate`) with numeric or named zones,
 * or ISO 8601 / RFC 3339 / W3C-DTF (`updated`, `dc:date`, JSON Feed). Text
 * that names no zone is read in `timeZone` (`DIGEST_TZ`) and says so in
 * `zoneAssumed`. Anything else is refused, never guessed; so are dates
 * before 1990 or more than a year after `now`.
 *
 * @example
 * parseFeedDate('Wed, 18 Nov 2026 09:30:00 CET', 'UTC');
 * // { ok: true, iso: '2026-11-18T08:30:00.000Z', zoneAssumed: false }
 * parseFeedDate('2026-11-18 09:30', 'Europe/Berlin');
 * // { ok: true, iso: '2026-11-18T08:30:00.000Z', zoneAssumed: true }
 * parseFeedDate('03-12-31', 'UTC');
 * // { ok: false, reason: 'unreadable date "03-12-31"' }
 */
export function parseFeedDate(text: string, timeZone: string, now: Date = new Date()): FeedDate {
  const defaultZone: Zone = { iana: knownTimeZone(timeZone) };
  const cleaned = withoutComment(text.trim()).replace(/\s+/g, ' ');
  if (cleaned === '') return { ok: false, reason: 'empty date' };
  if (cleaned.length > MAX_LENGTH) return { ok: false, reason: `unreadable date ${quoted(text)}` };
  if (NO_DAY.test(cleaned)) return { ok: false, reason: `date ${quoted(text)} has no day` };
  const fields = readIso(cleaned) ?? readRfc822(cleaned);
  if (fields === undefined) return { ok: false, reason: `unreadable date ${quoted(text)}` };

  const { zoneToken } = fields;
  const zone = zoneToken === undefined ? defaultZone : readZone(zoneToken);
  if (zone === 'ambiguous') return { ok: false, reason: `ambiguous time zone ${quoted(zoneToken!)} in date ${quoted(text)}` };
  if (zone === undefined) return { ok: false, reason: `unknown time zone ${quoted(zoneToken!)} in date ${quoted(text)}` };
  if (!existsInCalendar(fields)) return { ok: false, reason: `date ${quoted(text)} does not exist` };
  if (fields.year < EARLIEST_YEAR) return { ok: false, reason: `date ${quoted(text)} is before ${EARLIEST_YEAR}` };

  const millis = instantOf(fields, zone);
  if (millis > now.getTime() + LATEST_AHEAD_MS) return { ok: false, reason: `date ${quoted(text)} is more than a year ahead` };
  return { ok: true, iso: new Date(millis).toISOString(), zoneAssumed: zoneToken === undefined };
}

function readIso(text: string): DateFields | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    // Milliseconds are all Date keeps; further digits are dropped, not rounded up into the next second.
    millisecond: m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0')),
    zoneToken: m[8],
  };
}

function readRfc822(text: string): DateFields | undefined {
  const m = RFC822.exec(text);
  if (!m) return undefined;
  // The weekday must be one, but is not checked against the date: feeds get
  // it wrong (feedparser's own corpus has "Wed, 19 Feb 2012", a Sunday).
  if (m[1] !== undefined && nameIndex(WEEKDAYS, m[1]) < 0) return undefined;
  const month = nameIndex(MONTHS, m[3] ?? m[4]!) + 1;
  if (month === 0) return undefined;
  const yearText = m[6]!;
  const year = Number(yearText);
  return {
    // RFC 2822 §4.3: a two-digit year 00–49 is 20xx, 50–99 is 19xx.
    year: yearText.length === 2 ? year + (year < 50 ? 2000 : 1900) : year,
    month,
    day: Number(m[2] ?? m[5]),
    hour: Number(m[7] ?? 0),
    minute: Number(m[8] ?? 0),
    second: Number(m[9] ?? 0),
    millisecond: 0,
    zoneToken: m[10],
  };
}

/** Position of the name `word` abbreviates (`Sep`, `Sept`, `September`; any case), or -1. */
function nameIndex(names: string[], word: string): number {
  if (word.length < 3) return -1;
  const lower = word.toLowerCase();
  return names.findIndex((name) => name.startsWith(lower));
}

function readZone(token: string): Zone | 'ambiguous' | undefined {
  const lower = token.toLowerCase();
  // Own names only: "constructor" is no zone, and reading it as one would fall back to the host's zone.
  if (Object.hasOwn(NAMED_ZONES, lower)) return NAMED_ZONES[lower];
  if (AMBIGUOUS_ZONES.has(lower)) return 'ambiguous';
  if (MILITARY_LETTER.test(lower)) return hours(0);
  const numeric = NUMERIC_OFFSET.exec(lower);
  if (numeric) {
    const [, prefix, sign, hh, mm] = numeric;
    if (prefix === undefined && hh!.length !== 2) return undefined;
    const minutes = mm === undefined ? 0 : Number(mm);
    const offset = Number(hh) * 60 + minutes;
    if (minutes > 59 || offset > MAX_OFFSET_MINUTES) return undefined;
    return { offsetMinutes: sign === '-' ? -offset : offset };
  }
  // An IANA name ("Europe/Berlin", feedparser's "Etc/GMT"); a bare word like "CET" is one too, with DST, so it is not tried.
  if (token.includes('/') && isIanaZone(token)) return { iana: token };
  return undefined;
}

function existsInCalendar(f: DateFields): boolean {
  // Second 60 is a leap second (RFC 3339 §5.7, RFC 2822 §3.3); Date has none, so it is read as :59 below.
  return f.month >= 1 && f.month <= 12 && f.day >= 1 && f.day <= daysInMonth(f.year, f.month) && f.hour <= 23 && f.minute <= 59 && f.second <= 60;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Milliseconds since the epoch. A fixed offset is arithmetic on the fields
 * (Date.UTC reads no host zone, and costs a tenth of luxon); luxon applies a
 * zone's rules, DST included, where there are rules to apply.
 */
function instantOf(f: DateFields, zone: Zone): number {
  const second = Math.min(f.second, 59);
  if ('offsetMinutes' in zone) {
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, second, f.millisecond) - zone.offsetMinutes * 60_000;
  }
  const local = DateTime.fromObject(
    { year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute, second, millisecond: f.millisecond },
    { zone: zone.iana },
  );
  if (!local.isValid) throw new Error(`luxon refused a checked date: ${local.invalidExplanation ?? local.invalidReason}`);
  return local.toMillis();
}

/** Zone names already checked; luxon's check builds an Intl formatter each time. */
const zoneValidity = new Map<string, boolean>();

function isIanaZone(name: string): boolean {
  let valid = zoneValidity.get(name);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(name);
    zoneValidity.set(name, valid);
  }
  return valid;
}

/** `timeZone` comes from validated config (`DIGEST_TZ`), so a bad one is our bug. */
function knownTimeZone(timeZone: string): string {
  if (!isIanaZone(timeZone)) throw new Error(`parseFeedDate: ${quoted(timeZone)} is not an IANA time zone`);
  return timeZone;
}

/** An RFC 2822 comment after the zone, `-0500 (EST)` or `GMT+0200 (Central European Summer Time)`, carries nothing the offset does not. */
function withoutComment(text: string): string {
  if (!text.endsWith(')')) return text;
  const open = text.lastIndexOf('(');
  return open > 0 ? text.slice(0, open).trimEnd() : text;
}

function quoted(text: string): string {
  return quoteForMessage(text.length > 60 ? `${text.slice(0, 59)}…` : text);
}
