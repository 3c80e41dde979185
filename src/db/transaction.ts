import type { Transaction } from 'kysely';
import type { Db } from './connect.ts';
import type { Database } from './schema.ts';

/** A handle inside a transaction: store functions take it wherever they take a `Db`. */
export type Tx = Transaction<Database>;

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when
 * it throws. Stage logic that must hold several store calls together (a
 * lifecycle change and its report, an import's reads and writes) opens it
 * here and hands `trx` to the store functions.
 *
 * @example
 * await inTransaction(db, async (trx) => { await markBounced(trx, id); await recordReport(trx, report); });
 */
export function inTransaction<T>(db: Db, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}
