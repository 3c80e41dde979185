/**
 * At most `limit` requests per client address in any `windowMs`: enough for
 * a person who mistypes, too few for a script that signs up strangers.
 */
export class ClientLimiter {
  readonly #hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a request; false when the client is over its limit. */
  allow(client: string): boolean {
    const now = this.now();
    const recent = (this.#hits.get(client) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.#hits.set(client, recent);
      return false;
    }
    recent.push(now);
    this.#hits.set(client, recent);
    if (this.#hits.size > 10_000) this.#prune(now);
    return true;
  }

  #prune(now: number): void {
    for (const [client, hits] of this.#hits) if (!hits.some((t) => t > now - this.windowMs)) this.#hits.delete(client);
  }
}
