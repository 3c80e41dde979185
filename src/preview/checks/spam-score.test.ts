import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_INSTALLED, parseSpamReport, spamScore, spamScoreHtml } from './spam-score.ts';

/** Where Debian's spamassassin package puts it; CI machines may not have it. */
const installed = existsSync('/usr/bin/spamassassin');

const PLAIN = [
  'From: The Harm Ledger <digest@example.org>',
  'To: Ada <ada@example.net>',
  'Subject: Week 47',
  'Date: Mon, 20 Nov 2028 08:00:00 +0000',
  'Message-ID: <week47.ada@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hi Ada, three stories this week.',
  '',
].join('\r\n');

const SHOUTY = [
  'From: WINNER <win@example.com>',
  'To: bob@example.org',
  'Subject: FREE MONEY!!! ACT NOW',
  'MIME-Version: 1.0',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><body><p style="color:#fff;background:#fff">hidden</p><p>Claim your prize, 100% free, risk free guarantee!</p></body></html>',
  '',
].join('\r\n');

/** The end of `spamassassin -L -t` output (SpamAssassin 4.0.1, Debian 12), wrapped description included. */
const REPORT = `Content preview:  hidden Click here to claim your prize

Content analysis details:   (10.4 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
-0.0 NO_RECEIVED            Informational: message has no Received headers
 2.7 MISSING_DATE           Missing Date: header
 0.7 HTML_FONT_LOW_CONTRAST BODY: HTML font color similar or identical to
                            background
 1.0 RISK_FREE              No risk!

The original message was not completely plain text, and may be unsafe to
open with some email clients`;

let emptyDir: string;

beforeAll(async () => {
  emptyDir = await mkdtemp(join(tmpdir(), 'no-tools-'));
});

afterAll(async () => {
  await rm(emptyDir, { recursive: true, force: true });
});

describe('spamScore', () => {
  it('says SpamAssassin is not available when neither tool is on the path', async () => {
    expect(await spamScore(PLAIN, { searchPath: emptyDir })).toEqual({ available: false, reason: NOT_INSTALLED });
    expect(spamScoreHtml({ available: false, reason: NOT_INSTALLED })).toContain(`Not available: ${NOT_INSTALLED}.`);
  });

  it.skipIf(!installed)(
    'scores a plain message with the installed SpamAssassin',
    async () => {
      const result = await spamScore(Buffer.from(PLAIN));
      if (!result.available) throw new Error(result.reason);
      expect(typeof result.score).toBe('number');
      expect(result.score).toBeLessThan(result.threshold);
      expect(result.threshold).toBe(5);
      // a message that never crossed an SMTP relay
      expect(result.rules.map((r) => r.name)).toContain('NO_RELAYS');
      expect(result.rules.every((r) => Number.isFinite(r.points) && r.description !== '')).toBe(true);
    },
    60_000,
  );

  it.skipIf(!installed)(
    'finds the rules a spammy message trips, with their full descriptions',
    async () => {
      const result = await spamScore(SHOUTY);
      if (!result.available) throw new Error(result.reason);
      expect(result.score).toBeGreaterThan(result.threshold);
      expect(result.rules).toContainEqual({
        name: 'HTML_FONT_LOW_CONTRAST',
        points: 0.7,
        description: 'BODY: HTML font color similar or identical to background',
      });
      expect(spamScoreHtml(result)).toContain('would be marked as spam');
    },
    60_000,
  );
});

describe('parseSpamReport', () => {
  it('reads the totals and each rule, joining wrapped descriptions', () => {
    expect(parseSpamReport(REPORT)).toEqual({
      score: 10.4,
      threshold: 5,
      rules: [
        { points: -0, name: 'NO_RECEIVED', description: 'Informational: message has no Received headers' },
        { points: 2.7, name: 'MISSING_DATE', description: 'Missing Date: header' },
        { points: 0.7, name: 'HTML_FONT_LOW_CONTRAST', description: 'BODY: HTML font color similar or identical to background' },
        { points: 1, name: 'RISK_FREE', description: 'No risk!' },
      ],
    });
  });

  it('reads the last report when an earlier one is quoted in the message, and spamc -R output', () => {
    const spamcOutput = `1.2/5.0\n${REPORT.replace('10.4 points', '1.2 points')}`;
    expect(parseSpamReport(`${REPORT}\n\n${spamcOutput}`)?.score).toBe(1.2);
  });

  it('returns null for text without a report', () => {
    expect(parseSpamReport('spamc: connect to spamd on 127.0.0.1 failed')).toBeNull();
  });
});

describe('spamScoreHtml', () => {
  it('lists the heaviest rules first, escaped', () => {
    const html = spamScoreHtml({
      available: true,
      tool: 'spamassassin',
      score: 1.5,
      threshold: 5,
      rules: [
        { name: 'SMALL', points: 0.5, description: 'a <small> thing' },
        { name: 'BIG', points: 1, description: 'a big one' },
      ],
    });
    expect(html).toContain('1.5 points, below the spam threshold (5); 2 rules fired');
    expect(html.indexOf('BIG')).toBeLessThan(html.indexOf('SMALL'));
    expect(html).toContain('a &lt;small&gt; thing');
  });
});
