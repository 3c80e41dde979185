import { isPassingStoreError } from '../db/store-errors.ts';
import { UserError } from '../errors.ts';
import { sleepUnlessAborted } from './run-pool.ts';

/** The store stayed away longer than the send is willing to wait. */
export class StoreUnavailableError extends UserError {
  constructor(seconds: number, cause: unknown) {
    super(
      `the database was unavailable for ${seconds} s (${String((cause as Error).message ?? cause).split('\n')[0]}); nothing was lost: run \`digest send\` again once it is back`,
      'ESTOREDOWN',
    );
  }
}

export interface StorePatienceOptions {
  /** Give up after the store failed for this long without a success in between. */
  maxOutageMs: number;
  /** Told when the store first fails (with when the next try is) and when it answers again. */
  onOutage?: (state: { since: number; retryAt: number } | null) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Runs the sender's store operations through a busy or restarting database:
 * an operation that fails with a passing error (SQLITE_BUSY, a terminated
 * PostgreSQL connection...) is tried again with backoff, 100 ms doubling to
 * 5 s, until it succeeds or the store has been failing for `maxOutageMs`;
 * then StoreUnavailableError. Shared by every worker of one send, so the
 * outage is one period, not one per operation. Other errors are bugs and
 * pass through at once.
 *
 * @example
 * const patience = new StorePatience({ maxOutageMs: 600_000 });
 * await patience.run(() => markSent(db, id, fields));
 */
export class StorePatience {
  readonly #options: StorePatienceOptions;
  #since: number | null = null;

  constructor(options: StorePatienceOptions) {
    this.#options = options;
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    const now = this.#options.now ?? Date.now;
    const sleep = this.#options.sleep ?? ((ms: number) => sleepUnlessAborted(ms));
    for (let failures = 0; ; failures++) {
      try {
        const result = await operation();
        if (this.#since !== null) {
          this.#since = null;
          this.#options.onOutage?.(null);
        }
        return result;
      } catch (error) {
        if (!isPassingStoreError(error)) throw error;
        this.#since ??= now();
        const elapsed = now() - this.#since;
        if (elapsed >= this.#options.maxOutageMs) throw new StoreUnavailableError(Math.round(elapsed / 1000), error);
        const delay = Math.min(5000, 100 * 2 ** failures);
        this.#options.onOutage?.({ since: this.#since, retryAt: now() + delay });
        await sleep(delay);
      }
    }
  }
}
