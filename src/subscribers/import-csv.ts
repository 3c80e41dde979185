import { parse } from 'csv-parse/sync';
import type { Db } from '../db/connect.ts';
import type { SubscriberRow } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { UserError } from '../errors.ts';
import { checkAddress } from '../mailbox.ts';
import { unguardFormula } from './csv-formula-guard.ts';
import { addSubscriber, findSubscriberByEmail, invalidAddressReason, operatorMayNotAdd, parseTopics } from './subscriber-store.ts';

export interface CsvImportResult {
  created: number;
  updated: number;
  /** Rows for people who left or bounced (not re-subscribed by an import), and repeats. */
  skipped: { line: number; reason: string }[];
  /** Rows that could not be read: line number (1 = header) and why. */
  rejected: { line: number; reason: string }[];
  /** New subscribers left `pending`: they need a confirmation email. */
  pending: SubscriberRow[];
}

interface Row {
  line: number;
  email: string;
  name: string;
  topics: string;
}

function parseLine(line: string): string[] {
  return (parse(line, { relax_column_count: true, trim: true, bom: true }) as string[][])[0] ?? [];
}

/**
 * Reads the file one line at a time, so a broken line (an unclosed quote,
 * say) is reported on its own instead of swallowing the lines after it, as
 * a whole-file CSV parse does. Subscriber fields never span lines.
 */
function readRows(text: string, rejected: CsvImportResult['rejected']): Row[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) return [];
  let header: string[];
  try {
    header = parseLine(lines[headerIndex]!).map((h) => h.toLowerCase());
  } catch (error) {
    throw new UserError(`the CSV header cannot be read: ${(error as Error).message}`, 'EINPUT');
  }
  const column = (name: string) => header.indexOf(name);
  if (column('email') < 0) throw new UserError('the CSV needs a header line with an "email" column (email,name,topics)', 'EINPUT');
  const rows: Row[] = [];
  lines.forEach((text, index) => {
    if (index <= headerIndex || text.trim() === '') return;
    const line = index + 1;
    try {
      const cells = parseLine(text);
      // Our export guards cells against spreadsheet formulas (csv-formula-guard.ts): undone here.
      const cell = (name: string) => unguardFormula(column(name) >= 0 ? (cells[column(name)] ?? '') : '');
      rows.push({ line, email: cell('email'), name: cell('name'), topics: cell('topics') });
    } catch (error) {
      rejected.push({ line, reason: (error as Error).message.replace(/ at line \d+$/, '') });
    }
  });
  return rows;
}

/**
 * Imports `email,name,topics` rows: bad lines are reported with their number
 * and reason, the valid rest goes in one transaction. With `confirmed` the
 * operator vouches for consent and people are `active`; otherwise new ones
 * are `pending` until they confirm.
 */
export async function importSubscribersCsv(db: Db, text: string, options: { confirmed: boolean; now?: Date }): Promise<CsvImportResult> {
  const result: CsvImportResult = { created: 0, updated: 0, skipped: [], rejected: [], pending: [] };
  const seen = new Set<string>();
  const rows = readRows(text, result.rejected);
  await inTransaction(db, async (trx) => {
    for (const row of rows) {
      const check = checkAddress(row.email);
      if (!check.ok) {
        result.rejected.push({ line: row.line, reason: row.email ? invalidAddressReason(row.email, check.problem) : 'no email address' });
        continue;
      }
      const email = check.address;
      const key = email.toLowerCase();
      if (seen.has(key)) {
        result.skipped.push({ line: row.line, reason: `${email} appears earlier in the file` });
        continue;
      }
      seen.add(key);
      const existing = await findSubscriberByEmail(trx, email);
      const refusal = existing && operatorMayNotAdd(existing, options.confirmed);
      if (refusal) {
        result.skipped.push({ line: row.line, reason: `${existing.email} ${refusal}; an import does not re-subscribe them` });
        continue;
      }
      const { outcome, subscriber } = await addSubscriber(
        trx,
        { email, name: row.name, topics: parseTopics(row.topics) },
        { confirmed: options.confirmed, now: options.now, existing: existing ?? null },
      );
      result[outcome]++;
      if (outcome === 'created' && subscriber.status === 'pending') result.pending.push(subscriber);
    }
  });
  return result;
}
