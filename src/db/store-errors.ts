/**
 * Store errors that pass: the database is busy, restarting or briefly out of
 * reach. A sender pauses and retries on these; any other database error (a
 * constraint, a syntax error) is a bug and must surface.
 */

// SQLite result codes (https://sqlite.org/rescode.html): another process holds the lock, or
// the file is briefly unusable. better-sqlite3 puts the extended code in `code`.
const SQLITE_PASSING = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|PROTOCOL|FULL)/;

// PostgreSQL SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html):
// 08 connection exception, 28 authorisation (a role locked out for a while), 53 insufficient
// resources, 57P0x operator intervention (admin shutdown, crash, cannot connect now), 57014 query
// cancelled, 40001/40P01 serialisation failure and deadlock, 55P03 lock not available.
const POSTGRES_PASSING = /^(08|28|53|57P0|57014|40001|40P01|55P03)/;

// Socket-level failures of the driver's connection, and pg's own messages, which carry no code.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const PG_MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed|terminating connection/i;

/** True for a database error that a wait can cure (busy, locked, restarting, unreachable). */
export function isPassingStoreError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SQLITE_PASSING.test(code) || NETWORK_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && POSTGRES_PASSING.test(code)) return true;
  }
  return PG_MESSAGES.test(error.message);
}
