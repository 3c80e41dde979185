import type { SubscriberRow } from '../db/schema.ts';
import { guardFormula } from './csv-formula-guard.ts';
import { subscriberTopics } from './subscriber-store.ts';

/** RFC 4180 quoting, after the formula guard (which the import undoes). */
function cell(value: string): string {
  const safe = guardFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Subscribers as CSV (`email,name,topics,status,created_at,confirmed_at,unsubscribed_at`), importable again. */
export function subscribersToCsv(rows: SubscriberRow[]): string {
  const lines = ['email,name,topics,status,created_at,confirmed_at,unsubscribed_at'];
  for (const r of rows) {
    lines.push([r.email, r.name, subscriberTopics(r).join(';'), r.status, r.created_at, r.confirmed_at ?? '', r.unsubscribed_at ?? ''].map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
