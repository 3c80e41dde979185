import type { Transaction } from 'kysely';
import { UserError, isUserError } from '../errors.ts';
import type { Db } from './connect.ts';
import { dialectForUrl, dialectOf } from './dialect.ts';
import type { Database } from './schema.ts';

/**
 * What `digest copy-store` moves, parents before children so that every
 * foreign key holds as each row arrives; then the complaint and bounce
 * reports imported, so none counts twice later, and the feeds fetched
 * (`sources`, their validators and failure streaks with them), and the
 * editors' changes to each week's issue (`digest_edits`). `leases`, `send_clock` and
 * `send_grants` stay behind: they are the live state of running senders (who
 * holds a lock, when the limits last let a message go), which means nothing
 * in another store. So does `compiled_segments`, a cache the first send
 * from the target fills again, and `confirmation_sends`, the last day's
 * confirmation emails for the subscribe form's limit: forgetting them lets
 * each address get at most one more day's worth.
 */
export const COPIED_TABLES = ['articles', 'subscribers', 'digests', 'deliveries', 'feedback_reports', 'sources', 'digest_edits'] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

/** The column each table is read in order of: its integer id, or the report's key (complaint and bounce reports, so a mailbox imported again after the copy still counts each once). */
const KEY_OF: Record<CopiedTable, 'id' | 'report_key'> = {
  articles: 'id',
  subscribers: 'id',
  digests: 'id',
  deliveries: 'id',
  feedback_reports: 'report_key',
  sources: 'id',
  digest_edits: 'id',
};
export type CopyCounts = Record<CopiedTable, number>;
const ID_KEYED = COPIED_TABLES.filter((t) => KEY_OF[t] === 'id');

/**
 * Rows read and written per statement. The widest table has 15 columns, so a
 * batch binds 15,000 values: under SQLite's 32,766 and PostgreSQL's 65,535.
 */
const BATCH_ROWS = 1000;

/**
 * Copies every article, subscriber, digest, delivery and feed source from `source` into
 * `target`, ids included, so foreign keys and delivery history (statuses,
 * Message-IDs, attempts) arrive intact. Both stores must be migrated.
 *
 * The source is read from one snapshot, in batches by id, so a large store
 * never sits in memory at once. Everything is written in one transaction on
 * the target: a failure leaves it as it was. A target that already holds any
 * of these rows is refused. On PostgreSQL each table's id sequence is then set
 * past the copied ids, so new rows get fresh ones (SQLite's autoincrement
 * follows inserted ids by itself).
 *
 * @example
 * const counts = await copyStore(openDatabase('file:data/digest.db'), openDatabase('postgres://db.internal/digest'));
 */
export async function copyStore(source: Db, target: Db, options: { batchRows?: number } = {}): Promise<CopyCounts> {
  const batchRows = options.batchRows ?? BATCH_ROWS;
  let step = 'reading the target';
  try {
    return await source
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((from) =>
        target.transaction().execute(async (to) => {
          await refuseUnlessEmpty(to);
          const counts = Object.fromEntries(COPIED_TABLES.map((table) => [table, 0])) as CopyCounts;
          for (const table of COPIED_TABLES) {
            const key = KEY_OF[table];
            let last: number | string = key === 'id' ? 0 : '';
            for (;;) {
              step = `reading ${table} after ${key} ${last}`;
              // The tables differ in their key's column; the union of their types confuses the query's, hence the casts.
              const rows = (await from
                .selectFrom(table)
                .selectAll()
                .where(key as never, '>', last as never)
                .orderBy(key as never)
                .limit(batchRows)
                .execute()) as Record<string, number | string>[];
              if (rows.length === 0) break;
              step = `writing ${table} ${key}s ${rows[0]![key]}–${rows[rows.length - 1]![key]}`;
              await to
                .insertInto(table)
                .values(rows as never)
                .execute();
              counts[table] += rows.length;
              last = rows[rows.length - 1]![key]!;
            }
          }
          step = 'resetting the id sequences';
          await dialectOf(to).afterCopyWithIds(to, ID_KEYED);
          return counts;
        }),
      );
  } catch (error) {
    if (isUserError(error) || !isDatabaseError(error)) throw error;
    throw new UserError(`copy failed while ${step}: ${describeDatabaseError(error)}; nothing was written to the target`, 'ECOPY');
  }
}

async function refuseUnlessEmpty(to: Transaction<Database>): Promise<void> {
  const held: string[] = [];
  for (const table of COPIED_TABLES) {
    const row = await to
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(row.n) > 0) held.push(`${table}: ${Number(row.n)}`);
  }
  if (held.length > 0) {
    throw new UserError(`the target store already holds data (${held.join(', ')}); copy-store only fills an empty store`, 'ESTATE');
  }
}

/** An error the database raised (a PostgreSQL SQLSTATE, an SQLITE_ code, a dropped connection), not one of ours. */
function isDatabaseError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && /^(SQLITE_\w+|[0-9A-Z]{5}|E[A-Z]+)$/.test(code);
}

function describeDatabaseError(error: Error & { code: string }): string {
  const message = error.message.replace(/\s*\n\s*/g, ' ');
  // SQLite text may hold U+0000; PostgreSQL text cannot.
  if (error.code === '22021' && message.includes('0x00'))
    return `${message} (PostgreSQL text cannot hold the NUL character; remove it from that row in the source)`;
  return message;
}

/**
 * Do two DATABASE_URLs name the same store? SQLite files by their absolute
 * path; PostgreSQL by host, port, database and schema (the user and the
 * password do not change which tables they reach).
 */
export function sameStore(a: string, b: string): boolean {
  return storeIdentity(a) === storeIdentity(b);
}

function storeIdentity(url: string): string {
  return dialectForUrl(url).identity(url);
}
