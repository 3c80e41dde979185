export interface PacerOptions {
  /** Messages per second; undefined: no limit. */
  perSecond?: number;
  /** Messages per rolling hour; undefined: no limit. */
  perHour?: number;
  /** Send times (ms) already in the last hour, oldest first, e.g. from the database at start. */
  recentSends?: number[];
  /** Limits kept in the store, shared with every other sender (workers): then they hold in total. */
  shared?: SharedLimits;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Each answers 0 when the message may go now (and counts it), else how many ms to wait before asking again. */
export interface SharedLimits {
  secondSlot(nowMs: number, intervalMs: number): Promise<number>;
  hourSlot(nowMs: number, perHour: number): Promise<number>;
}

const HOUR = 3_600_000;

/**
 * Spaces sends so the limits hold from the very first second: grants are
 * handed out one at a time, each at least 1/rate seconds after the previous
 * grant actually happened (a late timer never lets two slots bunch up), so
 * no second ever holds more than `perSecond` sends — no initial burst,
 * unlike nodemailer's rateLimit, which only checks after sending. The
 * rolling hour never holds more than `perHour` sends.
 */
export class SendPacer {
  readonly #perSecond: number | undefined;
  readonly #perHour: number | undefined;
  readonly #now: () => number;
  readonly #shared: PacerOptions['shared'];
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  #lastGrant = -Infinity;
  #queue: Promise<unknown> = Promise.resolve();
  /** Start times of the sends in the rolling hour, oldest first. */
  readonly #hour: number[];

  constructor(options: PacerOptions) {
    this.#perSecond = options.perSecond;
    this.#perHour = options.perHour;
    this.#now = options.now ?? Date.now;
    this.#shared = options.shared;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#hour = [...(options.recentSends ?? [])];
  }

  /** When the hourly limit lets the next message go, or null when it does now. */
  hourlyResumeAt(): number | null {
    if (!this.#perHour) return null;
    const now = this.#now();
    while (this.#hour.length > 0 && this.#hour[0]! <= now - HOUR) this.#hour.shift();
    return this.#hour.length >= this.#perHour ? this.#hour[this.#hour.length - this.#perHour]! + HOUR : null;
  }

  /** Waits for the next free slot. Resolves false if `signal` aborted the wait. */
  acquire(signal?: AbortSignal): Promise<boolean> {
    if (!this.#perSecond && !this.#perHour) return Promise.resolve(!signal?.aborted);
    const turn = this.#queue.then(() => this.#grant(signal));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** How long the rolling hour holds the next message back (0: not at all; shared: counted as sent). */
  async #hourWait(): Promise<number> {
    if (!this.#perHour) return 0;
    if (this.#shared) return this.#shared.hourSlot(this.#now(), this.#perHour);
    const resume = this.hourlyResumeAt();
    return resume === null ? 0 : resume - this.#now();
  }

  async #grant(signal?: AbortSignal): Promise<boolean> {
    for (let wait = await this.#hourWait(); wait > 0; wait = await this.#hourWait()) {
      await this.#sleep(wait, signal);
      if (signal?.aborted) return false;
    }
    if (signal?.aborted) return false;
    if (this.#perSecond) {
      const interval = 1000 / this.#perSecond;
      const wait = this.#lastGrant + interval - this.#now();
      if (wait > 0) await this.#sleep(wait, signal);
      if (signal?.aborted) return false;
      // This process's own spacing first; then the slot every sender shares.
      for (let retry = this.#shared ? await this.#shared.secondSlot(this.#now(), interval) : 0; retry > 0; ) {
        await this.#sleep(retry, signal);
        if (signal?.aborted) return false;
        retry = await this.#shared!.secondSlot(this.#now(), interval);
      }
      this.#lastGrant = this.#now();
    }
    if (this.#perHour) this.#hour.push(this.#now());
    return true;
  }
}
