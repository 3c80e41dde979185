import { describe, expect, it } from 'vitest';
import { StorePatience, StoreUnavailableError } from './store-patience.ts';

const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

describe('StorePatience', () => {
  it('waits out a busy store with backoff and says when the outage begins and ends', async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const outages: (object | null)[] = [];
    const patience = new StorePatience({
      maxOutageMs: 60_000,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      onOutage: (o) => outages.push(o),
    });
    let calls = 0;
    const result = await patience.run(async () => {
      if (++calls <= 4) throw busy();
      return 'recorded';
    });
    expect(result).toBe('recorded');
    expect(sleeps).toEqual([100, 200, 400, 800]);
    expect(outages.at(-1)).toBeNull();
    expect(outages[0]).toEqual({ since: 0, retryAt: 100 });
  });

  it('gives up with one line after maxOutageMs, and lets a bug through at once', async () => {
    let clock = 0;
    const patience = new StorePatience({
      maxOutageMs: 10_000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    const gone = patience.run(async () => {
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    });
    await expect(gone).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(gone).rejects.toThrow(/^the database was unavailable for 1\d s \(terminating connection due to administrator command\); nothing was lost/);
    const bug = Object.assign(new Error('UNIQUE constraint failed: deliveries.id'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    await expect(patience.run(async () => Promise.reject(bug))).rejects.toBe(bug);
  });
});
