import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/connect.ts';
import { openScratchDb } from '../../test/helpers/store.ts';
import { type Limit, SendPacer } from './send-pacer.ts';
import { grantHourSlot, hourlyResumeAt, storeLimits } from './limits-store.ts';

/** A fake clock: sleeping advances time, so limits can be checked exactly. */
function clock(start = 1_000_000) {
  let t = start;
  const waits: { ms: number; limit: Limit }[] = [];
  return {
    now: () => t,
    sleep: async (ms: number, _signal: AbortSignal | undefined, limit: Limit) => {
      waits.push({ ms, limit });
      t += Math.max(0, ms);
    },
    waits,
  };
}

let db: Db;
beforeEach(async () => {
  db = await openScratchDb();
});
afterEach(() => db.destroy());

describe('SendPacer, with the limits kept in a store', () => {
  it('never lets more than SEND_RATE messages start in any second, from the first one', async () => {
    const c = clock();
    const pacer = new SendPacer({ perSecond: 10, shared: storeLimits(db), ...c });
    const starts: number[] = [];
    for (let i = 0; i < 50; i++) {
      await pacer.acquire();
      starts.push(c.now());
    }
    for (const start of starts) {
      const inWindow = starts.filter((s) => s >= start && s < start + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(10);
    }
    expect(starts[49]! - starts[0]!).toBe(4900);
  });

  it('holds the rolling-hour limit, counting sends made before it started', async () => {
    const c = clock(10 * 3_600_000);
    const earlier = [c.now() - 3_500_000, c.now() - 1_000];
    for (const t of earlier) expect(await grantHourSlot(db, t, 3)).toBe(0);
    const pacer = new SendPacer({ perHour: 3, shared: storeLimits(db), ...c });
    expect(await hourlyResumeAt(db, new Date(c.now()), 3)).toBeNull();
    await pacer.acquire();
    expect(c.now()).toBe(10 * 3_600_000);
    // Three in the last hour now: the next waits until the oldest is an hour old.
    expect((await hourlyResumeAt(db, new Date(c.now()), 3))?.getTime()).toBe(earlier[0]! + 3_600_000);
    await pacer.acquire();
    expect(c.now()).toBe(earlier[0]! + 3_600_000);
  });

  it('says which limit each wait is for, however long (a send reports only the hourly pause)', async () => {
    // One message every 2 s, and 3 an hour: the rate's waits are longer than a second, and still the rate's.
    const c = clock(10 * 3_600_000);
    const pacer = new SendPacer({ perSecond: 0.5, perHour: 3, shared: storeLimits(db), ...c });
    for (let i = 0; i < 4; i++) await pacer.acquire();
    expect(c.waits.map((w) => w.limit)).toEqual(['per-second', 'per-second', 'per-hour']);
    expect(c.waits.map((w) => w.ms)).toEqual([2000, 2000, 3_600_000 - 4000]);
  });

  it('stops waiting when the send is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await new SendPacer({ perSecond: 1, shared: storeLimits(db) }).acquire(controller.signal)).toBe(false);
  });
});
