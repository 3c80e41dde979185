import type { DeliveryStatus } from '../db/schema.ts';
import { replyShape } from './retry-policy.ts';

/** A reader's hard bounce, held in a streak: it is not counted until the streak is over. */
export interface HeldFailure {
  deliveryId: number;
  subscriberId: number;
  /** The state it was claimed in: what it goes back to if the streak trips. */
  previous: DeliveryStatus;
}

const NOTHING_HELD: readonly HeldFailure[] = Object.freeze([]);

/**
 * The second guard against blaming readers for the server's fault (the
 * first is classifyFailure): when `limit` readers in a row are refused with
 * the same reply, it is the server or the sender, not the addresses. Their
 * bounces are held while a streak runs; a delivery that goes through, or a
 * different reply, releases them to be counted. At `limit` the streak trips:
 * the send stops and the held failures are undone. `limit` 0 turns it off.
 */
export class FailureStreak {
  readonly #limit: number;
  #shape: string | null = null;
  #held: HeldFailure[] = [];
  #tripped: string | null = null;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** The reply that tripped it, once it has. */
  get tripped(): string | null {
    return this.#tripped;
  }

  /** A delivery went through: the streak is over. Returns the failures whose bounces may now be counted. */
  success(): readonly HeldFailure[] {
    this.#shape = null;
    // Called for every message sent: no new array when nothing is held, the common case.
    return this.#held.length === 0 ? NOTHING_HELD : this.#held.splice(0);
  }

  /**
   * A permanent failure with the server's `reason`. `count`: failures to count
   * now (a streak that ended); `undo`: failures to put back, because the
   * streak tripped (or had tripped already, for messages that were in flight).
   */
  failure(failure: HeldFailure, reason: string): { count: HeldFailure[]; undo: HeldFailure[] } {
    if (this.#limit <= 0) return { count: [failure], undo: [] };
    const shape = replyShape(reason);
    if (this.#tripped !== null) return shape === this.#shape ? { count: [], undo: [failure] } : { count: [failure], undo: [] };
    const count = shape === this.#shape ? [] : this.#held.splice(0);
    this.#shape = shape;
    this.#held.push(failure);
    if (this.#held.length < this.#limit) return { count, undo: [] };
    this.#tripped = reason;
    return { count, undo: this.#held.splice(0) };
  }

  /** The run is over: whatever is still held was a streak short of the limit, so it counts. */
  drain(): HeldFailure[] {
    return this.#held.splice(0);
  }
}
