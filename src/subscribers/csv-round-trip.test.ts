import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openScratchDb } from '../../test/helpers/store.ts';
import type { Db } from '../db/connect.ts';
import { guardFormula, unguardFormula } from './csv-formula-guard.ts';
import { subscribersToCsv } from './export-csv.ts';
import { importSubscribersCsv } from './import-csv.ts';
import { addSubscriber, listSubscribers, parseTopics, subscriberTopics } from './subscriber-store.ts';

/** How a value may start: each formula starter, the guard itself, and both. */
const STARTS = ['', '=', '+', '-', '@', '\t', '\r', "'", "''", "'=", "'+", "'-", "'@", "'\t", '"', "='", ' =', "'x"];

describe('the CSV formula guard', () => {
  it('is undone exactly by the import, whatever the value starts with', () => {
    for (const start of STARTS) {
      for (const value of [start, `${start}Ada`, `${start}SUM(1+2)`, `${start}'`]) {
        expect(unguardFormula(guardFormula(value))).toBe(value);
      }
    }
    // A spreadsheet shows the guarded cells as text.
    for (const value of ['=1+2', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) expect(guardFormula(value)).toBe(`'${value}`);
    // An apostrophe someone typed before ordinary text is theirs.
    expect(unguardFormula("'Tis Ada")).toBe("'Tis Ada");
  });
});

describe('subscribers export → import', () => {
  let source: Db;
  let target: Db;
  beforeEach(async () => {
    [source, target] = await Promise.all([openScratchDb(), openScratchDb()]);
  });
  afterEach(() => Promise.all([source.destroy(), target.destroy()]));

  const people = async (db: Db) =>
    (await listSubscribers(db)).map((r) => ({ email: r.email, name: r.name, topics: subscriberTopics(r) })).sort((a, b) => a.email.localeCompare(b.email));

  it('gives back every address, name and topic list exactly, tricky first characters included', async () => {
    // Addresses cannot start with @, a tab or a quote; names and topics can start with anything (as the
    // store keeps them: trimmed, one line).
    const addressStarts = STARTS.filter((s) => !/^[@\t\r" ]|^'[@\t]/.test(s));
    let n = 0;
    for (const start of STARTS) {
      const address = addressStarts[n % addressStarts.length]!;
      await addSubscriber(
        source,
        { email: `${address}reader${n}@example.com`, name: `${start}Ada ${n}`, topics: parseTopics(`${start}Privacy;${STARTS[(n + 5) % STARTS.length]}Labor`) },
        { confirmed: true },
      );
      n++;
    }
    for (const name of ['=HYPERLINK("https://evil.example","click")', "'", "''", '-', "'=1+2", 'Lovelace, "Ada"']) {
      await addSubscriber(source, { email: `${addressStarts[n % addressStarts.length]}named${n}@example.com`, name }, { confirmed: true });
      n++;
    }
    const before = await people(source);
    const csv = subscribersToCsv(await listSubscribers(source));
    // Not a vacuous round trip: cells were guarded on the way out.
    expect(csv).toMatch(/^'-reader\d+@example\.com,/m);
    expect(csv).toMatch(/^''reader\d+@example\.com,/m);
    expect(csv).toContain(`"'=HYPERLINK(""https://evil.example"",""click"")"`);

    const result = await importSubscribersCsv(target, csv, { confirmed: true });
    expect(result).toMatchObject({ created: before.length, updated: 0, rejected: [], skipped: [] });
    expect(await people(target)).toEqual(before);

    // And into the store it came from: nothing new, nothing changed.
    const again = await importSubscribersCsv(source, csv, { confirmed: true });
    expect(again).toMatchObject({ created: 0, updated: before.length, rejected: [] });
    expect(await people(source)).toEqual(before);
  });
});
