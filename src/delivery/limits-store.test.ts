import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/connect.ts';
import { openScratchDb } from '../../test/helpers/store.ts';
import { grantHourSlot, grantSendSlot } from './limits-store.ts';

let handles: Db[] = [];
afterEach(async () => {
  for (const db of handles) await db.destroy();
  handles = [];
});

describe('limits shared by every sender of a store', () => {
  it('SEND_HOURLY_LIMIT: senders asking at once get exactly the limit, then the time the oldest leaves the hour', async () => {
    const db = await openScratchDb();
    handles.push(db);
    const t = Date.parse('2026-11-23T08:00:00.000Z');
    // 40 requests from 4 "senders" at once, through the pool's connections (PostgreSQL) or one serialised handle (SQLite).
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => grantHourSlot(db, t + (i % 4), 25)));
    expect(answers.filter((wait) => wait === 0)).toHaveLength(25);
    for (const wait of answers.filter((w) => w > 0)) expect(wait).toBeGreaterThan(3_599_990);
    // An hour after the first grant, room again.
    expect(await grantHourSlot(db, t + 3_600_001, 25)).toBe(0);
  });

  it('SEND_RATE: of requests at the same moment, one is granted and the rest are told to wait one interval', async () => {
    const db = await openScratchDb();
    handles.push(db);
    const t = 1_000_000;
    const answers = await Promise.all(Array.from({ length: 8 }, () => grantSendSlot(db, t, 50)));
    expect(answers.filter((wait) => wait === 0)).toHaveLength(1);
    expect(answers.filter((wait) => wait === 50)).toHaveLength(7);
    expect(await grantSendSlot(db, t + 49, 50)).toBe(1);
    expect(await grantSendSlot(db, t + 50, 50)).toBe(0);
  });
});
