/**
 * Work a request starts without waiting for it. The subscribe form answers
 * before it looks the address up or sends the confirmation email: waiting
 * for either made the answer differ, in time or content, between a new
 * address and one already on the list, which told anyone timing it who
 * subscribes. Failures go to `onError`; `settled()` lets a shutdown wait
 * for what is still running, including work started by other work.
 */
export class BackgroundWork {
  readonly #running = new Set<Promise<void>>();
  readonly #onError: ((error: unknown, context: string) => void) | undefined;

  constructor(onError?: (error: unknown, context: string) => void) {
    this.#onError = onError;
  }

  /**
   * Starts `work` on the event loop's next turn, once the request that
   * asked for it has been answered: even a synchronous step of it (a SQLite
   * query) cannot delay the answer. `context` names it in a failure report.
   */
  start(work: () => Promise<unknown>, context: string): void {
    const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .then(
        () => undefined,
        (error: unknown) => this.#onError?.(error, context),
      )
      .finally(() => this.#running.delete(task));
    this.#running.add(task);
  }

  /** Resolves once nothing started here is still running. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}
