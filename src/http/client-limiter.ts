/** Clients whose recent requests are remembered; past this, the one heard from longest ago is forgotten. */
const MAX_COUNTED = 10_000;
/** Clients over their limit remembered; past this, the one blocked longest ago is forgotten. */
const MAX_BLOCKED = 10_000;

/**
 * At most `limit` requests per client address in any `windowMs`: enough for
 * a person who mistypes, too few for a script that signs up strangers.
 *
 * Memory is bounded whatever the number of addresses (issue 14: the map grew
 * with every address for ten minutes). Clients under their limit are kept
 * in least-recently-seen order and the oldest forgotten first; a client that
 * reached its limit moves to a list of its own, so a flood of new addresses
 * cannot push it out and free it early.
 */
export class ClientLimiter {
  /** Request times within the window, per client under its limit; Map order is least recently seen first. */
  readonly #counted = new Map<string, number[]>();
  /** The same, per client that reached its limit; Map order is blocked longest ago first. */
  readonly #blocked = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly caps = { counted: MAX_COUNTED, blocked: MAX_BLOCKED },
  ) {}

  /** Records a request; false when the client is over its limit. */
  allow(client: string): boolean {
    const now = this.now();
    const since = now - this.windowMs;
    const blocked = this.#blocked.get(client);
    // Blocked until the oldest request counted leaves the window.
    if (blocked && blocked[0]! > since) return false;
    this.#blocked.delete(client);
    const recent = (blocked ?? this.#counted.get(client) ?? []).filter((t) => t > since);
    this.#counted.delete(client);
    if (recent.length >= this.limit) {
      ClientLimiter.#remember(this.#blocked, client, recent, this.caps.blocked);
      return false;
    }
    recent.push(now);
    ClientLimiter.#remember(this.#counted, client, recent, this.caps.counted);
    return true;
  }

  /** How many clients are remembered. */
  get size(): number {
    return this.#counted.size + this.#blocked.size;
  }

  /** Adds `client` last, forgetting the first entry when that makes one too many. */
  static #remember(map: Map<string, number[]>, client: string, times: number[], cap: number): void {
    map.set(client, times);
    if (map.size > cap) map.delete(map.keys().next().value!);
  }
}
