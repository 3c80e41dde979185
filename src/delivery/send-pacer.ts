import { sleepUnlessAborted } from './run-pool.ts';

export interface PacerOptions {
  /** Messages per second; undefined: no limit. */
  perSecond?: number;
  /** Messages per rolling hour; undefined: no limit. */
  perHour?: number;
  /** Where the limits are kept: the store, shared with every other sender (workers), so they hold in total. */
  shared: SharedLimits;
  now?: () => number;
  /** `limit`: which limit the wait is for, so a caller can say so (a send reports the hourly pause). */
  sleep?: (ms: number, signal: AbortSignal | undefined, limit: Limit) => Promise<void>;
}

export type Limit = 'per-second' | 'per-hour';

/** Each answers 0 when the message may go now (and counts it), else how many ms to wait before asking again. */
export interface SharedLimits {
  secondSlot(nowMs: number, intervalMs: number): Promise<number>;
  hourSlot(nowMs: number, perHour: number): Promise<number>;
}

/**
 * Spaces sends so the limits hold from the very first second: grants are
 * handed out one at a time, each at least 1/rate seconds after the previous
 * grant actually happened (a late timer never lets two slots bunch up), so
 * no second ever holds more than `perSecond` sends — no initial burst,
 * unlike nodemailer's rateLimit, which only checks after sending. The
 * rolling hour never holds more than `perHour` sends. Both are asked of the
 * shared limits, so they hold across every sender of the store.
 */
export class SendPacer {
  readonly #perSecond: number | undefined;
  readonly #perHour: number | undefined;
  readonly #shared: SharedLimits;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal | undefined, limit: Limit) => Promise<void>;
  #lastGrant = -Infinity;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: PacerOptions) {
    this.#perSecond = options.perSecond;
    this.#perHour = options.perHour;
    this.#shared = options.shared;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? sleepUnlessAborted;
  }

  /** Waits for the next free slot. Resolves false if `signal` aborted the wait. */
  acquire(signal?: AbortSignal): Promise<boolean> {
    if (!this.#perSecond && !this.#perHour) return Promise.resolve(!signal?.aborted);
    const turn = this.#queue.then(() => this.#grant(signal));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #grant(signal?: AbortSignal): Promise<boolean> {
    const perHour = this.#perHour;
    if (perHour && !(await this.#until(() => this.#shared.hourSlot(this.#now(), perHour), signal, 'per-hour'))) return false;
    if (this.#perSecond) {
      const interval = 1000 / this.#perSecond;
      // This process's own spacing first (no point asking the store sooner); then the slot every sender shares.
      const wait = this.#lastGrant + interval - this.#now();
      if (wait > 0) await this.#sleep(wait, signal, 'per-second');
      if (!(await this.#until(() => this.#shared.secondSlot(this.#now(), interval), signal, 'per-second'))) return false;
      this.#lastGrant = this.#now();
    }
    return !signal?.aborted;
  }

  /** Asks `slot` until it grants, sleeping as long as it says; false if `signal` aborts meanwhile. */
  async #until(slot: () => Promise<number>, signal: AbortSignal | undefined, limit: Limit): Promise<boolean> {
    if (signal?.aborted) return false;
    for (let wait = await slot(); wait > 0; wait = await slot()) {
      await this.#sleep(wait, signal, limit);
      if (signal?.aborted) return false;
    }
    return true;
  }
}
