import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { Week } from '../week.ts';
import { type BuildResult, buildDigest } from '../digests/build-digest.ts';
import { sampleCopyMeasure } from '../personalize/sample-copy.ts';
import { findDigest } from '../digests/digest-store.ts';
import { type SendOptions, type SendSummary, sendDigest } from '../delivery/send-digest.ts';
import type { Transport } from '../domain.ts';
import { newOwner } from '../delivery/owner.ts';
import { sleepUnlessAborted } from '../delivery/run-pool.ts';
import { keepLease, takeLease } from './lease.ts';
import { leaseHolder, releaseLease } from '../db/lease-store.ts';
import { type AwaitingApproval, throughApproval } from './approval-gate.ts';

/** The lock every sender takes: `digest serve` ticks and manual `digest send` alike. */
export const SENDER_LEASE = 'sender';

/** What a run of the weekly job is given besides what a send is. */
export type JobOptions = SendOptions & {
  owner?: string;
  /** Runs just before the digest is built, under the lock that lets one process build (the service fetches the sources here). */
  beforeBuild?: () => Promise<void>;
};

export type JobResult =
  | { outcome: 'sent'; summary: SendSummary /** Set for the worker that built the digest. */; built?: BuildResult }
  | { outcome: 'empty'; week: string }
  | { outcome: 'busy'; holder: string; until: string }
  | AwaitingApproval;

/**
 * One of several senders sharing the store (`digest send --worker`): no
 * sender lease, so any number run at once, on any machines. The digest is
 * built once: the first worker takes the week's build lease, builds it and
 * starts the send; the others wait until it is sending, then all claim
 * batches of deliveries from the same queue.
 */
export async function runWorkerSend(deps: { db: Db; config: Config; transport: Transport }, week: Week, options: JobOptions = {}): Promise<JobResult> {
  const { db, config } = deps;
  const owner = options.owner ?? newOwner();
  const buildLease = `build:${week.id}`;
  for (;;) {
    // Stopped while another worker builds: nothing was sent, nothing is held.
    if (options.signal?.aborted) return { outcome: 'busy', holder: `the builder of ${week.id}`, until: '' };
    const digest = await findDigest(db, week.id);
    if (digest && digest.status !== 'draft') return { outcome: 'sent', summary: await sendDigest(deps, digest, week, { ...options, owner }) };
    if (await takeLease(db, buildLease, owner)) {
      const lease = keepLease(db, buildLease, owner);
      try {
        // sendDigest plans the deliveries and marks the digest sending, which releases the waiting workers.
        const signal = AbortSignal.any([lease.lost, ...(options.signal ? [options.signal] : [])]);
        if (config.approval.mode === 'required') {
          const gate = await throughApproval(deps, week, await findDigest(db, week.id), options);
          if (!('send' in gate)) return 'empty' in gate ? { outcome: 'empty', week: week.id } : gate;
          return { outcome: 'sent', summary: await sendDigest(deps, gate.send, week, { ...options, owner, signal, compiledAll: gate.compiledAll }) };
        }
        await options.beforeBuild?.();
        const built = await buildDigest(db, config, week, sampleCopyMeasure(options.compiler));
        if (built.outcome === 'empty') return { outcome: 'empty', week: week.id };
        const summary = await sendDigest(deps, built.digest, week, { ...options, owner, signal, compiledAll: built.compiled });
        return { outcome: 'sent', summary, built };
      } finally {
        lease.stop();
        await releaseLease(db, buildLease, owner);
      }
    }
    await sleepUnlessAborted(500, options.signal);
  }
}

/**
 * Builds (unless sending already started) and sends a week's digest while
 * holding the sender lease, renewed as it goes. If the lease is lost (this
 * process stalled past its expiry and another took over), the send stops.
 */
export async function runWeeklySend(
  deps: { db: Db; config: Config; transport: Transport },
  week: Week,
  options: JobOptions & { build?: boolean } = {},
): Promise<JobResult> {
  const { db, config } = deps;
  const owner = options.owner ?? newOwner();
  if (!(await takeLease(db, SENDER_LEASE, owner))) {
    const holder = await leaseHolder(db, SENDER_LEASE);
    return { outcome: 'busy', holder: holder?.owner ?? 'unknown', until: holder?.expiresAt ?? '' };
  }
  const lease = keepLease(db, SENDER_LEASE, owner);
  const stop = AbortSignal.any([lease.lost, ...(options.signal ? [options.signal] : [])]);
  try {
    const digest = await findDigest(db, week.id);
    if (config.approval.mode === 'required' && digest?.status !== 'sending' && digest?.status !== 'sent') {
      const gate = await throughApproval(deps, week, digest, options);
      if (!('send' in gate)) return 'empty' in gate ? { outcome: 'empty', week: week.id } : gate;
      return { outcome: 'sent', summary: await sendDigest(deps, gate.send, week, { ...options, signal: stop, compiledAll: gate.compiledAll }) };
    }
    if (!digest || (digest.status === 'draft' && options.build !== false)) {
      await options.beforeBuild?.();
      const built = await buildDigest(db, config, week, sampleCopyMeasure(options.compiler));
      if (built.outcome === 'empty') return { outcome: 'empty', week: week.id };
      return { outcome: 'sent', summary: await sendDigest(deps, built.digest, week, { ...options, signal: stop, compiledAll: built.compiled }) };
    }
    return { outcome: 'sent', summary: await sendDigest(deps, digest, week, { ...options, signal: stop }) };
  } finally {
    lease.stop();
    await releaseLease(db, SENDER_LEASE, owner);
  }
}
