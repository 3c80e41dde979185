import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/connect.ts';
import { HOSTILE } from '../../test/helpers/hostile-text.ts';
import { openScratchDb } from '../../test/helpers/store.ts';
import { importSubscribersCsv } from './import-csv.ts';
import { forgetSubscriber } from './subscriber-store.ts';
import { addSubscriber, checkedEmail, cleanName, findSubscriberByEmail, insertSubscriber, unsubscribe } from './subscriber-store.ts';

/*
 * Issue 14: an address that could put a line break into a header never
 * gets into the store, by the CLI (checkedEmail, addSubscriber) or a CSV
 * import; a name gets in as one line.
 */

describe('checkedEmail', () => {
  for (const [label, chars] of Object.entries(HOSTILE)) {
    it(`refuses an address with ${label} in one line that names the character`, () => {
      const value = label === 'U+010D U+010A' ? `ada${chars}Reply-To: attacker@evil.example` : `ada${chars}@example.com`;
      expect(() => checkedEmail(value)).toThrow(/^invalid email address "ada.*": contains (a control character|a line break|a space) \(U\+[0-9A-F]{4}\)$/);
      try {
        checkedEmail(value);
      } catch (error) {
        expect((error as Error).message).not.toMatch(/[\r\n\u0085\u2028\u2029\u0000]/);
        expect((error as { code: string }).code).toBe('EINPUT');
      }
    });
  }

  it('takes IDN domains in their ASCII form and RFC 6531 local parts as they are', () => {
    expect(checkedEmail('ada@bücher.example')).toBe('ada@xn--bcher-kva.example');
    expect(checkedEmail('zoë@example.com')).toBe('zoë@example.com');
    expect(checkedEmail('andré@example.com')).toBe('andré@example.com');
  });
});

describe('cleanName', () => {
  for (const [label, chars] of Object.entries(HOSTILE)) {
    if (label === 'U+010D U+010A') continue;
    it(`stores a name with ${label} as one line`, () => {
      expect(cleanName(`Ada${chars}Reply-To: attacker@evil.example`)).toBe('Ada Reply-To: attacker@evil.example');
    });
  }

  it('never cuts a character in two at 120', () => {
    const name = `${'a'.repeat(119)}📰`;
    expect(cleanName(name)).toBe('a'.repeat(119));
  });
});

describe('adding subscribers', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openScratchDb();
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('stores an IDN address once, in ASCII, whichever form it comes in', async () => {
    await addSubscriber(db, { email: 'ada@bücher.example', name: 'Ada\u2028Lovelace\u0085' }, { confirmed: true });
    const { outcome, subscriber } = await addSubscriber(db, { email: 'ada@xn--bcher-kva.example' }, { confirmed: true });
    expect(outcome).toBe('updated');
    expect(subscriber.email).toBe('ada@xn--bcher-kva.example');
    expect(subscriber.name).toBe('Ada Lovelace');
    expect((await findSubscriberByEmail(db, 'ADA@BÜCHER.EXAMPLE'))?.id).toBe(subscriber.id);
  });

  it('still removes and erases a row stored before these checks, whose address would not pass them', async () => {
    // As the old check let them in: U+0085 and a zero-width space were not "whitespace" to its regex.
    for (const email of ['nel\u0085@example.com', 'zw\u200b@example.com']) await insertSubscriber(db, { email }, 'active', '2026-01-01T00:00:00.000Z');
    expect((await unsubscribe(db, 'nel\u0085@example.com')).status).toBe('unsubscribed');
    expect(await forgetSubscriber(db, 'zw\u200b@example.com')).toEqual({ email: 'zw\u200b@example.com', deliveries: 0 });
    await expect(unsubscribe(db, 'bo\u2028@example.com')).rejects.toThrow('invalid email address "bo\\u2028@example.com": contains a line break (U+2028)');
    await expect(unsubscribe(db, 'nobody@bücher.example')).rejects.toThrow('no subscriber with address nobody@xn--bcher-kva.example');
  });

  it('rejects CSV rows whose address holds a hostile character, by line and one-line reason, and imports the rest', async () => {
    // The file is read by line, so LF cannot be inside a row; a lone CR can.
    const hostile = [
      'ada\u0000@example.com',
      'ada\u0085@example.com',
      'ada\u2028@example.com',
      'ada\u2029@example.com',
      'ada\r@example.com',
      '"ada\u010d\u010aReply-To: attacker@evil.example"',
    ];
    const csv = [
      'email,name',
      ...hostile.map((email) => `${email},Ada`),
      'bo@example.com,"Bo\u2028Reply-To: x@evil.example"',
      'zoë@example.com,Zoë',
      'cy@bücher.example,Cy',
    ].join('\n');
    const result = await importSubscribersCsv(db, csv, { confirmed: true });
    expect(result.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7]);
    for (const rejection of result.rejected) {
      expect(rejection.reason).toMatch(/^invalid email address ".*": /);
      expect(rejection.reason).not.toMatch(/[\r\n\u0085\u2028\u2029\u0000]/);
    }
    expect(result.created).toBe(3);
    expect((await findSubscriberByEmail(db, 'bo@example.com'))?.name).toBe('Bo Reply-To: x@evil.example');
    expect((await findSubscriberByEmail(db, 'zoë@example.com'))?.email).toBe('zoë@example.com');
    expect((await findSubscriberByEmail(db, 'cy@xn--bcher-kva.example'))?.email).toBe('cy@xn--bcher-kva.example');
  });
});
