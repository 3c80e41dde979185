export interface PacerOptions {
  /** Messages per second; undefined: no limit. */
  perSecond?: number;
  /** Messages per rolling hour; undefined: no limit. */
  perHour?: number;
  /** Send times (ms) already in the last hour, oldest first, e.g. from the database at start. */
  recentSends?: number[];
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const HOUR = 3_600_000;

/**
 * Spaces sends so the limits hold from the very first second: each send
 * takes the next slot 1/rate seconds after the previous one (no initial
 * burst, unlike nodemailer's rateLimit, which only checks after sending),
 * and the rolling hour never holds more than `perHour` sends.
 */
export class SendPacer {
  readonly #perSecond: number | undefined;
  readonly #perHour: number | undefined;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  #nextSlot = 0;
  /** Start times of the sends in the rolling hour, oldest first. */
  readonly #hour: number[];

  constructor(options: PacerOptions) {
    this.#perSecond = options.perSecond;
    this.#perHour = options.perHour;
    this.#now = options.now ?? Date.now;
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
  async acquire(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      const resume = this.hourlyResumeAt();
      if (resume === null) break;
      await this.#sleep(resume - this.#now(), signal);
    }
    if (this.#perSecond) {
      const now = this.#now();
      const slot = Math.max(now, this.#nextSlot);
      this.#nextSlot = slot + 1000 / this.#perSecond;
      if (slot > now) await this.#sleep(slot - now, signal);
      if (signal?.aborted) return false;
    }
    if (this.#perHour) this.#hour.push(this.#now());
    return true;
  }
}
