import { describe, expect, it } from 'vitest';
import { FailureStreak, type HeldFailure } from './failure-streak.ts';

const failure = (n: number): HeldFailure => ({ deliveryId: n, subscriberId: n, previous: 'pending' });
const relay = (n: number) => `554 5.7.1 <reader-${n}@example.com>: Relay access denied`;

describe('FailureStreak', () => {
  it('trips at the limit of the same reply and hands back every held failure to undo', () => {
    const streak = new FailureStreak(3);
    expect(streak.failure(failure(1), relay(1))).toEqual({ count: [], undo: [] });
    expect(streak.failure(failure(2), relay(2))).toEqual({ count: [], undo: [] });
    expect(streak.failure(failure(3), relay(3))).toEqual({ count: [], undo: [failure(1), failure(2), failure(3)] });
    expect(streak.tripped).toBe(relay(3));
    // A message that was in flight when it tripped, refused the same way: undone too.
    expect(streak.failure(failure(4), relay(4))).toEqual({ count: [], undo: [failure(4)] });
    expect(streak.drain()).toEqual([]);
  });

  it('releases the held failures to be counted when a delivery goes through or the reply changes', () => {
    const streak = new FailureStreak(3);
    streak.failure(failure(1), relay(1));
    streak.failure(failure(2), relay(2));
    expect(streak.success()).toEqual([failure(1), failure(2)]);
    streak.failure(failure(3), relay(3));
    expect(streak.failure(failure(4), '550 5.1.1 <x@example.com>: User unknown')).toEqual({ count: [failure(3)], undo: [] });
    expect(streak.drain()).toEqual([failure(4)]);
    expect(streak.tripped).toBeNull();
  });

  it('counts every failure at once when turned off (limit 0)', () => {
    const streak = new FailureStreak(0);
    for (let n = 1; n <= 50; n++) expect(streak.failure(failure(n), relay(n))).toEqual({ count: [failure(n)], undo: [] });
    expect(streak.tripped).toBeNull();
  });
});
