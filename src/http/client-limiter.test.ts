import { describe, expect, it } from 'vitest';
import { ClientLimiter } from './client-limiter.ts';

const MINUTE = 60_000;

describe('the per-client limit of the subscribe form', () => {
  it('allows `limit` requests in any window, counted from the oldest one', () => {
    let now = 0;
    const limiter = new ClientLimiter(3, 10 * MINUTE, () => now);
    const answers = [0, 1, 2, 3].map((minute) => {
      now = minute * MINUTE;
      return limiter.allow('198.51.100.1');
    });
    expect(answers).toEqual([true, true, true, false]);
    expect(limiter.allow('198.51.100.2')).toBe(true);
    // The request at minute 0 leaves the window: one more, not three.
    now = 10 * MINUTE + 1;
    expect([limiter.allow('198.51.100.1'), limiter.allow('198.51.100.1')]).toEqual([true, false]);
    now = 12 * MINUTE + 1;
    expect([limiter.allow('198.51.100.1'), limiter.allow('198.51.100.1')]).toEqual([true, true]);
  });

  // Issue 14: every address was kept for ten minutes, so a flood of distinct addresses grew the map without end.
  it('stays within its bounds whatever the number of addresses, and a flood does not free a limited client', () => {
    let now = 0;
    const limiter = new ClientLimiter(5, 10 * MINUTE, () => now, { counted: 1000, blocked: 1000 });
    for (let i = 0; i < 6; i++) limiter.allow('203.0.113.66');
    expect(limiter.allow('203.0.113.66')).toBe(false);
    for (let i = 0; i < 100_000; i++) {
      now = i; // 100 seconds in all: every one of them is within the window
      limiter.allow(`2001:db8::${i.toString(16)}`);
      if (i % 1000 === 0) expect(limiter.size).toBeLessThanOrEqual(2000);
    }
    expect(limiter.size).toBeLessThanOrEqual(2000);
    expect(limiter.allow('203.0.113.66')).toBe(false);
    // The most recent addresses are still counted.
    for (let i = 0; i < 4; i++) expect(limiter.allow('2001:db8::1869f')).toBe(true);
    expect(limiter.allow('2001:db8::1869f')).toBe(false);
    // Once its window has passed, the limited client may post again.
    now = 10 * MINUTE + 1;
    expect(limiter.allow('203.0.113.66')).toBe(true);
  });

  it('forgets the client blocked longest ago when too many are blocked at once', () => {
    const limiter = new ClientLimiter(1, 10 * MINUTE, () => 0, { counted: 10, blocked: 3 });
    for (const client of ['a', 'b', 'c', 'd']) {
      limiter.allow(client);
      expect(limiter.allow(client)).toBe(false);
    }
    expect(limiter.size).toBeLessThanOrEqual(13);
    expect(['a', 'b', 'c', 'd'].map((client) => limiter.allow(client))).toEqual([true, false, false, false]);
  });
});
