import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FeedDate, parseFeedDate } from './feed-date.ts';

/** Fixed, so the "more than a year ahead" window does not move under the tests. */
const NOW = new Date('2026-12-01T00:00:00Z');
const read = (text: string, timeZone = 'UTC'): FeedDate => parseFeedDate(text, timeZone, NOW);

/** [text, UTC instant]: the text names its zone. */
type Zoned = [string, string];
/** [text, instant when read in UTC]: the text names no zone. */
type ZoneLess = [string, string];

/*
 * From feedparser's tests/test_date_parsers.py (kurtmckee/feedparser at
 * a22c5521), _parse_date_rfc822 and _parse_date_w3dtf/_parse_date_iso8601,
 * with its time tuples written as instants. The cases where we differ on
 * purpose are below, in `refusedUnlikeFeedparser` and in `zoneLess`.
 */
const feedparserZoned: Zoned[] = [
  ['Thu, 30 Apr 2015 08:57:00 MET', '2015-04-30T07:57:00.000Z'],
  ['Thu, 30 Apr 2015 08:57:00 MEST', '2015-04-30T06:57:00.000Z'],
  ['Thu, 01 Jan 04 19:48:21 GMT', '2004-01-01T19:48:21.000Z'], // 2-digit year
  ['Thu, 01 Jan 2004 19:48:21 GMT', '2004-01-01T19:48:21.000Z'],
  ['Thu,  5 Apr 2012 10:00:00 GMT', '2012-04-05T10:00:00.000Z'], // 1-digit day
  ['Wed, 19 Aug 2009 18:28:00 Etc/GMT', '2009-08-19T18:28:00.000Z'],
  ['Wed, 19 Feb 2012 22:40:00 GMT-01:01', '2012-02-19T23:41:00.000Z'],
  ['Wed, 19 Feb 2012 22:40:00 -01:01', '2012-02-19T23:41:00.000Z'],
  ['Mon, 13 Feb, 2012 06:28:00 UTC', '2012-02-13T06:28:00.000Z'], // extraneous comma
  ['Thu, 01 Jan 2004 00:00 GMT', '2004-01-01T00:00:00.000Z'], // no seconds
  // Disney's long month names and generic zones (January, so standard time).
  ['Mon, 26 January 2004 16:31:00 AT', '2004-01-26T20:31:00.000Z'],
  ['Mon, 26 January 2004 16:31:00 ET', '2004-01-26T21:31:00.000Z'],
  ['Mon, 26 January 2004 16:31:00 CT', '2004-01-26T22:31:00.000Z'],
  ['Mon, 26 January 2004 16:31:00 MT', '2004-01-26T23:31:00.000Z'],
  ['Mon, 26 January 2004 16:31:00 PT', '2004-01-27T00:31:00.000Z'],
  ['Thu Aug 30 2012 17:26:16 +0200', '2012-08-30T15:26:16.000Z'], // month and day swapped
  ['Fri,24 Nov 2023 18:28:36 -0000', '2023-11-24T18:28:36.000Z'], // comma without space
  ['2003-12-31T10:14:55Z', '2003-12-31T10:14:55.000Z'],
  ['2003-12-31T10:14:55-08:00', '2003-12-31T18:14:55.000Z'],
  ['2003-12-31T18:14:55+08:00', '2003-12-31T10:14:55.000Z'],
  ['2007-04-23T23:25:47.538+10:00', '2007-04-23T13:25:47.538Z'],
  ['2003-12-31T10:14:55.1234Z', '2003-12-31T10:14:55.123Z'],
  ['2004-02-28T18:14:55-08:00', '2004-02-29T02:14:55.000Z'], // leap year
  ['2003-02-28T18:14:55-08:00', '2003-03-01T02:14:55.000Z'],
  ['2000-02-28T18:14:55-08:00', '2000-02-29T02:14:55.000Z'], // leap year divisible by 400
  ['2004-07-08 23:56:58 -00:20', '2004-07-09T00:16:58.000Z'], // MSSQL style
];

/** Ours: RFC 822/2822 as feeds write it, and ISO 8601 / RFC 3339 / W3C-DTF. */
const ownZoned: Zoned[] = [
  ['Wed, 18 Nov 2026 09:30:00 GMT', '2026-11-18T09:30:00.000Z'],
  ['18 Nov 2026 09:30:00 +0100', '2026-11-18T08:30:00.000Z'], // no weekday
  ['Wednesday, 18 November 2026 09:30:00 EST', '2026-11-18T14:30:00.000Z'],
  ['wed, 18 NOV 2026 09:30:00 gmt', '2026-11-18T09:30:00.000Z'],
  ['\n\t Wed,   18  Nov\u00a02026   09:30:00   +0000 \n', '2026-11-18T09:30:00.000Z'],
  ['Fri, 18 Sept 2026 09:30 BST', '2026-09-18T08:30:00.000Z'],
  ['Thurs, 8 Oct 2026 9:05:00 -05:00', '2026-10-08T14:05:00.000Z'],
  ['Wed, 18 Nov 26 09:30:00 GMT', '2026-11-18T09:30:00.000Z'],
  ['Fri, 31 Dec 99 23:59:59 GMT', '1999-12-31T23:59:59.000Z'], // RFC 2822 §4.3: 50–99 → 19xx
  ['Sat, 01 Jan 00 00:00:00 GMT', '2000-01-01T00:00:00.000Z'], //                00–49 → 20xx
  ['Tue, 17 Nov 2026 08:00:00 -0500 (EST)', '2026-11-17T13:00:00.000Z'], // RFC 2822 comment
  ['Wed Nov 18 2026 09:30:00 GMT+0100 (Central European Standard Time)', '2026-11-18T08:30:00.000Z'], // JavaScript's Date#toString
  ['Fri, 17 Jul 2026 12:00:00 ET', '2026-07-17T16:00:00.000Z'], // generic zones follow DST
  ['Wed, 18 Nov 2026 09:30:00 Europe/Berlin', '2026-11-18T08:30:00.000Z'],
  ['Wed, 18 Nov 2026 09:30:00 Etc/GMT+5', '2026-11-18T14:30:00.000Z'], // IANA's Etc signs are POSIX's: GMT+5 is UTC-5
  ['2026-11-18T09:30:00Z', '2026-11-18T09:30:00.000Z'],
  ['2026-11-18T09:30:00+02:00', '2026-11-18T07:30:00.000Z'],
  ['2026-11-18T09:30:00+0200', '2026-11-18T07:30:00.000Z'],
  ['2026-11-18T09:30:00+02', '2026-11-18T07:30:00.000Z'],
  ['2026-11-18T09:30:00.5-03:30', '2026-11-18T13:00:00.500Z'],
  ['2026-11-18 09:30:00Z', '2026-11-18T09:30:00.000Z'],
  ['2026-11-18t09:30:00z', '2026-11-18T09:30:00.000Z'], // RFC 3339 §5.6 allows lower case
  ['2026-11-18T09:30+05:30', '2026-11-18T04:00:00.000Z'], // W3C-DTF: no seconds
  ['2026-11-18T09:30:00 GMT', '2026-11-18T09:30:00.000Z'],
  ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.000Z'], // leap second
];

/** Every named zone, at noon on a November day. */
const namedZones: Zoned[] = Object.entries({
  UT: '12:00',
  UTC: '12:00',
  GMT: '12:00',
  Z: '12:00',
  EST: '17:00',
  EDT: '16:00',
  CST: '18:00',
  CDT: '17:00',
  MST: '19:00',
  MDT: '18:00',
  PST: '20:00',
  PDT: '19:00',
  AST: '16:00',
  ADT: '15:00',
  NST: '15:30',
  NDT: '14:30',
  AKST: '21:00',
  AKDT: '20:00',
  HST: '22:00',
  WET: '12:00',
  WEST: '11:00',
  BST: '11:00',
  CET: '11:00',
  CEST: '10:00',
  MET: '11:00',
  MEST: '10:00',
  EET: '10:00',
  EEST: '09:00',
  MSK: '09:00',
  SGT: '04:00',
  HKT: '04:00',
  AWST: '04:00',
  JST: '03:00',
  KST: '03:00',
  ACST: '02:30',
  ACDT: '01:30',
  AEST: '02:00',
  AEDT: '01:00',
  NZST: '00:00',
  NZDT: '23:00',
}).map(([name, utc]): Zoned => [`Wed, 18 Nov 2026 12:00:00 ${name}`, `2026-11-${name === 'NZDT' ? '17' : '18'}T${utc}:00.000Z`]);

/** RFC 2822 §4.3: a military letter is read as -0000, the time in UT. */
const militaryLetters: Zoned[] = [...'ABCDEFGHIKLMNOPQRSTUVWXYZ', 'a', 'n', 'y'].map(
  (letter): Zoned => [`Wed, 18 Nov 2026 12:00:00 ${letter}`, '2026-11-18T12:00:00.000Z'],
);

const zoneLess: ZoneLess[] = [
  ['Thu, 01 Jan 2004', '2004-01-01T00:00:00.000Z'], // feedparser: midnight UTC; ours: midnight in timeZone
  ['2003-12-31', '2003-12-31T00:00:00.000Z'], // feedparser: midnight UTC
  ['2004-07-08 23:56:58', '2004-07-08T23:56:58.000Z'], // feedparser (MSSQL): UTC
  ['2004-07-08 23:56:58.0', '2004-07-08T23:56:58.000Z'],
  ['Wed, 18 Nov 2026 09:30:00', '2026-11-18T09:30:00.000Z'],
  ['2026-11-18T09:30', '2026-11-18T09:30:00.000Z'],
  ['2026-11-18T09:30:00.250', '2026-11-18T09:30:00.250Z'],
  ['2026-11-18', '2026-11-18T00:00:00.000Z'],
];

const zoned = [...feedparserZoned, ...ownZoned, ...namedZones, ...militaryLetters];

describe('parseFeedDate', () => {
  it.each(zoned)('reads %j as %s', (text, iso) => {
    expect(read(text)).toEqual({ ok: true, iso, zoneAssumed: false });
  });

  it.each(zoneLess)('reads %j, which names no zone, in timeZone (%s in UTC) and says so', (text, iso) => {
    expect(read(text)).toEqual({ ok: true, iso, zoneAssumed: true });
  });

  it('reads a zone-less date by the rules of timeZone, DST included', () => {
    expect(read('2026-11-18T09:30:00', 'Europe/Berlin')).toEqual({ ok: true, iso: '2026-11-18T08:30:00.000Z', zoneAssumed: true });
    expect(read('2026-07-01 09:30', 'Europe/Berlin')).toEqual({ ok: true, iso: '2026-07-01T07:30:00.000Z', zoneAssumed: true });
    expect(read('Wed, 18 Nov 2026', 'America/New_York')).toEqual({ ok: true, iso: '2026-11-18T05:00:00.000Z', zoneAssumed: true });
  });

  it('gives the same instant whatever timeZone when the text names a zone, and moves by the offset when it does not', () => {
    // Kiritimati is UTC+14 all year (since 1995), the widest offset in use.
    for (const [text] of zoned) {
      expect(read(text, 'Pacific/Kiritimati'), text).toEqual(read(text, 'UTC'));
    }
    for (const [text, utc] of zoneLess) {
      const expected = new Date(Date.parse(utc) - 14 * 3600_000).toISOString();
      expect(read(text, 'Pacific/Kiritimati'), text).toEqual({ ok: true, iso: expected, zoneAssumed: true });
    }
  });

  it('gives the same answers in a process whose TZ is elsewhere (the bug in issue #15)', () => {
    const texts = [...zoned, ...zoneLess].map(([text]) => text);
    const script = `import { parseFeedDate } from './src/articles/feed-date.ts';
      const texts = JSON.parse(process.argv[1]);
      console.log(JSON.stringify(texts.map((t) => parseFeedDate(t, 'Europe/Berlin', new Date('${NOW.toISOString()}')))));`;
    const here = texts.map((text) => read(text, 'Europe/Berlin'));
    for (const TZ of ['Pacific/Kiritimati', 'America/St_Johns']) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(texts)], {
        cwd: resolve(import.meta.dirname, '../..'),
        env: { ...process.env, TZ },
        encoding: 'utf8',
      });
      expect(child.stderr).toBe('');
      expect(JSON.parse(child.stdout), TZ).toEqual(here);
    }
  });

  /** feedparser reads these; a weekly digest cannot place them, or they are guesses. */
  const refusedUnlikeFeedparser: [string, string][] = [
    ['03-12-31', 'unreadable date "03-12-31"'], // feedparser: 2003-12-31; Date.parse: 2031
    ['031231', 'unreadable date "031231"'],
    ['-0312', 'unreadable date "-0312"'],
    ['-03-12', 'unreadable date "-03-12"'],
    ['03335', 'unreadable date "03335"'],
    ['2003-012-31T10:14:55+00:00', 'unreadable date "2003-012-31T10:14:55+00:00"'],
    ['2003-12', 'date "2003-12" has no day'],
    ['2003', 'date "2003" has no day'],
    ['Thu, 01 Jan 0100 00:00:01 +0100', 'date "Thu, 01 Jan 0100 00:00:01 +0100" is before 1990'],
    ['Sun Jan  4 16:29:06 2004', 'unreadable date "Sun Jan  4 16:29:06 2004"'], // asctime
    ['Sun Jul 15 01:16:00 +0000 2012', 'unreadable date "Sun Jul 15 01:16:00 +0000 2012"'],
    ['Fri, 2006/09/15 08:19:53 EDT', 'unreadable date "Fri, 2006/09/15 08:19:53 EDT"'], // Perforce
  ];

  it.each(refusedUnlikeFeedparser)('refuses %j: %s', (text, reason) => {
    expect(read(text)).toEqual({ ok: false, reason });
  });

  /** feedparser refuses these too (its `None` cases), plus ours. */
  const refused: [string, string][] = [
    ['Sun, 16 Dec 2012 1:2:3:4 GMT', 'unreadable date "Sun, 16 Dec 2012 1:2:3:4 GMT"'],
    ['Sun, 16 zzz 2012 11:47:32 GMT', 'unreadable date "Sun, 16 zzz 2012 11:47:32 GMT"'],
    ['Sun, Dec x 2012 11:47:32 GMT', 'unreadable date "Sun, Dec x 2012 11:47:32 GMT"'],
    ['Sun, 16 Dec zz 11:47:32 GMT', 'unreadable date "Sun, 16 Dec zz 11:47:32 GMT"'],
    ['Sun, 16 Dec 2012 11:47:32 +zz:00', 'unknown time zone "+zz:00" in date "Sun, 16 Dec 2012 11:47:32 +zz:00"'],
    ['Sun, 16 Dec 2012 11:47:32 +00:zz', 'unknown time zone "+00:zz" in date "Sun, 16 Dec 2012 11:47:32 +00:zz"'],
    ['Sun, 99 Jun 2009 12:00:00 GMT', 'date "Sun, 99 Jun 2009 12:00:00 GMT" does not exist'],
    ['Sun, 31 Dec 9999 23:59:59 -9999', 'unknown time zone "-9999" in date "Sun, 31 Dec 9999 23:59:59 -9999"'],
    ['9999-12-31T23:59:59-99:99', 'unknown time zone "-99:99" in date "9999-12-31T23:59:59-99:99"'],
    ['2003-12-31T25:14:55Z', 'date "2003-12-31T25:14:55Z" does not exist'],
    ['2003-12-31T10:61:55Z', 'date "2003-12-31T10:61:55Z" does not exist'],
    ['2003-12-31T10:14:61Z', 'date "2003-12-31T10:14:61Z" does not exist'],
    ['22013', 'unreadable date "22013"'],
    ['013', 'unreadable date "013"'],
    ['2013-01-27-01', 'unreadable date "2013-01-27-01"'],
    ['2013-01-28T11:30:00-06:00Textra', 'unknown time zone "-06:00Textra" in date "2013-01-28T11:30:00-06:00Textra"'],
    ['2013-xx-27', 'unreadable date "2013-xx-27"'],
    ['2013-01-28T09:xx:00Z', 'unreadable date "2013-01-28T09:xx:00Z"'],
    ['2013-01-28T09:00:00+00:xx', 'unknown time zone "+00:xx" in date "2013-01-28T09:00:00+00:xx"'],
    // Ours.
    ['', 'empty date'],
    [' \n\t', 'empty date'],
    ['12/31/03', 'unreadable date "12/31/03"'],
    ['last Tuesday', 'unreadable date "last Tuesday"'],
    ['Tuesday', 'unreadable date "Tuesday"'],
    ['09:30', 'unreadable date "09:30"'],
    ['2026-11-31', 'date "2026-11-31" does not exist'],
    ['Tue, 31 Nov 2026 10:00:00 GMT', 'date "Tue, 31 Nov 2026 10:00:00 GMT" does not exist'],
    ['2026-02-29T10:00:00Z', 'date "2026-02-29T10:00:00Z" does not exist'],
    ['2026-11-18T24:00:00Z', 'date "2026-11-18T24:00:00Z" does not exist'],
    ['Tue, 17 Nov 2026 08:00:00 IST', 'ambiguous time zone "IST" in date "Tue, 17 Nov 2026 08:00:00 IST"'],
    ['Tue, 17 Nov 2026 08:00:00 J', 'unknown time zone "J" in date "Tue, 17 Nov 2026 08:00:00 J"'], // J is no military zone
    ['Tue, 17 Nov 2026 08:00:00 XYZ', 'unknown time zone "XYZ" in date "Tue, 17 Nov 2026 08:00:00 XYZ"'],
    // A name on every object's prototype is no zone (read as one, the date fell back to the host's zone).
    ['Tue, 17 Nov 2026 08:00:00 constructor', 'unknown time zone "constructor" in date "Tue, 17 Nov 2026 08:00:00 constructor"'],
    ['Tue, 17 Nov 2026 08:00:00 Mars/Olympus', 'unknown time zone "Mars/Olympus" in date "Tue, 17 Nov 2026 08:00:00 Mars/Olympus"'],
    ['Tue, 17 Nov 2026 08:00:00 +1500', 'unknown time zone "+1500" in date "Tue, 17 Nov 2026 08:00:00 +1500"'],
    ['2026-11-18T09:30:00+0', 'unknown time zone "+0" in date "2026-11-18T09:30:00+0"'],
    ['Xyz, 17 Nov 2026 08:00:00 GMT', 'unreadable date "Xyz, 17 Nov 2026 08:00:00 GMT"'],
    ['Tue, 17 Nov 126 08:00:00 GMT', 'unreadable date "Tue, 17 Nov 126 08:00:00 GMT"'], // RFC 2822's obsolete 3-digit year
    ['Thu, 01 Jan 1970 00:00:00 GMT', 'date "Thu, 01 Jan 1970 00:00:00 GMT" is before 1990'], // an empty timestamp
    ['1989-12-31T23:59:59Z', 'date "1989-12-31T23:59:59Z" is before 1990'],
    ['Sat, 01 Jan 50 00:00:00 GMT', 'date "Sat, 01 Jan 50 00:00:00 GMT" is before 1990'], // 1950, not 2050
    ['Sat, 01 Jan 49 00:00:00 GMT', 'date "Sat, 01 Jan 49 00:00:00 GMT" is more than a year ahead'], // 2049, not 1949
    ['2031-03-12T00:00:00Z', 'date "2031-03-12T00:00:00Z" is more than a year ahead'],
    ['2027-12-03', 'date "2027-12-03" is more than a year ahead'],
  ];

  it.each(refused)('refuses %j: %s', (text, reason) => {
    expect(read(text)).toEqual({ ok: false, reason });
  });

  it('accepts dates up to a year after now', () => {
    expect(read('2027-11-30T00:00:00Z')).toEqual({ ok: true, iso: '2027-11-30T00:00:00.000Z', zoneAssumed: false });
  });

  it('keeps a refusal to one inert, short line', () => {
    expect(read('2026-11-18\u202e\x1b[31m')).toEqual({ ok: false, reason: 'unreadable date "2026-11-18\\u202e\\u001b[31m"' });
    const long = read(`Wed, 18 Nov 2026 ${'9'.repeat(10_000)}`);
    expect(long).toEqual({ ok: false, reason: `unreadable date "Wed, 18 Nov 2026 ${'9'.repeat(42)}…"` });
  });

  it('throws on a time zone that config should have refused: a bug, not bad input', () => {
    expect(() => parseFeedDate('2026-11-18T09:30:00Z', 'Mars/Base')).toThrow('"Mars/Base" is not an IANA time zone');
  });
});
