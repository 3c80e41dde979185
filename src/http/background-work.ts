/**
 * Work a request starts without waiting for it. The subscribe form answers
 * before the confirmation email is sent: waiting for the SMTP server made
 * the answer slower for a new address than for one already on the list,
 * which told anyone timing it who subscribes. Failures go to `onError`;
 * `settled()` lets a shutdown wait for what is still running.
 */
export class BackgroundWork {
  readonly #running = new Set<Promise<void>>();
  readonly #onError: ((error: unknown, context: string) => void) | undefined;

  constructor(onError?: (error: unknown, context: string) => void) {
    this.#onError = onError;
  }

  /** Starts `work` now; `context` names it in a failure report. */
  start(work: () => Promise<unknown>, context: string): void {
    const task: Promise<void> = Promise.resolve()
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
