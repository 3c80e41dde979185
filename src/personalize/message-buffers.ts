/**
 * Reusable memory for the wire bytes of digest messages.
 *
 * A fresh 88 KB buffer per recipient is external memory to V8, and
 * allocating it at hundreds of messages a second made V8 run a full
 * mark-compact every few hundred messages (about a sixth of the sender's
 * CPU, bench/RESULTS.md). A send needs only as many buffers as it has
 * messages in flight, so each one goes back to the pool once its message
 * has been accepted and is used again for the next.
 *
 * A buffer may be given back only when nothing will read it again: after
 * the SMTP server answered the DATA (every byte was written) or the .eml
 * file was written. After a failure the socket may still hold it, so it is
 * simply left to the garbage collector.
 */
export class MessageBuffers {
  readonly #free: Buffer[] = [];
  /** Buffers handed out and not given back yet, by their memory (weakly: one lost with a failed send is collected). */
  readonly #lent = new WeakMap<ArrayBufferLike, Buffer>();
  readonly #minSize: number;

  /** `minSize`: the smallest buffer worth keeping (the size of a typical message, with room to spare). */
  constructor(minSize = 128 * 1024) {
    this.#minSize = minSize;
  }

  /** `size` bytes of memory no one else is using (contents undefined). */
  take(size: number): Buffer {
    // The buffer given back last is the one most likely still in the CPU's cache.
    const index = this.#free.findLastIndex((b) => b.length >= size);
    // A message larger than every free buffer gets one of its own size, which the pool then keeps.
    const whole = index === -1 ? Buffer.allocUnsafeSlow(Math.max(size, this.#minSize)) : this.#free.splice(index, 1)[0]!;
    this.#lent.set(whole.buffer, whole);
    return whole.subarray(0, size);
  }

  /** Returns what `take` handed out, once nothing reads those bytes any more. Anything else is ignored. */
  giveBack(bytes: Buffer): void {
    const whole = this.#lent.get(bytes.buffer);
    if (!whole) return;
    this.#lent.delete(bytes.buffer);
    this.#free.push(whole);
  }

  /** Buffers waiting to be used again. */
  get idle(): number {
    return this.#free.length;
  }
}
