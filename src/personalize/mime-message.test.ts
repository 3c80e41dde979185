import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { articleRow, digestOf, testConfig } from '../../test/helpers/fixtures.ts';
import { orderArticles } from '../digests/digest-content.ts';
import { personalize, renderDigest } from './personalize.ts';
import type { SlotValues } from '../render/slots.ts';
import { composeDigestMessage } from './compose-message.ts';
import { MessageBuffers } from './message-buffers.ts';
import { buildMessage, prepareMime, qp, qpValue } from './mime-message.ts';
import { recipientValues } from './recipient-values.ts';

const config = testConfig();
const ada = { id: 7, email: 'ada@example.com', name: 'Ada Lovelace' };
const values: SlotValues = {
  greeting: 'Hi .Ada,',
  email: 'ada@example.com',
  unsubscribeUrl: 'https://x.example/u?t=1',
  preferencesUrl: 'https://x.example/p?t=2',
};

/** Lines of encoded output, without their CRLF. */
const lines = (encoded: string) => encoded.split('\r\n');

/** Text that puts periods at line starts in every way: after a hard break, after a soft break, in runs, after multibyte characters. */
function dotty(): string {
  const pieces = ['.starts with a period', '..two', '.', '...'.repeat(60), `${'a'.repeat(73)}.b`, `${'é'.repeat(24)}.next`, 'end.'];
  for (let width = 60; width < 80; width++) pieces.push(`${'x'.repeat(width)}.${'y'.repeat(width)}`);
  return pieces.join('\n');
}

describe('qp', () => {
  it('writes a period that starts a line as =2E (RFC 2049), so SMTP never has to double it, in lines of at most 76', () => {
    const encoded = qp(dotty());
    expect(lines(encoded).filter((line) => line.startsWith('.'))).toEqual([]);
    expect(Math.max(...lines(encoded).map((line) => line.length))).toBeLessThanOrEqual(76);
    expect(encoded).toContain('=2Estarts with a period');
  });
});

describe('qpValue', () => {
  /** Quoted-printable decoding (RFC 2045 §6.7) of ASCII-only output. */
  const decode = (encoded: string) => encoded.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

  // Every cut position meets every kind of character: '=' (escaped to three), '.', spaces, and plain text.
  const values = ['', '.', '=', 'Hi Ada,', 'Hi .Ada,', ' trailing ', 'https://harmledger.example/unsubscribe?token=dW5zdWJzY3JpYmUuNDI.3q2-7w'];
  for (let length = 60; length <= 160; length++) {
    for (const filler of ['a', '=', '.', 'a=', 'a.', '=.', ' .', 'ab=c']) {
      for (const lead of ['', 'a', 'aa']) values.push((lead + filler.repeat(length)).slice(0, length));
    }
  }

  it('decodes to the value, in lines of at most 76 that never start with a period, ending in a soft break', () => {
    for (const value of values) {
      const encoded = qpValue(value);
      expect(encoded.endsWith('=\r\n')).toBe(true);
      expect(decode(encoded)).toBe(value);
      const encodedLines = lines(encoded.slice(0, -2));
      expect(encodedLines.filter((line) => line.length > 76 || line.startsWith('.'))).toEqual([]);
      // An escape is never cut by a soft break: each `=` is followed by two hex digits on its own line.
      expect(encodedLines.filter((line) => /=(?![0-9A-F]{2})/.test(line.replace(/=$/, '')))).toEqual([]);
    }
  });

  it('leaves what is not printable ASCII to the full encoder', () => {
    expect(qpValue('Hi Zoë,')).toBe(`${qp('Hi Zoë,')}=\r\n`);
    expect(qpValue('tab\there')).toBe(`${qp('tab\there')}=\r\n`);
  });
});

describe('buildMessage', () => {
  const template = prepareMime(
    { from: { name: 'The Ledger', address: 'digest@x.example' }, subject: 'This week', listId: { name: 'x', id: 'l.x.example' } },
    { parts: [`${dotty()}\n`, '\n.after the greeting\n'], slots: ['greeting'] },
    { parts: [`<p>${dotty()}</p><p>`, '</p><a href="', '">.unsubscribe</a>'], slots: ['greeting', 'unsubscribeUrl'] },
  );
  const recipient = {
    to: { name: 'Ada', address: 'ada@example.com' },
    messageId: '<1@x.example>',
    date: new Date('2026-11-23T08:00:00Z'),
    unsubscribeUrl: values.unsubscribeUrl,
    values,
  };

  it('decodes to exactly the text and HTML it was given, periods and all', async () => {
    const bytes = buildMessage(template, recipient);
    expect(
      bytes
        .toString('latin1')
        .split('\r\n')
        .filter((line) => line.startsWith('.')),
    ).toEqual([]);
    const parsed = await simpleParser(bytes);
    expect(parsed.text).toBe(`${dotty()}\nHi .Ada,\n.after the greeting\n`);
    expect(parsed.html).toBe(`<p>${dotty()}</p><p>Hi .Ada,</p><a href="https://x.example/u?t=1">.unsubscribe</a>`);
  });

  it('writes into pooled memory the same bytes it would allocate, and reuses only what was given back', () => {
    const buffers = new MessageBuffers();
    const expected = buildMessage(template, recipient);
    const first = buildMessage(template, recipient, buffers);
    expect(first.equals(expected)).toBe(true);
    const other = { ...recipient, to: { name: 'Bo', address: 'bo@example.com' }, values: { ...values, greeting: 'Hi Bo,' } };
    // `first` is still in flight: the next message must not land in its memory.
    const second = buildMessage(template, other, buffers);
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.equals(expected)).toBe(true);
    buffers.giveBack(first);
    buffers.giveBack(first); // twice is once
    expect(buffers.idle).toBe(1);
    const third = buildMessage(template, other, buffers);
    expect(third.buffer).toBe(first.buffer);
    expect(third.equals(buildMessage(template, other))).toBe(true);
    expect(buffers.idle).toBe(0);
    // Memory the pool did not hand out is never taken in.
    buffers.giveBack(Buffer.from('not ours'));
    expect(buffers.idle).toBe(0);
  });

  it('gives a message larger than every free buffer memory of its own size', () => {
    const buffers = new MessageBuffers(16);
    const small = buffers.take(10);
    buffers.giveBack(small);
    const large = buffers.take(1000);
    expect(large.length).toBe(1000);
    expect(large.buffer).not.toBe(small.buffer);
    expect(buffers.idle).toBe(1);
  });
});

describe('composeDigestMessage', () => {
  // Regression: QP wrapping put a period at the start of ~20 lines of the sample digest, and nodemailer's
  // dot-stuffing copied every 88 KB message to double them (a full GC every ~80 messages in `npm run bench`).
  it('puts no period at the start of a line of a real digest, and the reader gets the personalised HTML and text', async () => {
    const articles = Array.from({ length: 8 }, (_, i) =>
      articleRow(i + 1, {
        summary: `${'Regulators in two states have asked for the underlying logs, and no deadline has been set'.slice(0, 60 + i)}. Then more.`,
        why_it_matters: '.NET services and .gov sites.',
      }),
    );
    const rendered = await renderDigest(digestOf(orderArticles(articles), config), config);
    const message = composeDigestMessage(config, rendered, '2026-W47', ada, new Date(), new MessageBuffers());
    expect(
      message
        .raw!.toString('latin1')
        .split('\r\n')
        .filter((line) => line.startsWith('.')),
    ).toEqual([]);
    // Header lines within RFC 5322's 78 characters, but for the unsubscribe URL, which cannot be folded.
    const headerLines = message.raw!.toString('latin1').split('\r\n\r\n')[0]!.split('\r\n');
    expect(headerLines.filter((line) => line.length > 78 && !line.includes('/unsubscribe?token='))).toEqual([]);
    const parsed = await simpleParser(message.raw!);
    const expected = personalize(rendered, recipientValues(config, ada));
    expect(parsed.html).toBe(expected.html);
    expect(parsed.text).toBe(expected.text);
  });
});
