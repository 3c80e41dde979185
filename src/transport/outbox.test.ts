import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxTransport } from './outbox.ts';
import type { OutgoingMessage } from '../domain.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function message(n: number): OutgoingMessage {
  return {
    key: '2026-W47/42-ada@example.com',
    from: { name: 'The Harm Ledger', address: 'digest@harmledger.example' },
    to: { name: 'Ada', address: 'ada@example.com' },
    subject: `Copy ${n}`,
    // Large enough that the writes overlap.
    text: `copy ${n}\n${'x'.repeat(200_000)}\nend of copy ${n}\n`,
    html: `<p>copy ${n}</p>`,
    messageId: `<2026-W47.42.${n}@harmledger.example>`,
    date: new Date('2026-11-23T08:00:00Z'),
    headers: {},
  };
}

describe('outbox transport', () => {
  // Regression: every send of a key wrote `<file>.<pid>.tmp`, so a second send of the same
  // key at once lost its file to the first one's rename and failed with ENOENT.
  it('writes concurrent sends of one key each whole, without a failure or a leftover temporary file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-test-'));
    const transport = createOutboxTransport(dir);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, n) => transport.send(message(n))));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

    expect(readdirSync(join(dir, '2026-W47'))).toEqual(['42-ada@example.com.eml']);
    const parsed = await simpleParser(readFileSync(join(dir, '2026-W47', '42-ada@example.com.eml')));
    const n = Number(/^Copy (\d+)$/.exec(parsed.subject ?? '')?.[1]);
    expect(parsed.text).toBe(message(n).text);
  }, 60_000);
});
