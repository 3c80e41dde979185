import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { Week } from '../articles/week.ts';
import { buildDigest } from '../digests/build-digest.ts';
import { findDigest } from '../digests/find-digest.ts';
import { type SendOptions, type SendSummary, sendDigest } from '../delivery/send-digest.ts';
import type { Transport } from '../transport/transport.ts';
import { acquireLease, leaseHolder, releaseLease, renewLease } from './lease.ts';

/** The lock every sender takes: `digest serve` ticks and manual `digest send` alike. */
export const SENDER_LEASE = 'sender';
const LEASE_TTL_MS = 60_000;
const RENEW_EVERY_MS = 15_000;

export type JobResult =
  | { outcome: 'sent'; summary: SendSummary }
  | { outcome: 'empty'; week: string }
  | { outcome: 'busy'; holder: string; until: string };

export function newOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * A lease held by a process on this machine that no longer exists (killed
 * with -9, say) need not sit out its expiry: nobody can be sending under it.
 */
function ownerIsDeadHere(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function takeLease(db: Db, owner: string): Promise<boolean> {
  if (await acquireLease(db, SENDER_LEASE, owner, LEASE_TTL_MS)) return true;
  const holder = await leaseHolder(db, SENDER_LEASE);
  if (!holder || !ownerIsDeadHere(holder.owner)) return false;
  await releaseLease(db, SENDER_LEASE, holder.owner);
  return acquireLease(db, SENDER_LEASE, owner, LEASE_TTL_MS);
}

/**
 * Builds (unless sending already started) and sends a week's digest while
 * holding the sender lease, renewed as it goes. If the lease is lost (this
 * process stalled past its expiry and another took over), the send stops.
 */
export async function runWeeklySend(
  deps: { db: Db; config: Config; transport: Transport },
  week: Week,
  options: SendOptions & { owner?: string; build?: boolean } = {},
): Promise<JobResult> {
  const { db, config } = deps;
  const owner = options.owner ?? newOwner();
  if (!(await takeLease(db, owner))) {
    const holder = await leaseHolder(db, SENDER_LEASE);
    return { outcome: 'busy', holder: holder?.owner ?? 'unknown', until: holder?.expiresAt ?? '' };
  }
  const lost = new AbortController();
  const stop = AbortSignal.any([lost.signal, ...(options.signal ? [options.signal] : [])]);
  const renew = setInterval(() => {
    renewLease(db, SENDER_LEASE, owner, LEASE_TTL_MS)
      .then((held) => held || lost.abort())
      .catch(() => lost.abort());
  }, RENEW_EVERY_MS);
  try {
    let digest = await findDigest(db, week.id);
    if (!digest || (digest.status === 'draft' && options.build !== false)) {
      const built = await buildDigest(db, config, week, new Date(), options.compiler);
      if (built.outcome === 'empty') return { outcome: 'empty', week: week.id };
      digest = built.digest;
    }
    return { outcome: 'sent', summary: await sendDigest(deps, digest, week, { ...options, signal: stop }) };
  } finally {
    clearInterval(renew);
    await releaseLease(db, SENDER_LEASE, owner);
  }
}
