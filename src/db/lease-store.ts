import type { Db } from './connect.ts';

/**
 * A named lock in the database: one owner until it expires. A holder renews
 * it while it works; anyone else takes it over only once it has expired (its
 * holder died). Works across processes and machines sharing the store.
 */
export async function acquireLease(db: Db, name: string, owner: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const expires = new Date(now.getTime() + ttlMs).toISOString();
  const row = await db
    .insertInto('leases')
    .values({ name, owner, expires_at: expires })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, expires_at: expires })
        .where((eb) => eb.or([eb('leases.expires_at', '<', now.toISOString()), eb('leases.owner', '=', owner)])),
    )
    .returning('owner')
    .executeTakeFirst();
  return row?.owner === owner;
}

/** Extends a lease this owner holds; false when it was lost (expired and taken over). */
export async function renewLease(db: Db, name: string, owner: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const result = await db
    .updateTable('leases')
    .set({ expires_at: new Date(now.getTime() + ttlMs).toISOString() })
    .where('name', '=', name)
    .where('owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseLease(db: Db, name: string, owner: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
}

export async function leaseHolder(db: Db, name: string, now = new Date()): Promise<{ owner: string; expiresAt: string } | null> {
  const row = await db.selectFrom('leases').selectAll().where('name', '=', name).where('expires_at', '>=', now.toISOString()).executeTakeFirst();
  return row ? { owner: row.owner, expiresAt: row.expires_at } : null;
}
