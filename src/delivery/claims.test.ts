import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/connect.ts';
import { openScratchDb } from '../../test/helpers/store.ts';
import { seedSubscribers } from '../../test/helpers/seed.ts';
import { beginAttempt, claimDueDeliveries, heldByOthers, markSent, recoverInterrupted } from './delivery-store.ts';
import { planDeliveries } from './plan-store.ts';
import { describeSend } from './send-status.ts';
import { testConfig } from '../../test/helpers/fixtures.ts';

const T0 = new Date('2026-11-30T08:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
/** A worker on another machine: whether it is alive cannot be checked, only its claim's expiry. */
const ELSEWHERE = 'worker-host-b:4242:abcd1234';
const HERE = 'worker-host-a:1:00000000';

let db: Db;
let digestId: number;
beforeEach(async () => {
  db = await openScratchDb();
  await seedSubscribers(
    db,
    Array.from({ length: 40 }, (_, i) => `reader-${i}@example.com`),
  );
  const digest = await db
    .insertInto('digests')
    .values({ week: '2026-W48', subject: 's', preheader: 'p', article_ids: '[]', status: 'sending', html_bytes: 0, built_at: T0.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  digestId = digest.id;
  expect(await planDeliveries(db, digestId, ['Safety'], T0)).toBe(40);
});
afterEach(() => db.destroy());

describe('claims shared by several senders', () => {
  it('never hands the same row to two senders claiming at once', async () => {
    const owners = ['w1', 'w2', 'w3', 'w4'].map((w) => `host:1:${w}`);
    const batches = await Promise.all(owners.map((owner) => claimDueDeliveries(db, digestId, { limit: 15, owner, resendUncertain: true, now: T0 })));
    const ids = batches.flat().map((r) => r.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it("leaves a live worker's claim alone, and takes a dead one's back once it expires", async () => {
    const theirs = await claimDueDeliveries(db, digestId, { limit: 10, owner: ELSEWHERE, resendUncertain: true, claimSeconds: 120, now: T0 });
    expect(await beginAttempt(db, theirs[0]!.id, ELSEWHERE, T0)).toBe(true);
    expect(await beginAttempt(db, theirs[1]!.id, ELSEWHERE, T0)).toBe(true);

    // Before expiry: nothing to recover, their rows are not claimable, and they count as held by others.
    expect(await recoverInterrupted(db, digestId, at(60))).toBe(0);
    const mine = await claimDueDeliveries(db, digestId, { limit: 100, owner: HERE, resendUncertain: true, now: at(60) });
    expect(mine).toHaveLength(30);
    expect(mine.some((r) => theirs.some((t) => t.id === r.id))).toBe(false);
    expect(await heldByOthers(db, digestId, HERE)).toBe(10);
    // What an operator sees in `digest status` meanwhile.
    const status = await describeSend(db, testConfig(), digestId, at(60));
    expect(status.senders).toEqual([
      { owner: HERE, claimed: 30 },
      { owner: ELSEWHERE, claimed: 10 },
    ]);

    // After expiry: the two on the wire become uncertain, the rest go back to the pool.
    expect(await recoverInterrupted(db, digestId, at(121))).toBe(2);
    const states = await db
      .selectFrom('deliveries')
      .select(['id', 'status', 'claimed_by'])
      .where(
        'id',
        'in',
        theirs.map((t) => t.id),
      )
      .orderBy('id')
      .execute();
    expect(states.map((s) => s.status)).toEqual(['uncertain', 'uncertain', ...Array(8).fill('pending')]);
    expect(states.every((s) => s.claimed_by === null)).toBe(true);
    const retaken = await claimDueDeliveries(db, digestId, { limit: 100, owner: HERE, resendUncertain: true, now: at(122) });
    expect(retaken.map((r) => r.id).sort((a, b) => a - b)).toEqual(theirs.map((t) => t.id));

    // The stalled worker wakes up: its row is no longer its own, so it must not send it.
    expect(await beginAttempt(db, theirs[2]!.id, ELSEWHERE, at(123))).toBe(false);
    expect(await beginAttempt(db, theirs[2]!.id, HERE, at(123))).toBe(true);
  });
});

describe('per-message records', () => {
  it('are kept when another caller’s transaction, open at the same moment, rolls back', async () => {
    const [sending, next] = await claimDueDeliveries(db, digestId, { limit: 2, owner: HERE, resendUncertain: true, now: T0 });
    expect(await beginAttempt(db, sending!.id, HERE, T0)).toBe(true);
    let rollBack!: () => void;
    const held = new Promise<void>((resolve) => (rollBack = resolve));
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const other = db.transaction().execute(async (trx) => {
      await trx.updateTable('subscribers').set({ name: 'changed' }).execute();
      opened();
      await held;
      throw new Error('rolled back');
    });
    await open;
    // On SQLite all share one connection: a record written into the open transaction would vanish with it.
    const sent = markSent(db, sending!.id, { messageId: '<m@example.com>', response: '250 OK', now: at(1) });
    const began = beginAttempt(db, next!.id, HERE, at(1));
    rollBack();
    await expect(other).rejects.toThrow('rolled back');
    await sent;
    expect(await began).toBe(true);
    const rows = await db.selectFrom('deliveries').select(['id', 'status', 'message_id']).where('id', 'in', [sending!.id, next!.id]).orderBy('id').execute();
    expect(rows).toEqual([
      { id: sending!.id, status: 'sent', message_id: '<m@example.com>' },
      { id: next!.id, status: 'sending', message_id: null },
    ]);
  });
});
