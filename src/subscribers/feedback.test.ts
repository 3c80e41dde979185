import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/helpers/fixtures.ts';
import { arfReport, dsnReport, originalHeaders } from '../../test/helpers/reports.ts';
import { addSubscribers, openScratchDb } from '../../test/helpers/store.ts';
import type { Db } from '../db/connect.ts';
import { digestMessageId } from '../personalize/compose-message.ts';
import { readFeedbackReport } from './feedback-report.ts';
import { recordFeedback } from './record-feedback.ts';
import { forgetSubscriber } from './subscriber-store.ts';
import { findSubscriberByEmail } from './subscriber-store.ts';

const config = testConfig({ HARD_BOUNCE_LIMIT: '2' });

describe('complaint and bounce reports', () => {
  let db: Db;
  let ada: number;
  let bob: number;
  beforeEach(async () => {
    db = await openScratchDb();
    await addSubscribers(db, [{ email: 'ada@example.org', name: 'Ada' }, { email: 'bob@example.org' }]);
    ada = (await findSubscriberByEmail(db, 'ada@example.org'))!.id;
    bob = (await findSubscriberByEmail(db, 'bob@example.org'))!.id;
  });
  afterEach(() => db.destroy());

  const importReport = (raw: Buffer) => recordFeedback(db, config, readFeedbackReport(config, raw));
  const statusOf = async (email: string) => {
    const row = (await findSubscriberByEmail(db, email))!;
    return { status: row.status, bounces: row.bounce_count };
  };

  it('marks the reader who pressed "spam" complained, found by the digest’s Message-ID when the provider hides the address; once per report', async () => {
    const report = arfReport({
      reportId: '<fbl-1@fbl.mailprovider.example>',
      original: originalHeaders(digestMessageId(config, '2026-W47', ada), 'redacted@mailprovider.example'),
    });
    expect(await importReport(report)).toEqual({ kind: 'complaint', detail: 'complaint from ada@example.org: marked complained, no more digests' });
    expect(await statusOf('ada@example.org')).toEqual({ status: 'complained', bounces: 0 });
    expect(await importReport(report)).toEqual({ kind: 'duplicate', detail: 'already imported (<fbl-1@fbl.mailprovider.example>)' });
    expect(await statusOf('bob@example.org')).toEqual({ status: 'active', bounces: 0 });

    // Erasing Ada erases her address from the record of the report too.
    await forgetSubscriber(db, 'ada@example.org');
    const kept = await db.selectFrom('feedback_reports').selectAll().execute();
    expect(kept).toEqual([
      expect.objectContaining({ report_key: '<fbl-1@fbl.mailprovider.example>', kind: 'complaint', subscriber_id: null, week: '2026-W47' }),
    ]);
    expect(JSON.stringify(kept)).not.toContain('ada@');
  });

  it('reads the original message however it is encoded, and trusts a Message-ID only with its tag', async () => {
    const encoded = arfReport({
      reportId: '<fbl-2@x>',
      original: originalHeaders(digestMessageId(config, '2026-W47', bob), 'bob@example.org'),
      originalEncoding: 'base64',
      rcptTo: '<redacted@x>',
    });
    expect((await importReport(encoded)).detail).toBe('complaint from bob@example.org: marked complained, no more digests');
    // Someone else's tag on Ada's id (a forgery, or another publication's digest): not hers.
    const forged = digestMessageId(testConfig({ APP_SECRET: 'another-secret-0123456789abc' }), '2026-W47', ada);
    expect((await importReport(arfReport({ reportId: '<fbl-3@x>', original: originalHeaders(forged, 'redacted@x') }))).detail).toBe(
      'complaint about redacted@mailprovider.example: no subscriber matches, nothing changed',
    );
    expect(await statusOf('ada@example.org')).toEqual({ status: 'active', bounces: 0 });
  });

  it('counts a late permanent bounce like one at send time, up to HARD_BOUNCE_LIMIT', async () => {
    const bounce = (n: number, original?: string) =>
      dsnReport({ reportId: `<dsn-${n}@mx.example.net>`, recipient: 'ada@example.org', action: 'failed', status: '5.1.1', original });
    expect((await importReport(bounce(1, originalHeaders(digestMessageId(config, '2026-W47', ada), 'Ada <ada@example.org>')))).detail).toBe(
      'bounce 5.1.1 for ada@example.org (550 5.1.1 <ada@example.org>: Recipient address rejected: User unknown in virtual mailbox table): hard bounce 1 of 2',
    );
    expect(await statusOf('ada@example.org')).toEqual({ status: 'active', bounces: 1 });
    // Without the original headers: found by the failed address.
    expect((await importReport(bounce(2))).detail).toMatch(/^bounce 5\.1\.1 for ada@example\.org .*: hard bounce 2 of 2, bounced: no more digests$/);
    expect(await statusOf('ada@example.org')).toEqual({ status: 'bounced', bounces: 2 });
  });

  it('ignores what is not a complaint or a permanent failure, saying why', async () => {
    const delayed = dsnReport({
      reportId: '<dsn-d@mx>',
      recipient: 'bob@example.org',
      action: 'delayed',
      status: '4.4.1',
      diagnostic: '421 4.4.1 try again later',
    });
    const notSpam = arfReport({
      reportId: '<fbl-ns@x>',
      feedbackType: 'not-spam',
      original: originalHeaders(digestMessageId(config, '2026-W47', bob), 'bob@example.org'),
    });
    const autoReply = Buffer.from('From: bob@example.org\r\nSubject: Out of office\r\nMessage-ID: <ooo@example.org>\r\n\r\nBack on Monday.\r\n');
    expect((await importReport(delayed)).detail).toBe('ignored: no permanent failure (delayed 4.4.1)');
    expect((await importReport(notSpam)).detail).toBe('ignored: feedback type "not-spam" is not a spam complaint');
    expect((await importReport(autoReply)).detail).toBe('ignored: not a complaint or bounce report (text/plain)');
    expect(await statusOf('bob@example.org')).toEqual({ status: 'active', bounces: 0 });
  });
});
