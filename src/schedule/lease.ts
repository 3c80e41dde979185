import type { Db } from '../db/connect.ts';
import { acquireLease, leaseHolder, releaseLease, renewLease } from '../db/lease-store.ts';
import { ownerIsDeadHere } from '../delivery/owner.ts';
import { sleepUnlessAborted } from '../delivery/run-pool.ts';

/** How long a job's lease lasts unless renewed, and how often `keepLease` renews it. */
const LEASE_TTL_MS = 60_000;
const RENEW_EVERY_MS = 15_000;

/**
 * Takes a job's lease, or takes it over from a holder that died on this
 * machine (its process is gone) without waiting for the lease to expire.
 *
 * @example
 * if (await takeLease(db, 'sender', owner)) { … }
 */
export async function takeLease(db: Db, name: string, owner: string): Promise<boolean> {
  if (await acquireLease(db, name, owner, LEASE_TTL_MS)) return true;
  const holder = await leaseHolder(db, name);
  if (!holder || !ownerIsDeadHere(holder.owner)) return false;
  await releaseLease(db, name, holder.owner);
  return acquireLease(db, name, owner, LEASE_TTL_MS);
}

/**
 * Renews a lease while `work` runs; aborts the returned signal if the lease
 * is lost: another owner took it, or it expired while the store could not be
 * reached (a busy or restarting store is not a reason to stop before then).
 */
export function keepLease(db: Db, name: string, owner: string): { lost: AbortSignal; stop(): void } {
  const lost = new AbortController();
  let renewedAt = Date.now();
  const renew = setInterval(() => {
    renewLease(db, name, owner, LEASE_TTL_MS)
      .then((held) => {
        if (!held) return lost.abort();
        renewedAt = Date.now();
      })
      .catch(() => Date.now() - renewedAt >= LEASE_TTL_MS && lost.abort());
  }, RENEW_EVERY_MS);
  return { lost: lost.signal, stop: () => clearInterval(renew) };
}

/**
 * Runs `work` holding the lease `name`, renewed as it goes and released at
 * the end. When another owner holds it, waits up to `waitMs` (default: not
 * at all) for it to let go; `held: false` and the holder when it did not.
 * `work` gets a signal that aborts when the lease is lost (another process
 * took it over after renewals failed), so it can stop between steps.
 *
 * @example
 * const run = await withLease(db, 'sources', owner, () => fetchAllSources(db, options));
 * if (!run.held) console.log(`busy: ${run.holder}`);
 */
export async function withLease<T>(
  db: Db,
  name: string,
  owner: string,
  work: (lost: AbortSignal) => Promise<T>,
  options: { waitMs?: number; signal?: AbortSignal } = {},
): Promise<{ held: true; value: T } | { held: false; holder: string | null }> {
  const giveUpAt = Date.now() + (options.waitMs ?? 0);
  while (!(await takeLease(db, name, owner))) {
    if (Date.now() >= giveUpAt || options.signal?.aborted) return { held: false, holder: (await leaseHolder(db, name))?.owner ?? null };
    await sleepUnlessAborted(1000, options.signal);
  }
  const lease = keepLease(db, name, owner);
  try {
    return { held: true, value: await work(lease.lost) };
  } finally {
    lease.stop();
    await releaseLease(db, name, owner);
  }
}
